"""The only module that knows the stage order:
documents -> sentences -> mentions -> relations -> resolution -> graph -> outputs."""

from __future__ import annotations

import dataclasses
import json
import logging
import multiprocessing
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

from .cache import ExtractionCache
from .chinese import align_translations
from .dates import infer_document_date
from .documents import DEFAULT_MAX_BYTES, Skipped, read_documents
from .entities import find_mentions
from .errors import InputError
from .export import output_lock
from .graph import as_dataset, build_graph, document_iri, fingerprints, graph_of, graph_version
from .lexicon import Lexicon, load_lexicon
from .observations import find_observations
from .ontology import KGR_NS
from .outputs import publish, remove_stale_temporaries
from .records import Document, Entity, Extraction
from .relations import extract_relations
from .resolve import resolve_entities
from .rules import mention_rules, relation_rules
from .sentences import split_sentences
from .store import open_read_only

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    """What a build did, for the summary line and for tests."""

    store: ox.Store | None  # build(): in memory, the ontology and a named graph per document
    extractions: list[Extraction]
    skipped: list[Skipped] = field(default_factory=list)
    entities_by_class: Counter = field(default_factory=Counter)
    relations_by_predicate: Counter = field(default_factory=Counter)
    words: int = 0
    extracted: int = 0  # documents extracted in this run (the others came from the cache)
    seconds: float = 0.0
    outputs: list[Path] = field(default_factory=list)
    store_path: Path | None = None  # build_to(): the published on-disk store

    @property
    def dataset(self) -> Dataset:
        """The graph as an rdflib Dataset over the same store (no copy); after build_to, over the
        published store (read-only)."""
        if self.store is None and self.store_path is not None:
            self.store = open_read_only(self.store_path)
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
    mentions, relations = align_translations(sentences, mentions, relations)
    # a goal phrase no policy pursues ("give full play to ...") is no Goal entity of the graph
    pursued = {r.object for r in relations if r.predicate == "hasGoal"}
    mentions = [m for m in mentions if m.cls != "Goal" or m.key in pursued]
    observations = find_observations(doc, sentences)
    return Extraction(doc, tuple(sentences), tuple(mentions), tuple(relations), tuple(observations))


def extract_all(documents: list[Document], lexicon: Lexicon, *, jobs: int = 1, cache: ExtractionCache | None = None,
                progress: Callable[[int, int], None] | None = None) -> tuple[list[Extraction], list[Skipped], int]:
    """Extract every document (from the cache where possible), in ``jobs`` processes.

    A document whose extraction raises is reported as Skipped; the others go on.

    Returns:
        The extractions in document order, the failures, and how many were extracted in this run.
    """
    results: dict[int, Extraction] = {}
    failed: list[Skipped] = []
    todo = []
    for n, doc in enumerate(documents):
        cached = cache.get(doc) if cache else None
        if cached is not None:
            results[n] = cached
        else:
            todo.append(n)
    done = len(results)
    if progress and done:
        progress(done, len(documents))

    def finished(n: int, outcome: Extraction | BaseException) -> None:
        nonlocal done
        doc = documents[n]
        if isinstance(outcome, Extraction):
            results[n] = outcome
            if cache:
                cache.put(doc, outcome)
        else:
            log.debug("%s: extraction failed", doc.source, exc_info=outcome)
            failed.append(Skipped(doc.source, f"{doc.source}: extraction failed ({type(outcome).__name__}: {outcome}). "
                                              "The other documents were built; please report this file."))
        done += 1
        if progress:
            progress(done, len(documents))

    if jobs > 1 and len(todo) > 1:
        context = multiprocessing.get_context("fork")  # workers inherit the loaded lexicon and rules
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = {pool.submit(_extract_or_error, documents[n]): n for n in todo}
            for future in as_completed(futures):
                try:
                    finished(futures[future], future.result())
                except Exception as exc:  # noqa: BLE001 - a worker that died (out of memory?) fails its document
                    finished(futures[future], exc)
    else:
        for n in todo:
            finished(n, _extract_or_error(documents[n], lexicon))
    failed.sort(key=lambda s: s.source)
    return [results[n] for n in sorted(results)], failed, len(todo) - len(failed)


def _extract_or_error(doc: Document, lexicon: Lexicon | None = None) -> Extraction | BaseException:
    try:
        return extract_document(doc, lexicon)
    except Exception as exc:  # noqa: BLE001 - one document's failure must not stop the corpus
        return exc


def build(paths: Iterable[Path], *, date: str | None = None, encoding: str | None = None,
          max_bytes: int = DEFAULT_MAX_BYTES, lenient: bool = False, base: str = KGR_NS,
          progress: Callable[[int, int], None] | None = None, jobs: int = 1,
          cache: ExtractionCache | None = None) -> BuildResult:
    """Read, extract and resolve every document into an in-memory graph (nothing written).

    ``jobs`` processes extract documents in parallel; with a ``cache``, a document
    whose extraction is cached is not extracted again.

    Raises:
        InputError: a path is missing, or no document could be read.
    """
    started = time.perf_counter()
    result, entities = _extract_and_resolve(paths, date=date, encoding=encoding, max_bytes=max_bytes, lenient=lenient,
                                            base=base, jobs=jobs, progress=progress, cache=cache)
    result.store = build_graph(result.extractions, entities, base)
    result.seconds = time.perf_counter() - started
    return result


