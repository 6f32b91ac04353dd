"""`kg serve` as a real process on 127.0.0.1: the SPARQL 1.1 Protocol (GET, POST, Accept),
the query limits, refused updates (4xx, BAD_INPUTS row 26), CORS, and the views."""

from __future__ import annotations

import csv
import io
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from typer.testing import CliRunner

from kg.cli import app

from .servers import free_port, start

SELECT = "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?l LIMIT 3"


@pytest.fixture(scope="module")
def endpoint(seed_build, tmp_path_factory):
    _, out = seed_build
    views = tmp_path_factory.mktemp("views")
    assert CliRunner().invoke(app, ["view", "--graph", str(out / "graph.trig"), "--out", str(views)]).exit_code == 0
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start([sys.executable, "-m", "kg", "serve", "--graph", str(out / "store"), "--port", str(port),
                     "--views", str(views), "--timeout", "2", "--max-rows", "5"], base + "/", "kg serve")
    yield base
    process.terminate()
    process.wait(timeout=10)


def _call(url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def test_get_and_post_answer_in_the_format_the_client_accepts(endpoint):
    status, body, headers = _call(f"{endpoint}/sparql?query={urllib.parse.quote(SELECT)}")
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
    assert json.loads(body)["head"]["vars"] == ["l"] and len(json.loads(body)["results"]["bindings"]) == 3
    assert headers["Access-Control-Allow-Origin"] == "*"
    status, body, headers = _call(f"{endpoint}/sparql", SELECT.encode(), {"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv") and next(csv.reader(io.StringIO(body.decode()))) == ["l"]
    form = urllib.parse.urlencode({"query": SELECT}).encode()
    status, body, headers = _call(f"{endpoint}/sparql", form, {"Content-Type": "application/x-www-form-urlencoded",
                                                               "Accept": "text/tab-separated-values"})
    assert status == 200 and body.decode().splitlines()[0] == "?l"
    construct = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 2"
    status, body, headers = _call(f"{endpoint}/sparql?query={urllib.parse.quote(construct)}")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    status, _, headers = _call(f"{endpoint}/sparql", method="OPTIONS")
    assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]


@pytest.mark.bad_input(26)
def test_updates_are_refused_with_403_and_change_nothing(endpoint):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def size() -> str:
        return json.loads(_call(f"{endpoint}/sparql?query={urllib.parse.quote(count)}")[1])["results"]["bindings"][0]["n"]["value"]
    before = size()
    update = "DELETE WHERE { ?s ?p ?o }"
    for url, data, headers, method in [
        (f"{endpoint}/sparql", update.encode(), {"Content-Type": "application/sparql-update"}, None),
        (f"{endpoint}/update", urllib.parse.urlencode({"update": update}).encode(), {"Content-Type": "application/x-www-form-urlencoded"}, None),
        (f"{endpoint}/sparql?update={urllib.parse.quote(update)}", None, {}, None),
        (f"{endpoint}/sparql", update.encode(), {"Content-Type": "application/sparql-query"}, None),
        (f"{endpoint}/sparql", b"<a:b> <a:c> <a:d> .", {"Content-Type": "text/turtle"}, "PUT"),
    ]:
        status, body, _ = _call(url, data, headers, method)
        assert status == 403 and "read-only" in json.loads(body)["error"], (url, status, body)
    assert size() == before


def test_limits_apply_service_is_refused_and_rows_are_capped(endpoint):
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    status, body, _ = _call(f"{endpoint}/sparql?query={urllib.parse.quote(service)}")
    assert status == 400 and "SERVICE" in json.loads(body)["error"]
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    started = time.perf_counter()
    status, body, _ = _call(f"{endpoint}/sparql?query={urllib.parse.quote(runaway)}")
    assert status == 503 and "--timeout" in json.loads(body)["error"] and time.perf_counter() - started < 10
    status, body, headers = _call(f"{endpoint}/sparql?query={urllib.parse.quote('SELECT * WHERE { ?s ?p ?o }')}")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 5 and headers["KG-Truncated"] == "5"
    status, body, _ = _call(f"{endpoint}/sparql?query={urllib.parse.quote('SELECT ?s WHERE { ?s ?p }')}")
    assert status == 400 and "line" in json.loads(body)["error"]


def test_views_are_served_and_nothing_outside_them(endpoint):
    status, body, headers = _call(f"{endpoint}/views/")
    assert status == 200 and headers["Content-Type"].startswith("text/html") and b"graph.html" in body
    assert _call(f"{endpoint}/views/graph.html")[0] == 200
    for path in ("/views/../../etc/passwd", "/views/%2e%2e/%2e%2e/etc/passwd", "/etc/passwd"):
        assert _call(endpoint + path)[0] == 404, path
