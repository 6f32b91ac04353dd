"""The persistent query store: an on-disk Oxigraph database, published as ``out/store``.

Turtle and TriG stay the exchange files; the store is what ``kg query`` opens,
so a query does not re-parse the graph. It holds each document's named graph
and, in the default graph, the ontology plus the merge of every document
(queries read the default graph, where each fact and label appears once).

kg.outputs publishes it together with the files of the same build.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError


def write_build(folder: Path, chunks: Iterable[list[ox.Quad]], prefixes: dict[str, str]) -> None:
    """Write ``folder/store``, ``folder/graph.trig`` and ``folder/graph.ttl`` without holding the graph in memory.

    ``chunks`` gives the graph's quads a part at a time (the ontology, then whole named graphs).
    Each part goes to graph.trig as it comes, in that order, and into the on-disk store twice: in
    its named graph, and in the default graph, which keeps each triple once and so is the merge
    that queries read and that is dumped as graph.ttl (in the store's key order). The same graph
    therefore gives the same bytes.

    Raises:
        OSError, ValueError, SyntaxError: a store or file cannot be written.
    """
    store = ox.Store(str(folder / "store"))
    with open(folder / "graph.trig", "wb") as trig:
        for n, quads in enumerate(chunks):
            text = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)
            trig.write(text if n == 0 else _without_prefixes(text))
            store.bulk_extend(quads)
            store.bulk_extend([ox.Quad(q.subject, q.predicate, q.object) for q in quads
                               if not isinstance(q.graph_name, ox.DefaultGraph)])
    store.dump(output=str(folder / "graph.ttl"), format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(),
               prefixes=prefixes)
    store.optimize()  # a compacted store answers queries about twice as fast
    del store  # closes the database, so that readers may open it


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
