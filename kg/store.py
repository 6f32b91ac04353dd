"""The persistent query store: an on-disk Oxigraph database, published as ``out/store``.

Turtle and TriG stay the exchange files; the store is what ``kg query`` opens,
so a query does not re-parse the graph. It holds each document's named graph
and, in the default graph, the ontology plus the merge of every document
(queries read the default graph, where each fact and label appears once).

kg.outputs publishes it together with the files of the same build, written whole
(:func:`write_build`) or updated from the previous build's (:func:`update_build`).
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .graph import K, ontology_quads

MENTIONED_IN = K["mentionedIn"]


@dataclass
class Layout:
    """Where each part of a build lies in its files, so that the next build can copy what did not change.

    ``trig`` and ``ttl`` give each part's byte range (the ontology first, then each document);
    ``entities`` each entity's block in graph.ttl, by IRI.
    """

    trig: list[tuple[int, int]] = field(default_factory=list)
    ttl: list[tuple[int, int]] = field(default_factory=list)
    entities: dict[str, tuple[int, int]] = field(default_factory=dict)


def write_build(folder: Path, parts: Iterable[list[ox.Quad]], prefixes: dict[str, str]) -> Layout:
    """Write ``folder/store``, ``folder/graph.trig`` and ``folder/graph.ttl`` without holding the graph in memory.

    ``parts`` gives the graph's quads a part at a time: the ontology, then each document's named
    graph. Each part goes to graph.trig as it comes, in that order, and into the on-disk store
    twice: in its named graph, and in the default graph, which keeps each triple once and so is
    the merge that queries read. graph.ttl is that merge, laid out so that one changed document
    changes few of its bytes (:func:`_turtle_section`): the ontology, then each document's own
    nodes (the document, its statements and observations) in document order, then one block per
    entity, sorted by IRI, holding what every document says of it. The same graph therefore
    gives the same bytes.

    Returns:
        Where each part and each entity lies in the files, for :func:`update_build`.

    Raises:
        OSError, ValueError, SyntaxError: a store or file cannot be written.
    """
    store = ox.Store(str(folder / "store"))
    layout = Layout()
    entities: set[ox.NamedNode] = set()
    seen: set = set()
    batch: list[ox.Quad] = []
    with open(folder / "graph.trig", "wb") as trig, open(folder / "graph.ttl", "wb") as ttl:
        for n, quads in enumerate(parts):
            layout.trig.append(_write_part(trig, quads, prefixes, first=n == 0))
            layout.ttl.append(_write(ttl, _turtle_section(quads, prefixes, n == 0, seen, entities)))
            batch.extend(quads)
            if len(batch) >= _BATCH:
                _add(store, batch, bulk=True)
                batch = []
        _add(store, batch, bulk=True)
        for node in sorted(entities, key=lambda e: e.value):
            layout.entities[node.value] = _write(ttl, _entity_turtle(store, node, prefixes))
    store.optimize()  # a compacted store answers queries about twice as fast
    del store  # closes the database, so that readers may open it
    return layout


_BATCH = 100_000  # quads per bulk write: large enough to be fast, small enough to bound memory


def update_build(folder: Path, previous: Path, parts: Iterable[tuple[tuple[int, int], tuple[int, int]] | list[ox.Quad]],
                 before: Layout, kept: Iterable[ox.NamedNode], dropped: Iterable[ox.NamedNode],
                 prefixes: dict[str, str]) -> Layout:
    """Write the same files as :func:`write_build` from the previous build's, changing only what changed.

    ``parts`` lists the parts in order: for a part that is the same as before (the ontology, an
    unchanged document), its byte ranges in the previous graph.trig and graph.ttl; the quads
    of a new or changed document otherwise. ``before`` is the previous build's layout (its
    entity blocks are used), ``kept`` names the previous named graphs that stay, ``dropped``
    those that are gone or replaced.
    The store starts as a copy of the previous one (its immutable files hard-linked, so nothing
    is copied at size); dropped graphs are removed, new ones added, and a triple leaves the
    default graph (the merge) only when no named graph holds it any more. Both files are spliced
    from the previous ones, and only the entity blocks of entities a changed document names are
    written again: the bytes equal a clean build's.

    Returns:
        Where each part and each entity lies in the new files.

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
    touched: set[ox.NamedNode] = set()  # entities whose block in graph.ttl is written again
    for graph in dropped:
        quads = list(store.quads_for_pattern(None, None, None, graph))
        leaving.update(q.triple for q in quads)
        touched |= _entities_in(quads)
        store.remove_graph(graph)
    layout = Layout()
    seen: set = set()
    with open(previous / "graph.trig", "rb") as old_trig, open(folder / "graph.trig", "wb") as trig, \
            open(previous / "graph.ttl", "rb") as old_ttl, open(folder / "graph.ttl", "wb") as ttl:
        for n, part in enumerate(parts):
            if isinstance(part, tuple):
                layout.trig.append(_copy(old_trig, trig, *part[0]))
                layout.ttl.append(_copy(old_ttl, ttl, *part[1]))
            else:
                layout.trig.append(_write_part(trig, part, prefixes, first=n == 0))
                layout.ttl.append(_write(ttl, _turtle_section(part, prefixes, n == 0, seen, touched)))
                _add(store, part, bulk=False)
        default = ox.DefaultGraph()
        for triple in leaving:
            held = any(not isinstance(q.graph_name, ox.DefaultGraph)
                       for q in store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None))
            if not held and triple not in _ontology_triples():
                store.remove(ox.Quad(triple.subject, triple.predicate, triple.object, default))
        again = {node.value: node for node in touched}
        run: list[str] = []  # unchanged blocks that lie together in the previous file: copied at once
        for iri in sorted(before.entities.keys() | again.keys()):
            if iri not in again:
                if run and before.entities[run[-1]][1] != before.entities[iri][0]:
                    _copy_blocks(old_ttl, ttl, run, before.entities, layout.entities)
                    run = []
                run.append(iri)
                continue
            _copy_blocks(old_ttl, ttl, run, before.entities, layout.entities)
            run = []
            text = _entity_turtle(store, again[iri], prefixes)
            if text:  # an entity no document names any more has no block
                layout.entities[iri] = _write(ttl, text)
        _copy_blocks(old_ttl, ttl, run, before.entities, layout.entities)
    del store
    return layout


