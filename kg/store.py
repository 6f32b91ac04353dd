"""The persistent query store: an on-disk Oxigraph database, published as ``out/store``.

Turtle and TriG stay the exchange files; the store is what ``kg query`` opens,
so a query does not re-parse the graph. It holds each document's named graph
and, in the default graph, the ontology plus the merge of every document
(queries read the default graph, where each fact and label appears once).

kg.outputs publishes it together with the files of the same build.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .errors import InputError


def write_store(path: Path, trig: Path, merged: Path) -> Path:
    """Load a build's graph.trig (named graphs) and graph.ttl (their merge, into the default
    graph) into a new on-disk store at ``path``, and compact it.

    Raises:
        OSError, ValueError, SyntaxError: the store cannot be written or the data is not RDF.
    """
    store = ox.Store(str(path))
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    store.bulk_load(path=str(merged), format=ox.RdfFormat.TURTLE)
    store.optimize()  # a compacted store answers queries about twice as fast
    del store  # closes the database, so that readers may open it
    return path


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
