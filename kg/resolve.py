"""Map mentions to canonical entities and mint their IRIs.

Aliases, abbreviations and variant translations already share a key (the
lexicon id, or the normalised name); this stage picks each entity's label and
class and mints one IRI per key, deterministically.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict

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
        Entities by key; labels, classes and IRIs are chosen deterministically.
    """
    surfaces: dict[str, Counter] = defaultdict(Counter)
    names: dict[str, Counter] = defaultdict(Counter)
    classes: dict[str, Counter] = defaultdict(Counter)
    zh: dict[str, str] = {}
    titles: dict[str, set[str]] = defaultdict(set)
    docs: dict[str, set[str]] = defaultdict(set)
    for ex in extractions:
        for m in ex.mentions:
            docs[m.key].add(ex.document.id)
            classes[m.key][m.cls] += 1
            if m.zh and m.key not in zh:
                zh[m.key] = m.zh
            if m.title:
                titles[m.key].add(clean_text(m.title))
            if m.source.startswith("coref"):
                continue  # "the alliance" is a reference, not a name
            names[m.key][m.name] += 1
            if not (m.cls == "Goal" and m.key.startswith("goal:") and not m.key.startswith("goal:name:")):
                surfaces[m.key][clean_text(" ".join(m.text.split()))] += 1
        for r in ex.relations:  # a country named only through an adjective or lexicon link
            for key in (r.subject, r.object):
                docs[key].add(ex.document.id)
    entities: dict[str, Entity] = {}
    for key in sorted(docs):
        entry = lexicon.entries.get(key[4:]) if key.startswith("lex:") else None
        if entry:
            label, cls = entry.name, entry.cls
            alt = {a for a in entry.aliases}
            label_zh, wikidata = entry.zh, entry.wikidata
        else:
            if not names[key]:
                continue
            label = min(names[key].items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0]
            cls = min(classes[key], key=lambda c: (-classes[key][c], _CLASS_PRIORITY.index(c)))
            alt, label_zh, wikidata = set(), zh.get(key), None
        label = clean_text(" ".join(label.split()))
        alt |= {s for s in surfaces[key] if s.casefold() != label.casefold()}
        prefix = "goal-" if cls == "Goal" else ""
        iri = mint_iri(entry.name if entry else key.split(":", 1)[1] if key.startswith("goal:") and not key.startswith("goal:name:") else label, base, prefix)
        entities[key] = Entity(key=key, iri=iri, cls=cls, label=label, label_zh=label_zh, alt_labels=alt,
                               wikidata=wikidata, titles=titles.get(key, set()), docs=docs[key])
    return entities
