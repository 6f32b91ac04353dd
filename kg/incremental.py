"""What the last build knew, so that the next one reads, extracts and resolves only what changed.

Beside each output set, ``kg build`` keeps an index (``index.pickle``, not published): the stat
of each file it read and the document read from it (without its text), what each document gave
(the entity keys it names, its counts, its fingerprint), the resolution's counts
(kg.resolve.Resolution), the entities and their digests. The next build stats every file and
reads only those whose size, modification time, inode or change time differ; it counts only the
documents that changed out of the resolution (their previous extraction comes from the
extraction cache) and into it, and works out again only the entities they name and the
fingerprints of the documents that name those. A build without an index (the first, or after
another version or settings) runs the same steps from an empty one, so both give the same result.
"""

from __future__ import annotations

import os
import pickle
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter
from pathlib import Path

from .cache import ExtractionCache, document_key
from .documents import Skipped, read_document, read_files
from .errors import InputError
from .extraction import extract_all, extract_document
from .graph import entity_digest, fingerprint, named_keys
from .lexicon import Lexicon
from .records import Document, Entity, Extraction
from .resolve import Resolution

INDEX = "index.pickle"
# Documents whose reading said nothing (a detected or lenient encoding logs a warning each time it is read).
_QUIET_ENCODINGS = {"utf-8", "utf-16", "html", "pdf"}


@dataclass
class DocRecord:
    """What one document gave the last build."""

    document: Document  # as read, without its text
    cache_key: str  # its extraction's key in the cache (kg.cache.document_key)
    path: str  # the manifest's absolute path
    keys: frozenset[str]  # the entity keys it names
    fingerprint: str
    sentences: int
    words: int
    relations: dict[str, int]  # its relations by predicate, between entities


@dataclass
class Index:
    """The last build's corpus: documents in order, and the resolution over them."""

    stamp: tuple = ()  # the version, settings and folder it holds for
    files: dict[str, tuple[tuple[int, ...], str]] = field(default_factory=dict)  # path: (stat, document id)
    docs: dict[str, DocRecord] = field(default_factory=dict)  # by document id, in corpus order
    resolution: Resolution = field(default_factory=Resolution)
    entities: dict[str, Entity] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)

    # Pickled as plain tuples: pickle writes and reads those several times faster than 40,000
    # dataclass objects (at 10,000 documents, about 1.5 s of every build).
    def __getstate__(self) -> tuple:
        docs = [(_document_values(r.document), r.cache_key, r.path, r.keys,
                 r.fingerprint, r.sentences, r.words, r.relations) for r in self.docs.values()]
        entities = [(e.key, e.iri, e.cls, e.label, e.label_zh, e.alt_labels, e.wikidata, e.titles)
                    for e in self.entities.values()]
        return self.stamp, self.files, docs, self.resolution, entities, self.digests

    def __setstate__(self, state: tuple) -> None:
        if not isinstance(state, tuple):
            raise TypeError("an index written by an older policy-kg")  # load_index: build from scratch
        self.stamp, self.files, docs, self.resolution, entities, self.digests = state
        self.docs = {}
        for values, *rest in docs:
            document = Document(*values)
            self.docs[document.id] = DocRecord(document, *rest)
        self.entities = {e[0]: Entity(*e) for e in entities}


_document_values = attrgetter(*(f.name for f in fields(Document)))  # a Document's fields, as a tuple


def load_index(folder: Path, stamp: tuple) -> Index | None:
    """The index kept with the output set in ``folder``, when it holds for ``stamp``."""
    try:
        with open(folder / INDEX, "rb") as handle:
            index = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, ImportError, TypeError):
        return None
    return index if isinstance(index, Index) and index.stamp == stamp else None


def dump_index(index: Index) -> bytes:
    return pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)


class Extractions(Sequence):
    """The corpus's extractions in order: those made or loaded in this build, the others loaded from
    the cache when asked for (read and extracted again if the cache lost them)."""

    def __init__(self, records: list[DocRecord], loaded: dict[str, Extraction], cache: ExtractionCache,
                 lexicon: Lexicon, options: dict):
        self.records, self.loaded, self.cache, self.lexicon, self.options = records, loaded, cache, lexicon, options

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, n):
        if isinstance(n, slice):
            return [self[i] for i in range(*n.indices(len(self)))]
        record = self.records[n]
        return self.loaded.get(record.document.id) or self.load(record)

    def load(self, record: DocRecord) -> Extraction:
        extraction = self.cache.load(record.cache_key, record.document.sha256)
        if extraction is None:  # the cache lost it: the file is read and extracted again
            doc = read_document(Path(record.path), root=Path.cwd(), **self.options)
            if doc.sha256 != record.document.sha256:
                raise InputError(f"{record.document.source} changed while it was being built. Run kg build again.")
            extraction = extract_document(doc, self.lexicon)
            self.cache.put(doc, extraction)
        return extraction