def _extract_and_resolve(paths: Iterable[Path], *, date, encoding, max_bytes, lenient, base, jobs, progress,
                         cache) -> tuple[BuildResult, dict[str, Entity]]:
    """Read, extract and resolve: a BuildResult without a graph yet, and the entities."""
    lexicon = load_lexicon()
    skipped: list[Skipped] = []
    documents: list[Document] = []
    for item in read_documents(paths, encoding=encoding, date=date, max_bytes=max_bytes, lenient=lenient):
        (skipped if isinstance(item, Skipped) else documents).append(item)
    extractions, failed, extracted = extract_all(documents, lexicon, jobs=jobs, cache=cache, progress=progress)
    skipped.extend(failed)
    if not extractions:
        reasons = "; ".join(s.reason for s in skipped) or "no .txt, .md, .html or .pdf files were found"
        raise InputError(f"Nothing to build: {reasons}")
    entities = resolve_entities(extractions, lexicon, base)
    result = BuildResult(None, extractions, skipped)
    result.entities_by_class = Counter(e.cls for e in entities.values())
    result.relations_by_predicate = Counter(r.predicate for ex in extractions for r in ex.relations
                                            if r.subject in entities and r.object in entities)
    result.words = sum(len(ex.document.text.split()) for ex in extractions)
    result.extracted = extracted
    return result, entities


_BUILD_DEFAULTS = {"date": None, "encoding": None, "max_bytes": DEFAULT_MAX_BYTES, "lenient": False, "base": KGR_NS,
                   "progress": None, "jobs": 1}


def build_to(out_dir: Path, paths: Iterable[Path], **options) -> BuildResult:
    """Build and publish ``out_dir/graph.ttl``, ``graph.trig``, ``manifest.json`` and ``store`` as one set.

    Extractions are cached in ``out_dir/.cache``: an unchanged document is not extracted again.
    """
    started = time.perf_counter()
    cache = options.pop("cache", None) or ExtractionCache(out_dir / ".cache")
    options = {**_BUILD_DEFAULTS, **options}
    result, entities = _extract_and_resolve(paths, cache=cache, **options)
    base = options["base"]

    with output_lock(out_dir):  # one writer at a time: each run leaves a complete set, never a mix
        remove_stale_temporaries(out_dir)
        documents = [{"source": ex.document.source, "path": str(Path(ex.document.source).resolve()),
                      "sha256": ex.document.sha256, "graph": document_iri(ex.document.id, base).value, "fingerprint": fp}
                     for ex, fp in zip(result.extractions, fingerprints(result.extractions, entities), strict=True)]
        settings = {k: v for k, v in options.items() if k in ("date", "encoding", "max_bytes", "lenient") and v is not None}
        extractions = result.extractions
        result.outputs = publish(out_dir, documents, lambda i: graph_of(extractions[i], entities, base), settings,
                                 graph_version(base))
        result.store_path = out_dir / "store"
        cache.prune()
    result.seconds = time.perf_counter() - started
    return result


def remove_documents(out_dir: Path, names: list[str], **options) -> BuildResult:
    """Rebuild ``out_dir`` without the named documents (by source path, file name or SHA-256 prefix).

    The other documents come from the extraction cache, so only resolution and the
    outputs are redone; the result is what a clean build of the remaining files gives.

    Raises:
        InputError: there is no build in ``out_dir``, a name matches no document, or none would remain.
    """
    manifest = read_manifest(out_dir)
    documents = manifest["documents"]
    chosen = set()
    for name in names:
        matches = [d["path"] for d in documents if name in (d["source"], d["path"], Path(d["source"]).name)
                   or (len(name) >= 8 and d["sha256"].startswith(name))]
        if not matches:
            known = ", ".join(d["source"] for d in documents[:10])
            raise InputError(f"No document of the last build in {out_dir} is called '{name}'. Known: {known}"
                             f"{' ...' if len(documents) > 10 else ''}")
        chosen.update(matches)
    remaining = [Path(d["path"]) for d in documents if d["path"] not in chosen]
    if not remaining:
        raise InputError("No document would remain. To start over, delete the output folder.")
    return build_to(out_dir, remaining, **{**manifest.get("settings", {}), **options})


def read_manifest(out_dir: Path) -> dict:
    """The manifest of the last build in ``out_dir``.

    Raises:
        InputError: there is none, or it cannot be read.
    """
    try:
        return json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(f"There is no readable build in {out_dir} (manifest.json). Build first: kg build --out {out_dir}") from None
