"""The persistent query store: an on-disk Oxigraph database, published as ``out/store``.

Turtle and TriG stay the exchange files; the store is what ``kg query`` opens,
so a query does not re-parse the graph. It holds each document's named graph
and, in the default graph, the ontology plus the merge of every document
(queries read the default graph, where each fact and label appears once).

kg.outputs publishes it together with the files of the same build.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError


def write_build(folder: Path, fill: Callable[[ox.Store, ox.Store], None], prefixes: dict[str, str]) -> None:
    """Write ``folder/store``, ``folder/graph.trig`` and ``folder/graph.ttl`` without holding the graph in memory.

    ``fill(store, merged)`` adds each document's named graph (and the ontology) to the on-disk
    store, and the same triples to the default graph of a scratch store, which deduplicates them
    on disk into the merge. graph.trig is dumped from the first, graph.ttl from the second, and the
    merge is then bulk-loaded into the store's default graph (what queries read). Both dumps
    follow the stores' key order, so the same graph gives the same bytes.

    Raises:
        OSError, ValueError, SyntaxError: a store or file cannot be written.
    """
    store = ox.Store(str(folder / "store"))
    scratch = folder / ".merge"
    merged = ox.Store(str(scratch))
    try:
        fill(store, merged)
        store.dump(output=str(folder / "graph.trig"), format=ox.RdfFormat.TRIG, prefixes=prefixes)
        merged.dump(output=str(folder / "graph.ttl"), format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(),
                    prefixes=prefixes)
    finally:
        del merged  # closes the scratch database before it is removed
        shutil.rmtree(scratch, ignore_errors=True)
    store.bulk_load(path=str(folder / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    store.optimize()  # a compacted store answers queries about twice as fast
    del store  # closes the database, so that readers may open it


def merge_into_default_graph(store: ox.Store) -> ox.Store:
    """Copy every named graph's triples into the default graph (what queries read), inside the store:
    a SPARQL update is several times faster than copying quads through Python."""
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return store


def open_read_only(path: Path) -> ox.Store:
    """Open a store written by :func:`write_store` without taking a write lock.

    Raises:
        InputError: the folder is not an Oxigraph store.
    """
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise InputError(f"{path} cannot be opened as a store: {exc}. Rebuild it: kg build") from None
