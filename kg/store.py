"""The persistent query store: an on-disk Oxigraph database, published as ``out/store``.

Turtle and TriG stay the exchange files; the store is what ``kg query`` opens,
so a query does not re-parse the graph. It holds each document's named graph
and, in the default graph, the ontology plus the merge of every document
(queries read the default graph, where each fact and label appears once).

kg.outputs publishes it together with the files of the same build, written whole
(:func:`write_build`) or updated from the previous build's (:func:`update_build`).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .graph import K, ontology_quads

MENTIONED_IN = K["mentionedIn"]
Span = tuple[int, int, str]  # start, end, SHA-256 of the bytes


@dataclass
class Layout:
    """Where each part of a build lies in its files, so that the next build can copy what did not change.

    ``trig`` and ``ttl`` give each part's span (the ontology first, then each document);
    ``entities`` each entity's block in graph.ttl, by IRI. A span is (start, end, SHA-256 of
    those bytes): the spans of a file cover it, in order, so its digest can be made from theirs
    (kg.outputs) without reading it again.
    """

    trig: list[Span] = field(default_factory=list)
    ttl: list[Span] = field(default_factory=list)
    entities: dict[str, Span] = field(default_factory=dict)


def write_build(folder: Path, parts: Iterable[list[ox.Quad]], prefixes: dict[str, str]) -> Layout:
    """Write ``folder/store``, ``folder/graph.trig`` and ``folder/graph.ttl`` without holding the graph in memory.

    ``parts`` gives the graph's quads a part at a time: the ontology, then each document's named
    graph. Each part goes to graph.trig as it comes, in that order, and into the on-disk store
    twice: in its named graph, and in the default graph, which keeps each triple once and so is
    the merge that queries read. graph.ttl is that merge, laid out so that one changed document
    changes few of its bytes (:func:`_turtle_section`): the ontology, then each document's own
    nodes (the document, its statements and observations, and the entities it mentions) in
    document order, then one block per entity, sorted by IRI, holding what every document says of it. The same graph therefore
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
    batch = _Batch(store)
    try:
        with open(folder / "graph.trig", "wb") as trig, open(folder / "graph.ttl", "wb") as ttl:
            for n, quads in enumerate(parts):
                layout.trig.append(_write(trig, _trig_part(quads, prefixes, first=n == 0)))
                layout.ttl.append(_write(ttl, _turtle_section(quads, prefixes, n == 0, seen, entities)))
                batch.add(quads)
            batch.finish()
            for node in sorted(entities, key=lambda e: e.value):
                layout.entities[node.value] = _write(ttl, _entity_turtle(store, node, prefixes))
    finally:
        batch.close()
    store.optimize()  # a compacted store answers queries about twice as fast
    del store  # closes the database, so that readers may open it
    return layout


class _Batch:
    """Parts on their way into the store, a bulk load at a time, as N-Quads text: each quad in its
    named graph, and as a triple in the default graph, the merge. Made as text (the graph name cut
    from each line) rather than as Python objects, which cost several times more per quad.

    Each bulk load runs in a thread of its own while the next batch is made: pyoxigraph lets go of
    the interpreter while it loads, so the two take both cores (the load is half of a clean
    build). One batch loads while the next is made, which bounds the memory held."""

    SIZE = 100_000  # quads per bulk load: large enough to be fast, small enough to bound memory

    def __init__(self, store: ox.Store):
        self.store, self.quads, self.triples, self.size = store, [], [], 0
        self.loader = ThreadPoolExecutor(1, thread_name_prefix="bulk-load")
        self.loading: Future | None = None

    def add(self, quads: list[ox.Quad]) -> None:
        text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        self.quads.append(text)
        if quads and not isinstance(quads[0].graph_name, ox.DefaultGraph):
            # a named graph's lines all end " <graph> .\n" (a newline in a literal is written \n)
            end = f" {quads[0].graph_name} .\n".encode()
            if text.count(end) == text.count(b"\n"):
                self.triples.append(text.replace(end, b" .\n"))
            else:  # quads of several graphs
                self.triples.append(ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES))
        self.size += len(quads)
        if self.size >= self.SIZE:
            self.load()

    def load(self) -> None:
        """Start loading what was added (once the previous load is done)."""
        self.wait()
        quads, triples = b"".join(self.quads), b"".join(self.triples)
        self.quads, self.triples, self.size = [], [], 0
        self.loading = self.loader.submit(self._load, quads, triples)

    def _load(self, quads: bytes, triples: bytes) -> None:
        self.store.bulk_load(quads, format=ox.RdfFormat.N_QUADS)
        self.store.bulk_load(triples, format=ox.RdfFormat.N_TRIPLES)

    def wait(self) -> None:
        """Wait for the load under way; its error, if it failed."""
        if self.loading is not None:
            loading, self.loading = self.loading, None
            loading.result()

    def finish(self) -> None:
        """Load the rest, and wait for it."""
        self.load()
        self.wait()

    def close(self) -> None:
        """Stop the loader (after a failure, once the load under way ends: the folder is then removed)."""
        with contextlib.suppress(Exception):
            self.wait()  # after a failure elsewhere, the load's own error adds nothing
        self.loader.shutdown()


