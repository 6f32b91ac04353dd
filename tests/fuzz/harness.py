"""One path for every fuzzer: bytes in a file -> kg build -> Turtle, TriG and JSON-LD, each
parsed back by pyoxigraph and compared. A clear refusal (InputError) is a valid outcome;
any other exception, or an output pyoxigraph rejects or reads differently, is a bug."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.export import export_graph, serialize_outputs
from kg.pipeline import build


def _triples(store: ox.Store) -> set[ox.Triple]:
    return {q.triple for q in store}


def round_trip(data: bytes, folder: Path, name: str = "doc.txt") -> int:
    """Build ``data`` as a document and check every serialisation; returns the triple count (0 if refused)."""
    path = folder / name
    path.write_bytes(data)
    try:
        result = build([path], lenient=True)
    except InputError:
        return 0
    files = serialize_outputs(result.store)
    turtle = ox.Store()
    turtle.load(files["graph.ttl"], format=ox.RdfFormat.TURTLE)
    trig = ox.Store()
    trig.load(files["graph.trig"], format=ox.RdfFormat.TRIG)
    assert _triples(trig) == _triples(turtle), "TriG and Turtle differ"
    jsonld = ox.Store()
    jsonld.load(export_graph(trig, "jsonld")["graph.jsonld"], format=ox.RdfFormat.JSON_LD)
    assert _triples(jsonld) == _triples(turtle), "JSON-LD differs from Turtle"
    assert not any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in _triples(turtle))
    return len(turtle)
