"""Serialise the graph: the build's Turtle and TriG, the export formats for other tools,
and atomic writing of every output."""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import json
import os
import re
import tempfile
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from .errors import OutputError
from .graph import PREFIXES, ontology_quads
from .store import merge_into_default_graph


def serialize_outputs(store: ox.Store) -> dict[str, bytes]:
    """graph.ttl (the merge of every graph) and graph.trig (a named graph per document), as bytes."""
    with tempfile.TemporaryDirectory() as folder:
        write_outputs(store, Path(folder))
        return {name: (Path(folder) / name).read_bytes() for name in ("graph.ttl", "graph.trig")}


def write_outputs(store: ox.Store, folder: Path) -> None:
    """Write ``folder/graph.trig`` and ``folder/graph.ttl`` straight from the store, without holding them in memory.

    Written by Oxigraph's native serialisers in store order, so the same graph
    gives the same bytes. The merge is made inside the store by a SPARQL update
    (much faster than copying quads through Python), and undone afterwards.
    """
    store.dump(output=str(folder / "graph.trig"), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    merge_into_default_graph(store)
    try:
        store.dump(output=str(folder / "graph.ttl"), format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(),
                   prefixes=PREFIXES)
    finally:
        store.clear_graph(ox.DefaultGraph())
        store.bulk_extend(ontology_quads())


@contextlib.contextmanager
def output_lock(out_dir: Path):
    """Hold an exclusive lock on ``out_dir`` while a run writes there; a second run fails fast.

    Raises:
        OutputError: another run holds the lock.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle = open(out_dir / ".kg.lock", "a+")  # noqa: SIM115 - closed in finally
    except OSError as exc:
        raise OutputError(f"Cannot use the output folder {out_dir}: {exc.strerror}. Pass another --out.") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(f"Another kg run is writing to {out_dir}. Wait for it to finish, or pass another --out.") from None
        yield
    finally:
        handle.close()


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file to a temporary file, fsync, then rename them all into place.

    A failure before the renames leaves every previous output untouched and no
    temporary file behind.

    Raises:
        OutputError: the folder cannot be created or written.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"Cannot create the output folder {out_dir}: {exc.strerror}. Pass another --out.") from None
    temps: list[tuple[str, Path]] = []
    try:
        for name, data in sorted(files.items()):
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
            temps.append((name, Path(tmp)))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes 0600; outputs are ordinary files
        for name, tmp in temps:
            os.replace(tmp, out_dir / name)
    except OSError as exc:
        for _, tmp in temps:
            tmp.unlink(missing_ok=True)
        raise OutputError(f"Cannot write to {out_dir}: {exc.strerror}. Previous outputs are unchanged.") from None
    fsync_dir(out_dir)
    return [out_dir / name for name in sorted(files)]


def fsync_dir(path: Path) -> None:
    """Make renames in ``path`` durable (some filesystems cannot fsync a directory: then nothing)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ---- Exports for other tools (kg export) -----------------------------------

FORMATS = ("turtle", "trig", "nquads", "ntriples", "jsonld", "graphml", "gexf", "csv")


def export_graph(store: ox.Store, fmt: str) -> dict[str, bytes]:
    """The files of one export format, as bytes; the same graph gives the same bytes.

    RDF formats are written from sorted triples or quads; no blank nodes occur
    (statement and document nodes have hash-based IRIs).
    """
    if fmt == "turtle":
        return {"graph.ttl": ox.serialize(_sorted_triples(store), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)}
    if fmt == "trig":
        return {"graph.trig": ox.serialize(_sorted_quads(store), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)}
    if fmt == "nquads":
        return {"graph.nq": ox.serialize(_sorted_quads(store), format=ox.RdfFormat.N_QUADS)}
    if fmt == "ntriples":
        return {"graph.nt": ox.serialize(_sorted_triples(store), format=ox.RdfFormat.N_TRIPLES)}
    if fmt == "jsonld":
        return {"graph.jsonld": _jsonld(store)}
    if fmt in ("graphml", "gexf"):
        return {f"graph.{fmt}": _network_file(store, fmt)}
    if fmt == "csv":
        return _csv_files(store)
    raise OutputError(f"Unknown export format '{fmt}'. Known formats: {', '.join(FORMATS)}, all.")


def _sorted_triples(store: ox.Store) -> list[ox.Triple]:
    triples = {q.triple for q in store}
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _sorted_quads(store: ox.Store) -> list[ox.Quad]:
    def key(q: ox.Quad):
        graph = "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name)
        return (graph, str(q.subject), str(q.predicate), str(q.object))
    return sorted(store, key=key)


def json_ld_context() -> dict:
    """The published @context shipped with the package (kg/data/context.jsonld)."""
    return json.loads(resources.files("kg.data").joinpath("context.jsonld").read_text(encoding="utf-8"))


def _jsonld(store: ox.Store) -> bytes:
    from rdflib import Graph

    graph = Graph(store="Oxigraph")
    graph.parse(data=ox.serialize(_sorted_triples(store), format=ox.RdfFormat.N_TRIPLES), format="ox-ntriples")
    context = json_ld_context()["@context"]
    data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    nodes = data.get("@graph", [data]) if isinstance(data, dict) else data
    nodes = sorted((n for n in nodes if isinstance(n, dict)), key=lambda n: str(n.get("id", n.get("@id", ""))))
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    out = {"@context": context, "@graph": nodes}  # the context inline, so that a processor reads it offline
    return (json.dumps(out, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def _network_file(store: ox.Store, fmt: str) -> bytes:
    import networkx as nx

    from .network import to_networkx

    graph = to_networkx(store)
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(graph, buffer, encoding="utf-8")
        return buffer.getvalue()
    nx.write_gexf(graph, buffer, encoding="utf-8")
    # networkx stamps today's date into GEXF; drop it so that the same graph gives the same bytes
    return re.sub(rb' lastmodifieddate="[^"]*"', b"", buffer.getvalue())


_CSV_EDGES = """
PREFIX kg: <https://w3id.org/policy-kg/ns#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?st ?s ?sl ?p ?o ?ol ?evidence ?source ?charStart ?charEnd ?date ?modality ?confidence ?rule WHERE {
  ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:evidence ?evidence ;
      kg:charStart ?charStart ; kg:charEnd ?charEnd ; kg:confidence ?confidence ; kg:rule ?rule ; prov:wasDerivedFrom ?doc .
  OPTIONAL { ?doc dcterms:source ?source }
  OPTIONAL { ?st kg:date ?date }
  OPTIONAL { ?st kg:modality ?modality }
  OPTIONAL { ?s rdfs:label ?sl FILTER(LANG(?sl) = "en") }
  OPTIONAL { ?o rdfs:label ?ol FILTER(LANG(?ol) = "en") }
}"""


def _csv_files(store: ox.Store) -> dict[str, bytes]:
    from .network import to_networkx

    graph = to_networkx(store)
    nodes = io.StringIO()
    writer = csv.writer(nodes, lineterminator="\r\n")
    writer.writerow(["iri", "label", "label_zh", "class", "country", "documents"])
    for iri, data in graph.nodes(data=True):
        writer.writerow([iri, data["label"], data["label_zh"], data["cls"], data["country"], data["documents"]])
    rows = []
    for row in store.query(_CSV_EDGES, use_default_graph_as_union=True):
        def v(name: str, row=row) -> str:
            return "" if row[name] is None else row[name].value
        rows.append([v("st"), v("s"), v("sl"), v("p").removeprefix("https://w3id.org/policy-kg/ns#"), v("o"), v("ol"),
                     v("evidence"), v("source"), v("charStart"), v("charEnd"), v("date"), v("modality"),
                     v("confidence"), v("rule")])
    edges = io.StringIO()
    writer = csv.writer(edges, lineterminator="\r\n")
    writer.writerow(["statement", "subject", "subject_label", "predicate", "object", "object_label", "evidence",
                     "document", "char_start", "char_end", "date", "modality", "confidence", "rule"])
    writer.writerows(sorted(rows))
    return {"nodes.csv": nodes.getvalue().encode("utf-8"), "edges.csv": edges.getvalue().encode("utf-8")}
