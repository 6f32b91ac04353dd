"""Map mentions to canonical entities and mint their IRIs.

Aliases, abbreviations and variant translations already share a key (the
lexicon id, or the normalised name); this stage picks each entity's label and
class and mints one IRI per key, deterministically.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from sys import intern

from .lexicon import Lexicon
from .ontology import KGR_NS
from .records import Entity, Extraction

_CLASS_PRIORITY = ("Policy", "GovernmentBody", "Organization", "Person", "Event", "Place", "Country", "Goal")
_IRI_MAX = 200


def clean_text(text: str) -> str:
    """NFC text without control, format or bidi characters (safe for labels and IRIs)."""
    text = unicodedata.normalize("NFC", text)
    if text.isprintable():  # nothing to drop: the common case, checked in C
        return text
    return "\n".join(_clean_line(line) for line in text.split("\n"))


_DROPPED = ("Cc", "Cf", "Cs", "Co")


def _clean_line(line: str) -> str:
    if line.isprintable():
        return line
    return "".join(ch for ch in line if ch == "\t" or ch.isprintable() or unicodedata.category(ch) not in _DROPPED)


def mint_iri(name: str, base: str = KGR_NS, prefix: str = "") -> str:
    """A stable, safe IRI for a name: a readable slug, plus a hash when the slug loses information.

    Same name, same IRI; names that differ only in punctuation ("Art. 5", "Art 5")
    get different IRIs. The IRI never exceeds 200 characters.
    """
    text = clean_text(name).strip()
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    room = _IRI_MAX - len(base) - len(prefix) - 10
    simple = re.sub(r"\s+", "-", text.lower())
    if slug != simple or len(slug) > room or not slug:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
        slug = f"{slug[:room].strip('-')}-{digest}" if slug else f"e-{digest}"
    return f"{base}{prefix}{slug}"


def resolve_entities(extractions: list[Extraction], lexicon: Lexicon, base: str = KGR_NS) -> dict[str, Entity]:
    """One Entity per key across all documents.

    Returns:
        Entities by key, sorted; labels, classes and IRIs are chosen deterministically.
    """
    resolution = Resolution()
    for ex in extractions:
        resolution.add(ex)
    order = {ex.document.id: n for n, ex in enumerate(extractions)}
    return {key: entity for key in sorted(resolution.docs)
            if (entity := resolution.entity(key, lexicon, base, order)) is not None}


class Resolution:
    """What every document says of each entity key: how it is named, as which class, in how many
    documents, with which Chinese name and titles. A document's counts can be taken out again,
    so a build after a few changes updates these instead of counting every document anew, and
    :meth:`entity` gives what a count over the whole corpus gives."""

    def __init__(self) -> None:
        # counts are plain dicts, not Counters: they pickle several times faster (kg.incremental's index)
        self.docs: dict[str, int] = {}  # how many documents name the key (a mention or a relation)
        self.classes: dict[str, dict[str, int]] = defaultdict(dict)
        self.names: dict[str, dict[str, int]] = defaultdict(dict)
        self.surfaces: dict[str, dict[str, int]] = defaultdict(dict)
        # the first Chinese name in each document; not for lexicon keys, whose Chinese name is the lexicon's
        self.zh: dict[str, dict[str, str]] = defaultdict(dict)
        self.titles: dict[str, dict[str, int]] = defaultdict(dict)

    def add(self, ex: Extraction) -> set[str]:
        """Count one document in; the keys it names."""
        return self._count(ex, 1)

    def remove(self, ex: Extraction) -> set[str]:
        """Take one document's counts out again (it was added before); the keys it named."""
        keys = self._count(ex, -1)
        doc = ex.document.id
        for key in keys:
            self.docs[key] -= 1
            if key in self.zh:
                self.zh[key].pop(doc, None)
            if not self.docs[key]:
                for table in (self.docs, self.classes, self.names, self.surfaces, self.zh, self.titles):
                    table.pop(key, None)
        return keys

    def _count(self, ex: Extraction, sign: int) -> set[str]:
        doc = ex.document.id
        keys: set[str] = set()
        for m in ex.mentions:
            key = intern(m.key)  # one string per key, so that kg.incremental's index stores each once
            keys.add(key)
            _bump(self.classes[key], m.cls, sign)
            if m.zh and sign > 0 and not key.startswith("lex:"):
                self.zh[key].setdefault(doc, m.zh)
            if m.title:
                _bump(self.titles[key], clean_text(m.title), sign)
            if m.source.startswith("coref"):
                continue  # "the alliance" is a reference, not a name
            _bump(self.names[key], m.name, sign)
            if not (m.cls == "Goal" and key.startswith("goal:") and not key.startswith("goal:name:")):
                _bump(self.surfaces[key], clean_text(" ".join(m.text.split())), sign)
        for r in ex.relations:  # a country named only through an adjective or lexicon link
            keys.add(intern(r.subject))
            keys.add(intern(r.object))
        if sign > 0:
            for key in keys:
                self.docs[key] = self.docs.get(key, 0) + 1
        return keys

    def entity(self, key: str, lexicon: Lexicon, base: str, order: dict[str, int]) -> Entity | None:
        """The entity a key stands for, or None (a key only references name); ``order`` gives each
        document's place in the corpus (the first Chinese name in corpus order is the one kept)."""
        if key not in self.docs:
            return None
        entry = lexicon.entries.get(key[4:]) if key.startswith("lex:") else None
        names, classes = self.names.get(key), self.classes.get(key)
        if entry:
            label, cls = entry.name, entry.cls
            alt = {a for a in entry.aliases}
            label_zh, wikidata = entry.zh, entry.wikidata
        else:
            if not names:
                return None
            label = min(names.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0]
            cls = min(classes, key=lambda c: (-classes[c], _CLASS_PRIORITY.index(c)))
            zh = self.zh.get(key)
            alt, label_zh, wikidata = set(), min(zh.items(), key=lambda kv: order[kv[0]])[1] if zh else None, None
        label = clean_text(" ".join(label.split()))
        alt |= {s for s in self.surfaces.get(key, ()) if s.casefold() != label.casefold()}
        prefix = "goal-" if cls == "Goal" else ""
        iri = mint_iri(entry.name if entry else key.split(":", 1)[1] if key.startswith("goal:") and not key.startswith("goal:name:") else label, base, prefix)
        return Entity(key=key, iri=iri, cls=cls, label=label, label_zh=label_zh, alt_labels=alt,
                      wikidata=wikidata, titles=set(self.titles.get(key, ())))


def _bump(counter: dict[str, int], item: str, sign: int) -> None:
    """Count an item in or out; a count that reaches 0 goes (an empty count is false)."""
    count = counter.get(item, 0) + sign
    if count:
        counter[item] = count
    else:
        del counter[item]
