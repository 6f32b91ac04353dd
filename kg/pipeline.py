"""The only module that knows the stage order:
documents -> sentences -> mentions -> relations -> resolution -> graph -> outputs."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

from .dates import infer_document_date
from .documents import DEFAULT_MAX_BYTES, Skipped, read_documents
from .entities import find_mentions
from .errors import InputError
from .export import output_lock, serialize_outputs
from .graph import as_dataset, build_graph, document_iri
from .lexicon import Lexicon, load_lexicon
from .observations import find_observations
from .ontology import KGR_NS
from .outputs import publish, remove_stale_temporaries
from .records import Document, Extraction
from .relations import extract_relations
from .resolve import resolve_entities
from .rules import mention_rules, relation_rules
from .sentences import split_sentences

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    """What a build did, for the summary line and for tests."""

    store: ox.Store  # in memory: the ontology and a named graph per document
    extractions: list[Extraction]
    skipped: list[Skipped] = field(default_factory=list)
    entities_by_class: Counter = field(default_factory=Counter)
    relations_by_predicate: Counter = field(default_factory=Counter)
    words: int = 0
    seconds: float = 0.0
    outputs: list[Path] = field(default_factory=list)

    @property
    def dataset(self) -> Dataset:
        """The graph as an rdflib Dataset over the same store (no copy)."""
        return as_dataset(self.store)

    @property
    def documents(self) -> int:
        return len(self.extractions)

    @property
    def sentences(self) -> int:
        return sum(len(ex.sentences) for ex in self.extractions)


def extract_document(doc: Document, lexicon: Lexicon | None = None) -> Extraction:
    """Run the per-document stages: sentences, mentions, relations."""
    lexicon = lexicon or load_lexicon()
    if doc.date is None:
        inferred = infer_document_date(doc.text[doc.body_start:])
        if inferred:
            doc = dataclasses.replace(doc, date=inferred, date_source="inferred")
    sentences = split_sentences(doc)
    mentions = find_mentions(doc, sentences, lexicon, mention_rules())
    relations = extract_relations(doc, sentences, mentions, relation_rules(), mention_rules(), lexicon)
    observations = find_observations(doc, sentences)
    return Extraction(doc, tuple(sentences), tuple(mentions), tuple(relations), tuple(observations))


def build(paths: Iterable[Path], *, date: str | None = None, encoding: str | None = None,
          max_bytes: int = DEFAULT_MAX_BYTES, lenient: bool = False, base: str = KGR_NS,
          progress: Callable[[int, int], None] | None = None) -> BuildResult:
    """Read, extract and resolve every document into an in-memory graph (nothing written).

    Raises:
        InputError: a path is missing, or no document could be read.
    """
    started = time.perf_counter()
    lexicon = load_lexicon()
    extractions: list[Extraction] = []
    skipped: list[Skipped] = []
    items = list(read_documents(paths, encoding=encoding, date=date, max_bytes=max_bytes, lenient=lenient))
    for n, item in enumerate(items, 1):
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            try:
                extractions.append(extract_document(item, lexicon))
            except Exception as exc:  # noqa: BLE001 - one document's failure must not stop the corpus
                log.debug("%s: extraction failed", item.source, exc_info=True)
                skipped.append(Skipped(item.source, f"{item.source}: extraction failed ({type(exc).__name__}: {exc}). "
                                                    "The other documents were built; please report this file."))
        if progress:
            progress(n, len(items))
    if not extractions:
        reasons = "; ".join(s.reason for s in skipped) or "no .txt, .md, .html or .pdf files were found"
        raise InputError(f"Nothing to build: {reasons}")
    entities = resolve_entities(extractions, lexicon, base)
    result = BuildResult(build_graph(extractions, entities, base), extractions, skipped)
    result.entities_by_class = Counter(e.cls for e in entities.values())
    result.relations_by_predicate = Counter(r.predicate for ex in extractions for r in ex.relations
                                            if r.subject in entities and r.object in entities)
    result.words = sum(len(ex.document.text.split()) for ex in extractions)
    result.seconds = time.perf_counter() - started
    return result


def build_to(out_dir: Path, paths: Iterable[Path], **options) -> BuildResult:
    """Build and publish ``out_dir/graph.ttl``, ``graph.trig``, ``manifest.json`` and ``store`` as one set."""
    started = time.perf_counter()
    result = build(paths, **options)
    files = serialize_outputs(result.store)
    with output_lock(out_dir):  # one writer at a time: each run leaves a complete set, never a mix
        remove_stale_temporaries(out_dir)
        documents = [{"source": ex.document.source, "sha256": ex.document.sha256,
                      "graph": document_iri(ex.document.id, options.get("base", KGR_NS)).value}
                     for ex in result.extractions]
        result.outputs = publish(out_dir, files, documents)
    result.seconds = time.perf_counter() - started
    return result
