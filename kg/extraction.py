"""The per-document stages, sentences -> mentions -> relations, and running them over a corpus
in parallel processes. What this module (and what it imports) computes is what the extraction
cache keeps, so nothing after extraction lives here (kg.cache.OUTPUT_FILES)."""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import pickle
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed

from .cache import ExtractionCache
from .chinese import align_translations
from .dates import infer_document_date
from .documents import Skipped
from .entities import find_mentions
from .lexicon import Lexicon, load_lexicon
from .observations import find_observations
from .records import Document, Extraction
from .relations import extract_relations
from .rules import mention_rules, relation_rules
from .sentences import split_sentences

log = logging.getLogger(__name__)


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

    def finished(n: int, outcome: Extraction | bytes | BaseException) -> None:
        nonlocal done
        doc = documents[n]
        data = None
        if isinstance(outcome, bytes):  # pickled by a worker, once for the way back and for the cache
            data, outcome = outcome, pickle.loads(outcome)
        if isinstance(outcome, Extraction):
            results[n] = outcome
            if cache:
                cache.put(doc, outcome, data)
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
            futures = {pool.submit(_extract_pickled, documents[n]): n for n in todo}
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


def _extract_pickled(doc: Document) -> bytes | BaseException:
    """In a worker: the extraction pickled here, once, for both the way back to the parent and the
    cache (the parent would otherwise pickle it a second time for the cache)."""
    outcome = _extract_or_error(doc)
    return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL) if isinstance(outcome, Extraction) else outcome


def _extract_or_error(doc: Document, lexicon: Lexicon | None = None) -> Extraction | BaseException:
    try:
        return extract_document(doc, lexicon)
    except Exception as exc:  # noqa: BLE001 - one document's failure must not stop the corpus
        return exc