def update_build(folder: Path, previous: Path, parts: Iterable[tuple[Span, Span] | list[ox.Quad]],
                 before: Layout, kept: Iterable[ox.NamedNode], dropped: Iterable[ox.NamedNode],
                 prefixes: dict[str, str]) -> Layout:
    """Write the same files as :func:`write_build` from the previous build's, changing only what changed.

    ``parts`` lists the parts in order: for a part that is the same as before (the ontology, an
    unchanged document), its spans in the previous graph.trig and graph.ttl; the quads
    of a new or changed document otherwise. ``before`` is the previous build's layout (its
    entity blocks are used), ``kept`` names the previous named graphs that stay, ``dropped``
    those that are gone or replaced.
    The store starts as a copy of the previous one (its immutable files hard-linked, so nothing
    is copied at size); dropped graphs are removed, new ones added, and a triple leaves the
    default graph (the merge) only when no named graph holds it any more. Both files are spliced
    from the previous ones (ranges that lie together copied at once, in the kernel), and only the
    blocks of entities whose triples in the merge changed are written again: the bytes equal a
    clean build's.

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
    for graph in dropped:
        leaving.update(q.triple for q in store.quads_for_pattern(None, None, None, graph))
        store.remove_graph(graph)
    layout = Layout()
    seen: set = set()
    entities = set(before.entities)  # the IRIs of entities, which have blocks of their own in graph.ttl
    touched: set[str] = set()  # entities whose triples in the merge change: their blocks are written again
    default = ox.DefaultGraph()
    with open(previous / "graph.trig", "rb") as old_trig, open(folder / "graph.trig", "wb") as trig_file, \
            open(previous / "graph.ttl", "rb") as old_ttl, open(folder / "graph.ttl", "wb") as ttl_file:
        trig, ttl = _Splice(old_trig, trig_file), _Splice(old_ttl, ttl_file)
        for n, part in enumerate(parts):
            if isinstance(part, tuple):
                trig.copy(part[0], layout.trig)
                ttl.copy(part[1], layout.ttl)
                continue
            layout.trig.append(trig.write(_trig_part(part, prefixes, first=n == 0)))
            named: set[ox.NamedNode] = set()
            layout.ttl.append(ttl.write(_turtle_section(part, prefixes, n == 0, seen, named)))
            entities.update(e.value for e in named)
            touched.update(q.subject.value for q in part if q.subject in named and q.predicate != MENTIONED_IN and
                           ox.Quad(q.subject, q.predicate, q.object, default) not in store)
            _add(store, part)
        trig.flush()
        for triple in leaving:
            held = any(not isinstance(q.graph_name, ox.DefaultGraph)
                       for q in store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None))
            if not held and triple not in _ontology_triples():
                store.remove(ox.Quad(triple.subject, triple.predicate, triple.object, default))
                if triple.predicate != MENTIONED_IN:
                    touched.add(triple.subject.value)
        touched &= entities
        for iri in sorted(before.entities.keys() | touched):
            if iri not in touched:
                ttl.copy(before.entities[iri], layout.entities, iri)
                continue
            text = _entity_turtle(store, ox.NamedNode(iri), prefixes)
            if text:  # an entity no document names any more has no block
                layout.entities[iri] = ttl.write(text)
        ttl.flush()
    del store
    return layout


class _Splice:
    """Copies byte ranges of the previous file into the new one, ranges that lie together in one copy,
    between the new bytes written there; records where each range now lies."""

    def __init__(self, old, new):
        self.old, self.new = old, new
        self.start = self.end = -1
        self.waiting: list[tuple] = []  # (where to record the new span, key, old start, old end, digest)

    def copy(self, span: Span, ranges: list | dict, key=None) -> None:
        """Copy a span of the old file next; its new span goes to ``ranges`` (appended, or at ``key``)."""
        start, end, digest = span
        if start != self.end:
            self.flush()
            self.start = start
        self.end = end
        if key is None:
            key = len(ranges)
            ranges.append(None)
        self.waiting.append((ranges, key, start, end, digest))

    def write(self, data: bytes) -> Span:
        """Write new bytes next; their range."""
        self.flush()
        return _write(self.new, data)

    def flush(self) -> None:
        if not self.waiting:
            return
        shift = _copy(self.old, self.new, self.start, self.end) - self.start
        for ranges, key, start, end, digest in self.waiting:
            ranges[key] = (start + shift, end + shift, digest)
        self.waiting = []
        self.start = self.end = -1


def _turtle_section(quads: list[ox.Quad], prefixes: dict[str, str], first: bool, seen: set,
                    entities: set[ox.NamedNode]) -> bytes:
    """A part's own section of graph.ttl: the whole ontology (with the prefix lines) for the first part;
    for a document, its triples about nodes no other document describes (itself, its statements and
    observations) and that each entity it names is kg:mentionedIn it, once per named graph. The
    entities it names are added to ``entities``: their other triples merge across documents, so they
    are written once, in blocks of their own, at the end (and a document that changes touches the
    block of an entity only when it changes what is said of it)."""
    if first:
        return ox.serialize(quads, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    shared = _entities_in(quads)
    entities |= shared
    graph = quads[0].graph_name if quads else None
    if graph in seen:
        return b""
    seen.add(graph)
    text = ox.serialize([q.triple for q in quads if q.subject not in shared or q.predicate == MENTIONED_IN],
                        format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return _without_prefixes(text)


def _entities_in(quads: Iterable[ox.Quad]) -> set[ox.NamedNode]:
    """The entities a document's graph describes: each states that it is kg:mentionedIn the document."""
    return {q.subject for q in quads if q.predicate == MENTIONED_IN}


