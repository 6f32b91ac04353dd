"""Load and check the lexicon: YAML files under kg/data/lexicon plus CLDR country names.

Countries come from Babel's CLDR data (English and Chinese names); the YAML
files add what CLDR lacks. Every entry is checked on load and a bad one is
reported with its file and id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from .datafiles import load_yaml
from .errors import DataFileError
from .ontology import CLASSES

_TOKEN = re.compile(r"\w+(?:[-.]\w+)*|['’]s\b|[^\w\s]")
_WIKIDATA = re.compile(r"^Q[1-9]\d*$")
_ENTRY_KEYS = {"id", "name", "class", "zh", "aliases", "zh_aliases", "country", "wikidata", "adjectives"}


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    """Word tokens with document offsets; possessive 's is its own token."""
    return [(m[0], m.start(), m.end()) for m in _TOKEN.finditer(text, start, len(text) if end is None else end)]


@dataclass(frozen=True, slots=True)
class LexEntry:
    id: str
    cls: str
    name: str
    zh: str | None = None
    aliases: tuple[str, ...] = ()
    zh_aliases: tuple[str, ...] = ()
    country: str | None = None
    wikidata: str | None = None
    adjectives: tuple[str, ...] = ()
    origin: str = ""

    @property
    def key(self) -> str:
        return f"lex:{self.id}"


@dataclass(frozen=True, slots=True)
class LexMatch:
    entry: LexEntry
    start: int
    end: int
    surface: str


class Lexicon:
    """Entries by id, with a token trie for English and a regex for Chinese names."""

    def __init__(self, entries: Iterable[LexEntry]):
        self.entries: dict[str, LexEntry] = {}
        for entry in entries:
            if entry.id in self.entries:
                raise DataFileError(f"Lexicon {entry.origin}, entry '{entry.id}': the id is also used in {self.entries[entry.id].origin}. Ids must be unique.")
            self.entries[entry.id] = entry
        for entry in self.entries.values():
            if entry.country and entry.country not in self.entries:
                raise DataFileError(f"Lexicon {entry.origin}, entry '{entry.id}': country '{entry.country}' is no country id (use an ISO code such as CN or DE).")
        self.adjectives: dict[str, str] = {}
        self.region_adjectives: dict[str, str] = {}  # "bavarian" -> the key of Bavaria
        self._country_names: dict[str, str] | None = None
        self._trie: dict = {}
        zh_names: dict[str, LexEntry] = {}
        for entry in self.entries.values():
            for form in (entry.name, *entry.aliases):
                self._add(form, entry)
            for adjective in entry.adjectives:  # a region's adjective ("Bavarian") names its country
                self.adjectives[adjective.lower()] = entry.id if entry.cls == "Country" else entry.country
                if entry.cls == "Place":
                    self.region_adjectives[adjective.lower()] = entry.key
            for form in (entry.zh, *entry.zh_aliases):
                if form and len(form) >= 2:
                    zh_names.setdefault(form, entry)
        self._zh_names = zh_names
        forms = sorted(zh_names, key=lambda s: (-len(s), s))
        self._zh_regex = re.compile("|".join(map(re.escape, forms))) if forms else None

    def _add(self, form: str, entry: LexEntry) -> None:
        tokens = [t for t, _, _ in tokenize(form)]
        if not tokens:
            return
        node = self._trie
        for token in tokens:
            node = node.setdefault(token.lower(), {})
        # Short or acronym forms must match exactly; longer names are matched
        # case-insensitively provided the text writes them capitalised.
        exact = len(tokens) == 1 or form.isupper()
        node.setdefault(None, []).append((entry, form, exact))

    @property
    def first_words(self) -> dict:
        """The first tokens (lower case) of every English name: a quick test before ``match_tokens``."""
        return self._trie

    def match_tokens(self, text: str, tokens: list[tuple[str, int, int]], i: int) -> LexMatch | None:
        """The longest lexicon name starting at token ``i``, or None."""
        node = self._trie
        best = None
        j = i
        while j < len(tokens):
            node = node.get(tokens[j][0].lower())
            if node is None:
                break
            j += 1
            for entry, form, exact in node.get(None, ()):
                surface = text[tokens[i][1]:tokens[j - 1][2]]
                if exact and _squash(surface) != _squash(form):
                    continue
                if not exact and form[0].isupper() and not surface[0].isupper():
                    continue
                best = LexMatch(entry, tokens[i][1], tokens[j - 1][2], surface)
                break
        return best

    def entry_named(self, name: str) -> LexEntry | None:
        """The entry whose name or alias is the whole of ``name`` ("Ministry of Finance"), or None."""
        tokens = tokenize(name)
        found = self.match_tokens(name, tokens, 0) if tokens else None
        return found.entry if found is not None and found.end == len(name) else None

    def match_chinese(self, text: str, start: int, end: int) -> list[LexMatch]:
        """Non-overlapping longest matches of Chinese names in ``text[start:end]``."""
        if self._zh_regex is None:
            return []
        return [LexMatch(self._zh_names[m.group(0)], m.start(), m.end(), m.group(0))
                for m in self._zh_regex.finditer(text, start, end)]

    def country_of_adjective(self, word: str) -> str | None:
        return self.adjectives.get(word.lower())

    def country_named(self, word: str) -> str | None:
        """The id of the country whose English name is ``word`` ("China"), or None."""
        if self._country_names is None:
            self._country_names = {e.name.lower(): e.id for e in self.entries.values() if e.cls == "Country"}
        return self._country_names.get(word.lower())


