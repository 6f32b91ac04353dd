"""Frozen records passed between pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


def _pickled_by_fields(cls):
    """Pickle a slotted dataclass as (class, field values): unpickling then calls the constructor,
    three times faster than the per-field state a slotted dataclass pickles by default (the
    extraction cache loads every document's records on each build)."""
    names = tuple(f.name for f in fields(cls))

    def __reduce__(self):
        return (self.__class__, tuple([getattr(self, name) for name in names]))

    cls.__reduce__ = __reduce__
    return cls


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Document:
    """A decoded document; offsets everywhere refer to ``text``."""

    id: str  # sha256 prefix: the same bytes give the same document
    source: str  # path as given (relative where possible)
    text: str
    body_start: int  # first character after any front matter
    title: str
    sha256: str
    languages: tuple[str, ...]
    date: str | None  # ISO date, year-month or year
    date_source: str | None  # "metadata", "option" or "inferred"
    encoding: str
    language: str | None = None  # BCP 47 tag declared by metadata (front matter, HTML lang)
    page_starts: tuple[int, ...] = ()  # PDFs: offset in ``text`` where each page begins


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Sentence:
    doc_id: str
    index: int
    start: int
    end: int
    text: str
    paragraph: int
    kind: str = "text"  # "text", "heading" or "turn"
    speaker: str | None = None  # for interview turns
    language: str = "en"


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Mention:
    """A span of a sentence that names an entity (or refers back to one)."""

    start: int  # document offsets
    end: int
    text: str
    cls: str  # ontology class local name
    key: str  # entity key: "lex:<id>" or "name:<normalised name>"
    name: str  # canonical-name candidate
    source: str  # "lexicon" or the id of the rule that found it
    sentence: int
    zh: str | None = None
    country: str | None = None  # entity key of a country the text attaches
    title: str | None = None  # a post, for people


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Relation:
    subject: str  # entity keys
    predicate: str  # ontology local name
    object: str
    sentence: int
    rule: str
    confidence: float
    modality: str | None = None
    date: str | None = None


@dataclass(slots=True)
class Entity:
    key: str
    iri: str
    cls: str
    label: str
    label_zh: str | None = None
    alt_labels: set[str] = field(default_factory=set)
    wikidata: str | None = None
    titles: set[str] = field(default_factory=set)


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Observation:
    """A figure the text states: "grew by 8.9% in 2015"."""

    indicator: str
    value: str  # decimal, as text
    unit: str
    period: str | None
    sentence: int
    rule: str
    confidence: float


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one document."""

    document: Document
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    relations: tuple[Relation, ...]
    observations: tuple[Observation, ...] = ()