def _entity_turtle(store: ox.Store, node: ox.NamedNode, prefixes: dict[str, str]) -> bytes:
    """An entity's block of graph.ttl: every triple about it in the merge (but the documents that
    mention it, in their sections), in the store's order."""
    quads = (q for q in store.quads_for_pattern(node, None, None, ox.DefaultGraph()) if q.predicate != MENTIONED_IN)
    return _without_prefixes(ox.serialize(quads, format=ox.RdfFormat.TURTLE, prefixes=prefixes))


def _trig_part(quads: list[ox.Quad], prefixes: dict[str, str], first: bool) -> bytes:
    """One part of graph.trig (the prefix lines only at the top)."""
    text = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)
    return text if first else _without_prefixes(text)


def _write(handle, data: bytes) -> Span:
    start = handle.tell()
    handle.write(data)
    return start, handle.tell(), hashlib.sha256(data).hexdigest()


def _copy(old, new, start: int, end: int) -> int:
    """Copy bytes ``start:end`` of the file ``old`` to the end of ``new`` (in the kernel where it can); where they now start."""
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
    return begin


def _add(store: ox.Store, quads: list[ox.Quad]) -> None:
    """Add quads to their named graphs and their triples to the default graph (the merge)."""
    store.extend(quads)
    store.extend([ox.Quad(q.subject, q.predicate, q.object) for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)])


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
