"""The extraction cache behind incremental builds: ``out/.cache/<key>.pickle`` per document.

A document is extracted again only when its bytes, its reading options or the
extractor itself (the package's code and data files it runs) change. A build after
changes takes the previous extraction of a changed document from here too, to count
it out of the resolution (kg.incremental).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path

from .records import Document, Extraction

# Files that extraction (kg.extraction) never runs: they resolve, write, query, serve
# or draw the graph, so a change there changes no cached extraction.
OUTPUT_FILES = frozenset({
    "__main__.py", "analysis.py", "cli.py", "evaluate.py", "export.py", "graph.py", "incremental.py", "network.py",
    "outputs.py", "pipeline.py", "queries.py", "remote.py", "resolve.py", "results.py", "server.py", "store.py",
    "validate.py", "views.py",
    "data/context.jsonld", "data/shapes.ttl", "data/view.js",
})


@cache
def extractor_version() -> str:
    """A hash of every source and data file of the package that extraction may use (all but
    :data:`OUTPUT_FILES`, so a new module counts until it is listed there): any change
    invalidates the cache."""
    return _digest(lambda name: name not in OUTPUT_FILES)


@cache
def writer_version() -> str:
    """A hash of the files that resolve entities and lay the outputs out (:data:`OUTPUT_FILES`)."""
    return _digest(lambda name: name in OUTPUT_FILES)


def _digest(chosen) -> str:
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".yaml", ".ttl", ".json", ".jsonld", ".js")):
        name = path.relative_to(root).as_posix()
        if chosen(name):
            digest.update(name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def document_key(doc: Document) -> str:
    """What the extraction depends on: the document's bytes, its path, and how it was read."""
    fields = {f.name: getattr(doc, f.name) for f in dataclasses.fields(doc) if f.name != "text"}
    return hashlib.sha256(f"{extractor_version()}|{sorted(fields.items())!r}".encode()).hexdigest()[:32]


class ExtractionCache:
    """Pickled extractions by document key; writes are atomic, unreadable entries are misses."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.used: set[str] = set()

    def get(self, doc: Document) -> Extraction | None:
        return self.load(document_key(doc), doc.sha256)

    def load(self, key: str, sha256: str) -> Extraction | None:
        """The extraction cached under ``key`` (a :func:`document_key`) of the document with that SHA-256."""
        self.used.add(key)
        try:
            with open(self.folder / f"{key}.pickle", "rb") as handle:
                extraction = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            return None
        return extraction if isinstance(extraction, Extraction) and extraction.document.sha256 == sha256 else None

    def keep(self, key: str) -> None:
        """Keep an entry this build did not load but still stands for (an unchanged document)."""
        self.used.add(key)

    def put(self, doc: Document, extraction: Extraction, data: bytes | None = None) -> None:
        """Store an extraction (``data``: the extraction already pickled)."""
        key = document_key(doc)
        self.used.add(key)
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.folder)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data if data is not None else pickle.dumps(extraction, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, self.folder / f"{key}.pickle")

    def prune(self) -> None:
        """Drop entries this build did not use (deleted or changed documents, an older extractor)."""
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return
        for entry in entries:  # (os.scandir and names: Path objects cost a third of this at 10,000 entries)
            stem, suffix = os.path.splitext(entry.name)
            if stem not in self.used or suffix != ".pickle":
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
