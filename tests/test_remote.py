"""kg push and kg query --endpoint against a real SPARQL server: the Oxigraph server from
PyPI (`oxigraph serve`), started on 127.0.0.1 by these tests."""

from __future__ import annotations

import json
import shutil
import urllib.parse
import urllib.request

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import KgError
from kg.queries import NamedQuery, QueryRefused, example_params, find_query, list_queries, run_query
from kg.remote import push, query_endpoint

from .servers import free_port, start

runner = CliRunner()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.fail("These tests start the Oxigraph server from PyPI: pip install -e '.[test]' installs it (oxigraph).")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start([binary, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")), "--bind", f"127.0.0.1:{port}",
                     "--union-default-graph"], f"{base}/query?query=ASK%7B%7D", "oxigraph serve")
    yield base
    process.kill()
    process.wait()


def _count(base: str) -> int:
    query = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    request = urllib.request.Request(f"{base}/query?query={query}", headers={"Accept": "application/sparql-results+json"})
    return int(json.loads(urllib.request.urlopen(request).read())["results"]["bindings"][0]["n"]["value"])


def test_push_loads_every_named_graph_and_twice_is_harmless(server, seed_build):
    _, out = seed_build
    report = push(out / "graph.trig", f"{server}/store")
    assert report.graphs == 2 and report.triples > 1000  # the seed document and the ontology
    assert _count(server) == report.triples
    result = runner.invoke(app, ["push", "--endpoint", f"{server}/query", "--graph-store", f"{server}/store",
                                 "--graph", str(out / "store")])
    assert result.exit_code == 0 and "triples/s" in result.output, result.output
    assert _count(server) == report.triples  # PUT replaced each graph: nothing doubled


def test_named_queries_on_the_endpoint_answer_like_the_local_store(server, seed_build):
    _, out = seed_build
    push(out / "graph.trig", f"{server}/store")
    for q in list_queries():
        params = example_params(q)
        remote = query_endpoint(f"{server}/query", q, params)
        local = run_query(out / "store", q, params)
        assert remote.variables == local.variables, q.name
        assert sorted(map(str, remote.rows)) == sorted(map(str, local.rows)), q.name
        assert remote.rows, q.name
    result = runner.invoke(app, ["query", "china-partners", "--param", "country=Germany", "--endpoint", f"{server}/query", "-f", "csv"])
    assert result.exit_code == 0 and "Federal Ministry for Economic Affairs and Energy" in result.stdout


def test_a_parameter_value_cannot_become_query_text(server, seed_build):
    _, out = seed_build
    push(out / "graph.trig", f"{server}/store")
    hostile = 'x" } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o } #'
    result = query_endpoint(f"{server}/query", find_query("issuers"), {"policy": hostile})
    assert result.rows == [] and _count(server) > 0


def test_refused_queries_are_never_sent_and_errors_are_clear(server):
    with pytest.raises(QueryRefused, match="SERVICE"):
        query_endpoint(f"{server}/query", NamedQuery("-e", "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"), {})
    with pytest.raises(KgError, match="HTTP 4"):
        query_endpoint(f"{server}/no-such-path", NamedQuery("-e", "ASK { ?s ?p ?o }"), {})
    port = free_port()
    with pytest.raises(KgError, match="Is the server running"):
        query_endpoint(f"http://127.0.0.1:{port}/query", NamedQuery("-e", "ASK { ?s ?p ?o }"), {})
    with pytest.raises(KgError, match="not an http"):
        query_endpoint("file:///etc/passwd", NamedQuery("-e", "ASK { ?s ?p ?o }"), {})
