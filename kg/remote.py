"""Beyond one machine: push the graph to any SPARQL 1.1 server through the Graph Store
Protocol, and run the named queries on a SPARQL endpoint.

Each document goes to its own named graph with a PUT, which replaces what an
earlier push sent there, so pushing twice is harmless; the ontology goes to the
named graph of its IRI. The named queries read the default graph, so the server
must expose the union of its named graphs as the default graph (Oxigraph:
``--union-default-graph``; the README lists the setting for other servers).
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError, KgError
from .queries import NamedQuery, QueryResult, bound_text, check_query, open_store

ONTOLOGY_GRAPH = "https://w3id.org/policy-kg/ns"


@dataclass
class PushReport:
    graphs: int
    triples: int
    seconds: float


class _Connection:
    """One keep-alive HTTP connection to a server, with errors that say what to check."""

    def __init__(self, url: str, timeout: float):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(f"'{url}' is not an http(s) URL. Give the server's URL, e.g. http://127.0.0.1:7878/query")
        self.url = url
        self.parts = parts
        cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        self.connection = cls(parts.hostname, parts.port, timeout=timeout)

    def request(self, method: str, query: dict[str, str] | str, body: bytes | None, headers: dict[str, str]) -> tuple[int, bytes, str]:
        extra = query if isinstance(query, str) else urllib.parse.urlencode(query)
        query_string = "&".join(q for q in (self.parts.query, extra) if q)
        target = (self.parts.path or "/") + ("?" + query_string if query_string else "")
        try:
            self.connection.request(method, target, body=body, headers=headers)
            response = self.connection.getresponse()
            return response.status, response.read(), response.getheader("Content-Type", "")
        except TimeoutError:
            raise KgError(f"{self.url} did not answer in time. Check the server, or raise --timeout.") from None
        except OSError as exc:
            self.connection.close()
            raise KgError(f"Cannot reach {self.url}: {exc.strerror or exc}. Is the server running?") from None

    def close(self) -> None:
        self.connection.close()


def push(graph: Path, graph_store: str, *, timeout: float = 60.0) -> PushReport:
    """PUT every named graph of a build (graph.trig or store folder), and the ontology, to a Graph Store.

    Raises:
        KgError: the server cannot be reached or refuses a graph (its answer is quoted).
    """
    started = time.perf_counter()
    store = open_store(graph, merge=False) if graph.is_file() else open_store(graph)
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    for quad in store.quads_for_pattern(None, None, None, None):
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs[quad.graph_name.value].append(quad.triple)
        elif graph.is_file():  # a TriG file's default graph holds only the ontology
            graphs[ONTOLOGY_GRAPH].append(quad.triple)
    if graph.is_dir():  # the store's default graph is the merge: take the ontology from the package
        from .graph import ontology_quads
        graphs[ONTOLOGY_GRAPH] = [q.triple for q in ontology_quads()]
    connection = _Connection(graph_store, timeout)
    triples = 0
    try:
        for name in sorted(graphs):
            body = ox.serialize(graphs[name], format=ox.RdfFormat.N_TRIPLES)
            status, answer, _ = connection.request("PUT", {"graph": name}, body, {"Content-Type": "application/n-triples"})
            if status >= 300:
                raise KgError(f"{graph_store} refused the graph {name} (HTTP {status}: {answer[:300].decode('utf-8', 'replace')}). "
                              "Check that --graph-store is the server's Graph Store Protocol URL.")
            triples += len(graphs[name])
    finally:
        connection.close()
    return PushReport(len(graphs), triples, time.perf_counter() - started)


def query_endpoint(endpoint: str, query: NamedQuery, params: dict[str, str] | None = None, *,
                   timeout: float = 10.0, max_rows: int = 10_000) -> QueryResult:
    """Run a checked, read-only query on a SPARQL 1.1 endpoint (POST, results as JSON or Turtle).

    Raises:
        QueryRefused, InputError: before anything is sent.
        KgError: the endpoint cannot be reached or answers with an error.
    """
    kind = check_query(query.text, query.source if query.source != "-e" else "the query")
    text = bound_text(query, params or {})
    accept = "text/turtle" if kind in ("CONSTRUCT", "DESCRIBE") else "application/sparql-results+json"
    connection = _Connection(endpoint, timeout)
    try:
        status, body, _ = connection.request("POST", "", text.encode("utf-8"),
                                             {"Content-Type": "application/sparql-query", "Accept": accept})
    finally:
        connection.close()
    if status >= 300:
        raise KgError(f"{endpoint} answered HTTP {status}: {body[:500].decode('utf-8', 'replace')}")
    result = QueryResult(kind)
    if kind in ("CONSTRUCT", "DESCRIBE"):
        result.turtle = body.decode("utf-8")
        return result
    data = json.loads(body)
    if "boolean" in data:
        result.boolean = bool(data["boolean"])
        return result
    hidden = set(query.parameters) | {f"{p}_{s}" for p in query.parameters for s in ("en", "zh", "kg")}
    result.variables = [v for v in data["head"]["vars"] if v not in hidden]
    for n, binding in enumerate(data["results"]["bindings"]):
        if n >= max_rows:
            result.truncated = True
            break
        result.rows.append([_term(binding.get(v)) for v in result.variables])
    return result


def _term(value: dict | None) -> tuple | None:
    if value is None:
        return None
    kind = {"uri": "uri", "bnode": "bnode"}.get(value["type"], "literal")
    datatype = value.get("datatype")
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        datatype = None
    return (kind, value["value"], value.get("xml:lang"), datatype)