def _copy_blocks(old, new, iris: list[str], before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> None:
    """Copy entity blocks that lie one after another in the old file, and record where they now lie."""
    if not iris:
        return
    start = before[iris[0]][0]
    shift = _copy(old, new, start, before[iris[-1]][1])[0] - start
    for iri in iris:
        after[iri] = (before[iri][0] + shift, before[iri][1] + shift)


def _turtle_section(quads: list[ox.Quad], prefixes: dict[str, str], first: bool, seen: set,
                    entities: set[ox.NamedNode]) -> bytes:
    """A part's own section of graph.ttl: the whole ontology (with the prefix lines) for the first part;
    for a document, its triples about nodes no other document describes (itself, its statements and
    observations), once per named graph. The entities it names are added to ``entities``: their
    triples merge across documents, so they are written once, in blocks of their own, at the end."""
    if first:
        return ox.serialize(quads, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    shared = _entities_in(quads)
    entities |= shared
    graph = quads[0].graph_name if quads else None
    if graph in seen:
        return b""
    seen.add(graph)
    text = ox.serialize([q.triple for q in quads if q.subject not in shared], format=ox.RdfFormat.TURTLE,
                        prefixes=prefixes)
    return _without_prefixes(text)


def _entities_in(quads: Iterable[ox.Quad]) -> set[ox.NamedNode]:
    """The entities a document's graph describes: each states that it is kg:mentionedIn the document."""
    return {q.subject for q in quads if q.predicate == MENTIONED_IN}


def _entity_turtle(store: ox.Store, node: ox.NamedNode, prefixes: dict[str, str]) -> bytes:
    """An entity's block of graph.ttl: every triple about it in the merge, in the store's order."""
    quads = store.quads_for_pattern(node, None, None, ox.DefaultGraph())
    return _without_prefixes(ox.serialize(quads, format=ox.RdfFormat.TURTLE, prefixes=prefixes))


def _write_part(trig, quads: list[ox.Quad], prefixes: dict[str, str], first: bool) -> tuple[int, int]:
    """Serialize one part to graph.trig (the prefix lines only at the top); its byte range."""
    text = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)
    return _write(trig, text if first else _without_prefixes(text))


def _write(handle, data: bytes) -> tuple[int, int]:
    start = handle.tell()
    handle.write(data)
    return start, handle.tell()


def _copy(old, new, start: int, end: int) -> tuple[int, int]:
    """Copy bytes ``start:end`` of the file ``old`` to the end of ``new`` (in the kernel where it can); their new range."""
    new.flush()
    begin = new.tell()
    done = 0
    try:
        while done < end - start:
            copied = os.copy_file_range(old.fileno(), new.fileno(), end - start - done, start + done)
            if copied == 0:
                raise ValueError("the previous file is shorter than its manifest says")
            done += copied
    except OSError as exc:  # another file system, or no copy_file_range: through memory
        if exc.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
            raise
        old.seek(start + done)
        data = old.read(end - start - done)
        if len(data) != end - start - done:
            raise ValueError("the previous file is shorter than its manifest says") from None
        new.write(data)
    return begin, new.tell()


def _add(store: ox.Store, quads: list[ox.Quad], bulk: bool) -> None:
    """Add quads to their named graphs and their triples to the default graph (the merge)."""
    merged = [ox.Quad(q.subject, q.predicate, q.object) for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)]
    if bulk:
        store.bulk_extend(quads)
        store.bulk_extend(merged)
    else:
        store.extend(quads)
        store.extend(merged)


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
