"""Errors the library raises; the CLI turns them into a message and an exit code."""


class KgError(Exception):
    """A problem the user can fix; the message says what to do."""

    exit_code = 1


class InputError(KgError):
    """A document, path or option that cannot be used."""


class DataFileError(KgError):
    """A lexicon, rule or ontology file that does not pass its checks."""


class OutputError(KgError):
    """An output that could not be written; previous outputs are left intact."""