_SPACES = re.compile(r"\s+")


def _squash(s: str) -> str:
    return _SPACES.sub(" ", s).replace("’", "'")


def _entries_from_file(path: str, data: object) -> list[LexEntry]:
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise DataFileError(f"Lexicon {path}: expected a mapping with an 'entries' list.")
    default_cls = data.get("class")
    default_country = data.get("country")
    out = []
    for n, raw in enumerate(data["entries"], 1):
        where = f"Lexicon {path}, entry {raw.get('id', '#' + str(n)) if isinstance(raw, dict) else '#' + str(n)}"
        if not isinstance(raw, dict):
            raise DataFileError(f"{where}: expected a mapping with id, name and class.")
        unknown = set(raw) - _ENTRY_KEYS
        if unknown:
            raise DataFileError(f"{where}: unknown field(s) {sorted(unknown)}. Known fields: {sorted(_ENTRY_KEYS)}.")
        cls = raw.get("class", default_cls)
        if cls not in CLASSES:
            raise DataFileError(f"{where}: class '{cls}' is not in the ontology. Known classes: {', '.join(sorted(CLASSES))}.")
        if not raw.get("id") or not raw.get("name"):
            raise DataFileError(f"{where}: 'id' and 'name' are required.")
        wikidata = raw.get("wikidata")
        if wikidata is not None and not _WIKIDATA.match(str(wikidata)):
            raise DataFileError(f"{where}: wikidata '{wikidata}' is not a Wikidata id like Q148.")
        for list_key in ("aliases", "zh_aliases", "adjectives"):
            if not isinstance(raw.get(list_key, []), list):
                raise DataFileError(f"{where}: '{list_key}' must be a list.")
        out.append(LexEntry(
            id=str(raw["id"]), cls=cls, name=str(raw["name"]), zh=raw.get("zh"),
            aliases=tuple(map(str, raw.get("aliases", ()))), zh_aliases=tuple(map(str, raw.get("zh_aliases", ()))),
            country=raw.get("country", default_country), wikidata=wikidata,
            adjectives=tuple(raw.get("adjectives", ())), origin=path,
        ))
    return out


def _country_entries(path: str, data: dict) -> list[LexEntry]:
    """Countries and territories from CLDR, completed by countries.yaml."""
    from babel import Locale  # imported here: only the lexicon needs CLDR

    en, zh = Locale("en").territories, Locale("zh").territories
    not_sovereign = set(data.get("not_sovereign", ()))
    part_of = data.get("part_of", {})
    ignore = set(data.get("ignore", ()))
    extra = data.get("extra", {})
    unknown = set(extra) - set(en)
    if unknown:
        raise DataFileError(f"Lexicon {path}: {sorted(unknown)} are not CLDR territory codes.")
    out = []
    for code in sorted(en):
        if len(code) != 2 or not code.isalpha() or code in ignore:
            continue
        more = extra.get(code, {})
        cls = "Place" if code in not_sovereign else "Country"
        out.append(LexEntry(
            id=code, cls=cls, name=en[code], zh=zh.get(code),
            aliases=tuple(more.get("aliases", ())), adjectives=tuple(more.get("adjectives", ())),
            wikidata=more.get("wikidata"), country=part_of.get(code), origin=path,
        ))
    return out


@cache
def load_lexicon(folder: str | None = None) -> Lexicon:
    """Load every YAML file of the lexicon folder (default: the packaged one).

    Raises:
        DataFileError: a file or entry fails its checks; the message names it.
    """
    base = Path(folder) if folder else resources.files("kg.data").joinpath("lexicon")
    entries: list[LexEntry] = []
    files = sorted((p for p in base.iterdir() if p.name.endswith((".yaml", ".yml"))), key=lambda p: p.name)
    for path in files:
        label = f"kg/data/lexicon/{path.name}" if folder is None else str(path)
        try:
            data = load_yaml(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise DataFileError(f"Lexicon {label} is not valid YAML: {exc}") from None
        if path.name.startswith("countries."):
            entries.extend(_country_entries(label, data))
        else:
            entries.extend(_entries_from_file(label, data))
    return Lexicon(entries)
