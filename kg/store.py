"""The persistent query store: an on-disk Oxigraph database, published as ``out/store``.

Turtle and TriG stay the exchange files; the store is what ``kg query`` opens,
so a query does not re-parse the graph. It holds each document's named graph
and, in the default graph, the ontology plus the merge of every document
(queries read the default graph, where each fact and label appears once).

kg.outputs publishes it together with the files of the same build, written whole
(:func:`write_build`) or updated from the previous build's (:func:`update_build`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .graph import ontology_quads


def write_build(folder: Path, parts: Iterable[list[ox.Quad]], prefixes: dict[str, str]) -> list[tuple[int, int]]:
    """Write ``folder/store``, ``folder/graph.trig`` and ``folder/graph.ttl`` without holding the graph in memory.

    ``parts`` gives the graph's quads a part at a time: the ontology, then each document's named
    graph. Each part goes to graph.trig as it comes, in that order, and into the on-disk store
    twice: in its named graph, and in the default graph, which keeps each triple once and so is
    the merge that queries read and that is dumped as graph.ttl (in the store's key order). The
    same graph therefore gives the same bytes.

    Returns:
        Each part's byte range in graph.trig, for :func:`update_build`.

    Raises:
        OSError, ValueError, SyntaxError: a store or file cannot be written.
    """
    store = ox.Store(str(folder / "store"))
    ranges: list[tuple[int, int]] = []
    batch: list[ox.Quad] = []
    with open(folder / "graph.trig", "wb") as trig:
        for n, quads in enumerate(parts):
            ranges.append(_write_part(trig, quads, prefixes, first=n == 0))
            batch.extend(quads)
            if len(batch) >= _BATCH:
                _add(store, batch, bulk=True)
                batch = []
        _add(store, batch, bulk=True)
    _dump_merge(store, folder, prefixes)
    store.optimize()  # a compacted store answers queries about twice as fast
    del store  # closes the database, so that readers may open it
    return ranges


_BATCH = 100_000  # quads per bulk write: large enough to be fast, small enough to bound memory


def update_build(folder: Path, previous: Path, layout: Iterable[tuple[int, int] | list[ox.Quad]],
                 kept: Iterable[ox.NamedNode], dropped: Iterable[ox.NamedNode],
                 prefixes: dict[str, str]) -> list[tuple[int, int]]:
    """Write the same files as :func:`write_build` from the previous build's, changing only what changed.

    ``layout`` lists the parts in order: a byte range of ``previous/graph.trig`` for a part that
    is the same as before (the ontology, an unchanged document), the quads of a new or changed
    document otherwise. ``kept`` names the previous named graphs that stay, ``dropped`` those
    that are gone or replaced.
    The store starts as a copy of the previous one (its immutable files hard-linked, so nothing
    is copied at size); dropped graphs are removed, new ones added, and a triple leaves the
    default graph (the merge) only when no named graph holds it any more. graph.trig is spliced
    from the previous file and graph.ttl dumped again: the bytes equal a clean build's.

    Returns:
        Each part's byte range in the new graph.trig.

    Raises:
        OSError, ValueError, SyntaxError: a store or file cannot be written or read (ValueError:
        the previous store is not the one its manifest describes).
    """
    _link_copy(previous / "store", folder / "store")
    store = ox.Store(str(folder / "store"))
    sample = next(iter(_ontology_triples()))
    if not all(store.contains_named_graph(g) for g in kept) or \
            ox.Quad(sample.subject, sample.predicate, sample.object, ox.DefaultGraph()) not in store:
        raise ValueError("the previous store lacks graphs its manifest lists")
    leaving: set[ox.Triple] = set()
    for graph in dropped:
        leaving.update(q.triple for q in store.quads_for_pattern(None, None, None, graph))
        store.remove_graph(graph)
    ranges: list[tuple[int, int]] = []
    with open(previous / "graph.trig", "rb") as old, open(folder / "graph.trig", "wb") as trig:
        for n, part in enumerate(layout):
            if isinstance(part, tuple):
                start = trig.tell()
                old.seek(part[0])
                trig.write(old.read(part[1] - part[0]))
                ranges.append((start, trig.tell()))
            else:
                ranges.append(_write_part(trig, part, prefixes, first=n == 0))
                _add(store, part, bulk=False)
    default = ox.DefaultGraph()
    for triple in leaving:
        held = any(not isinstance(q.graph_name, ox.DefaultGraph)
                   for q in store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None))
        if not held and triple not in _ontology_triples():
            store.remove(ox.Quad(triple.subject, triple.predicate, triple.object, default))
    _dump_merge(store, folder, prefixes)
    del store
    return ranges


def _write_part(trig, quads: list[ox.Quad], prefixes: dict[str, str], first: bool) -> tuple[int, int]:
    """Serialize one part to graph.trig (the prefix lines only at the top); its byte range."""
    text = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)
    start = trig.tell()
    trig.write(text if first else _without_prefixes(text))
    return start, trig.tell()


def _add(store: ox.Store, quads: list[ox.Quad], bulk: bool) -> None:
    """Add quads to their named graphs and their triples to the default graph (the merge)."""
    merged = [ox.Quad(q.subject, q.predicate, q.object) for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)]
    if bulk:
        store.bulk_extend(quads)
        store.bulk_extend(merged)
    else:
        store.extend(quads)
        store.extend(merged)


def _dump_merge(store: ox.Store, folder: Path, prefixes: dict[str, str]) -> None:
    store.dump(output=str(folder / "graph.ttl"), format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(),
               prefixes=prefixes)


@cache
def _ontology_triples() -> frozenset[ox.Triple]:
    """The ontology's triples: they stay in the default graph whatever documents go."""
    return frozenset(q.triple for q in ontology_quads())


def _link_copy(source: Path, target: Path) -> None:
    """A copy of a closed RocksDB folder: its table files are immutable and hard-linked, the rest
    (manifest, log, options) copied. Falls back to copying where hard links are refused."""
    target.mkdir()
    for path in sorted(source.iterdir()):
        if path.suffix == ".sst":
            try:
                os.link(path, target / path.name)
                continue
            except OSError:
                pass
        if path.is_file():
            shutil.copy2(path, target / path.name)


def _without_prefixes(text: bytes) -> bytes:
    """A TriG part after the first: its prefix lines are already at the top of the file."""
    while text.startswith(b"@prefix "):
        text = text[text.index(b"\n") + 1:]
    return text


def merge_into_default_graph(store: ox.Store) -> ox.Store:
    """Copy every named graph's triples into the default graph (what queries read), inside the store:
    a SPARQL update is several times faster than copying quads through Python."""
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return store


def open_read_only(path: Path) -> ox.Store:
    """Open a store written by :func:`write_build` without taking a write lock.

    Raises:
        InputError: the folder is not an Oxigraph store.
    """
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise InputError(f"{path} cannot be opened as a store: {exc}. Rebuild it: kg build") from None
