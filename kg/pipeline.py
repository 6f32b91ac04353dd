"""The only module that knows the stage order:
documents -> sentences -> mentions -> relations (per document, kg.extraction) -> resolution -> graph -> outputs."""

from __future__ import annotations

import json
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .cache import ExtractionCache
from .documents import DEFAULT_MAX_BYTES, Skipped, read_documents
from .errors import InputError
from .export import output_lock
from .extraction import extract_all, extract_document  # noqa: F401 - extract_document: the public API
from .graph import as_dataset, build_graph, document_iri, graph_of, graph_version
from .incremental import INDEX, Index, Update, dump_index, load_index, update
from .lexicon import load_lexicon
from .ontology import KGR_NS
from .outputs import CURRENT, publish, remove_stale_temporaries
from .records import Document, Entity, Extraction
from .resolve import resolve_entities
from .store import open_read_only

if TYPE_CHECKING:  # rdflib is imported only when a Dataset is asked for
    from rdflib import Dataset

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    """What a build did, for the summary line and for tests."""

    store: ox.Store | None  # build(): in memory, the ontology and a named graph per document
    extractions: Sequence[Extraction]  # build_to: loaded from the extraction cache when asked for
    skipped: list[Skipped] = field(default_factory=list)
    entities_by_class: Counter = field(default_factory=Counter)
    relations_by_predicate: Counter = field(default_factory=Counter)
    words: int = 0
    sentences: int = 0
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
    result.sentences = sum(len(ex.sentences) for ex in extractions)
    result.extracted = extracted
    return result, entities


_BUILD_DEFAULTS = {"date": None, "encoding": None, "max_bytes": DEFAULT_MAX_BYTES, "lenient": False, "base": KGR_NS,
                   "progress": None, "jobs": 1}


def build_to(out_dir: Path, paths: Iterable[Path], **options) -> BuildResult:
    """Build and publish ``out_dir/graph.ttl``, ``graph.trig``, ``manifest.json`` and ``store`` as one set.

    Extractions are cached in ``out_dir/.cache``: an unchanged document is not extracted again. The
    set keeps an index of what the build read and resolved (kg.incremental), so the next build
    reads, extracts and resolves only the files that changed.

    Raises:
        InputError: a path is missing, or no document could be read.
    """
    started = time.perf_counter()
    cache = options.pop("cache", None) or ExtractionCache(out_dir / ".cache")
    options = {**_BUILD_DEFAULTS, **options}
    base = options["base"]
    reading = {k: options[k] for k in ("date", "encoding", "max_bytes", "lenient")}
    settings = {k: v for k, v in reading.items() if v is not None}
    version = graph_version(base)
    stamp = (version, tuple(sorted(settings.items())), os.getcwd())
    paths = list(paths)
    lexicon = load_lexicon()

    def run(previous: Index) -> Update | None:
        return update(previous, stamp, paths, lexicon, cache, base=base, jobs=options["jobs"],
                      progress=options["progress"], options=reading)

    done = run(load_index(out_dir / CURRENT, stamp) or Index()) or run(Index())
    if not done.extractions:
        reasons = "; ".join(s.reason for s in done.skipped) or "no .txt, .md, .html or .pdf files were found"
        raise InputError(f"Nothing to build: {reasons}")
    index, extractions = done.index, done.extractions
    result = BuildResult(None, extractions, done.skipped, extracted=done.extracted)
    result.entities_by_class = Counter(e.cls for e in index.entities.values())
    for record in index.docs.values():
        result.relations_by_predicate.update(record.relations)
        result.words += record.words
        result.sentences += record.sentences
    entities = index.entities

    with output_lock(out_dir):  # one writer at a time: each run leaves a complete set, never a mix
        remove_stale_temporaries(out_dir)
        described: dict = {}  # each entity's describing triples, made once for the build
        documents = [{"source": r.document.source, "path": r.path, "sha256": r.document.sha256,
                      "graph": document_iri(r.document.id, base).value, "fingerprint": r.fingerprint}
                     for r in index.docs.values()]
        result.outputs = publish(out_dir, documents, lambda i: graph_of(extractions[i], entities, base, described), settings,
                                 version, extra={INDEX: lambda: dump_index(index)})
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
