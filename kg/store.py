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


def write_build(folder: Path, fill: Callable[[ox.Store, bool], None], prefixes: dict[str, str]) -> None:
    """Write ``folder/store``, ``folder/graph.trig`` and ``folder/graph.ttl`` without holding the graph in memory.

    ``fill(store, merged)`` adds the graph to an on-disk store: with ``merged`` False, the ontology
    and a named graph per document (the store, dumped as graph.trig); with ``merged`` True, every
    triple in the default graph of a scratch store, which keeps each once (dumped as graph.ttl).
    The merge is then bulk-loaded into the store's default graph, which queries read. Both dumps
    follow the stores' key order, so the same graph gives the same bytes.

    Raises:
        OSError, ValueError, SyntaxError: a store or file cannot be written.
    """
    scratch, merged_file = folder / ".merge", folder / "graph.ttl"
    store = ox.Store(str(folder / "store"))
    fill(store, False)
    store.dump(output=str(folder / "graph.trig"), format=ox.RdfFormat.TRIG, prefixes=prefixes)
    try:
        merged = ox.Store(str(scratch))
        fill(merged, True)
        merged.dump(output=str(merged_file), format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=prefixes)
        del merged  # closes the scratch database before it is removed
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    store.bulk_load(path=str(merged_file), format=ox.RdfFormat.TURTLE)
    store.optimize()  # a compacted store answers queries about twice as fast
    del store  # closes the database, so that readers may open it


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