@dataclass
class Update:
    """A build's corpus after reading what changed."""

    index: Index
    extractions: Extractions
    skipped: list[Skipped]
    extracted: int


def update(previous: Index, stamp: tuple, paths: Iterable[Path], lexicon: Lexicon, cache: ExtractionCache, *,
           base: str, jobs: int, progress: Callable[[int, int], None] | None, options: dict) -> Update | None:
    """Bring ``previous`` (an empty Index for a first build) up to the files under ``paths``.

    Returns:
        The new index with the extractions, or None when a changed document's previous
        extraction is no longer in the cache (then start again from an empty Index).
    """
    stats: dict[str, tuple[int, ...]] = {}
    absolute: dict[str, str] = {}

    def known(path: str) -> Document | None:
        name = absolute[path] = os.path.abspath(path)
        try:
            stat = os.stat(path)
        except OSError:
            return None
        stats[name] = (stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)
        seen = previous.files.get(name)
        record = previous.docs.get(seen[1]) if seen and seen[0] == stats[name] else None
        if record is None or record.document.encoding not in _QUIET_ENCODINGS | {options.get("encoding")}:
            return None
        return record.document

    skipped: list[Skipped] = []
    documents: list[Document] = []
    where: dict[str, str] = {}  # document id: the absolute path of its file
    for path, item in read_files(paths, known=known, **options):
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            documents.append(item)
            where[item.id] = absolute.get(path) or os.path.abspath(path)
    # unchanged: the same bytes at the same path (a document that moved is counted out and in, so
    # that the others keep their order, which decides ties)
    was_at = {doc_id: name for name, (_, doc_id) in previous.files.items()}
    same = {doc.id for doc in documents if doc.id in previous.docs and was_at.get(doc.id) == where[doc.id]}
    before: list[Extraction] = []
    gone: set[str] = set()  # their cache keys
    for record in previous.docs.values():
        if record.document.id not in same:
            gone.add(record.cache_key)
            extraction = cache.load(record.cache_key, record.document.sha256)
            if extraction is None:
                return None
            before.append(extraction)
    made, failed, extracted = extract_all([doc for doc in documents if doc.id not in same], lexicon,
                                          jobs=jobs, cache=cache, progress=progress)
    skipped.extend(failed)
    loaded = {ex.document.id: ex for ex in made}
    documents = [doc for doc in documents if doc.id in same or doc.id in loaded]

    resolution = previous.resolution
    affected: set[str] = set()
    for extraction in before:
        affected |= resolution.remove(extraction)
    for extraction in made:
        affected |= resolution.add(extraction)
    entities, digests = previous.entities, previous.digests
    changed, joined = _resolve(resolution, affected, entities, digests, lexicon, base,
                               {doc.id: n for n, doc in enumerate(documents)})
    entities = dict(sorted(entities.items()))

    records: list[DocRecord] = []
    lazy = Extractions([], loaded, cache, lexicon, options)
    for doc in documents:
        record = previous.docs[doc.id] if doc.id in same else None
        if record is not None and record.keys & joined:  # its count of relations between entities changes
            loaded[doc.id] = lazy.load(record)
        extraction = loaded.get(doc.id)
        if extraction is not None:
            keys = frozenset(named_keys(extraction))
            record = DocRecord(replace(doc, text=""), document_key(doc),
                               record.path if record else str(Path(doc.source).resolve()),
                               keys, fingerprint(document_key(doc), keys, digests), len(extraction.sentences),
                               record.words if record else len(doc.text.split()),
                               dict(Counter(r.predicate for r in extraction.relations
                                            if r.subject in entities and r.object in entities)))
        else:
            cache.keep(record.cache_key)
            if record.keys & changed:
                record = replace(record, fingerprint=fingerprint(record.cache_key, record.keys, digests))
        records.append(record)
    cache.used -= gone - {r.cache_key for r in records}  # loaded only to be counted out
    files = {where[r.document.id]: (stats[where[r.document.id]], r.document.id) for r in records}
    index = Index(stamp, files, {r.document.id: r for r in records}, resolution, entities, digests)
    return Update(index, Extractions(records, loaded, cache, lexicon, options), skipped, extracted)


def _resolve(resolution: Resolution, affected: set[str], entities: dict[str, Entity], digests: dict[str, str],
             lexicon: Lexicon, base: str, order: dict[str, int]) -> tuple[set[str], set[str]]:
    """Work out again the entities of the ``affected`` keys (in place); the keys whose entity changed,
    and those that became or stopped being an entity."""
    changed: set[str] = set()
    joined: set[str] = set()
    for key in affected:
        entity = resolution.entity(key, lexicon, base, order)
        if entity is None:
            if entities.pop(key, None) is not None:
                digests.pop(key)
                changed.add(key)
                joined.add(key)
            continue
        digest = entity_digest(entity)
        if key not in entities:
            joined.add(key)
        if digests.get(key) != digest:
            changed.add(key)
        entities[key], digests[key] = entity, digest
    return changed, joined
