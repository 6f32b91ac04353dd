"""Named queries on the seed's graph, safe parameters, result formats, and the
hostile queries of BAD_INPUTS items 24-29, refused with 0 connections and 0 files opened."""

import csv
import io
import json
import socket
import sys
import threading

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import InputError
from kg.queries import (
    NamedQuery,
    QueryRefused,
    QueryTimeout,
    bind_parameters,
    check_query,
    example_params,
    find_query,
    list_queries,
    open_store,
    run_query,
    with_values,
)
from kg.results import format_result

runner = CliRunner()


@pytest.fixture(scope="module")
def store(seed_build):
    _, out = seed_build
    return open_store(out / "graph.trig")


def _rows(store, name, **params):
    result = run_query(store, find_query(name), params)
    return [dict(zip(result.variables, [t[1] if t else None for t in row], strict=True)) for row in result.rows]


def test_every_named_query_has_a_header_and_runs(store):
    queries = list_queries()
    assert len(queries) >= 10
    for q in queries:
        assert q.title and q.answers and q.example.startswith("kg query"), q.name
        check_query(q.text, q.name)
        assert run_query(store, q, example_params(q)).rows, q.name  # the documented example finds something
        required = {k: v for k, v in example_params(q).items() if k not in q.optional}
        assert run_query(store, q, required).rows, q.name


def test_china_partners_with_germany_names_both_ministries_and_the_date(store):
    rows = _rows(store, "china-partners", country="Germany")
    signed = [r for r in rows if r["agreement"]]
    assert {r["chineseActor"] for r in signed} >= {"Ministry of Industry and Information Technology"}
    assert {r["partner"] for r in signed} >= {"Federal Ministry for Economic Affairs and Energy"}
    assert {r["date"] for r in signed} == {"2015-07"}
    assert all(r["partnerCountry"] == "Germany" for r in rows)
    assert _rows(store, "china-partners", country="Atlantis") == []


def test_issuers_and_evidence(store):
    rows = _rows(store, "issuers", policy="Guiding Opinions on Deepening the Integration of Manufacturing and Internet")
    assert [(r["actor"], r["action"], r["date"]) for r in rows] == [("State Council", "issued", "2016-05-13")]
    ev = _rows(store, "evidence", subject="State Council", relation="issued",
               object="Guiding Opinions on Deepening the Integration of Manufacturing and Internet")
    assert len(ev) == 1 and "On May 13" in ev[0]["evidence"] and ev[0]["rule"] == "issued.active.v2"


def test_goals_timeline_profile_classes_joint_modality(store):
    goals = {r["goal"] for r in _rows(store, "policy-goals", policy="Made in China 2025")}
    assert {"green manufacturing", "intelligent manufacturing"} <= goals
    dates = [r["date"] for r in _rows(store, "timeline", **{"from": "2016"})]
    assert dates and dates == sorted(dates) and min(dates) >= "2016"
    profile = _rows(store, "actor-profile", actor="工业和信息化部")
    assert {"signed", "cooperatesWith"} <= {r["relation"] for r in profile}
    assert {r["className"] for r in _rows(store, "entities-by-class", **{"class": "Person"})} == {"Person"}
    joint = {r["policy"]: int(r["actors"]) for r in _rows(store, "joint-policies")}
    assert joint and min(joint.values()) >= 2
    assert {r["mod"] for r in _rows(store, "planned-negated", modality="planned")} == {"planned"}
    assert _rows(store, "most-connected")[0]["actor"] == "Ministry of Industry and Information Technology"


def test_parameters_are_values_not_query_text(store):
    hostile = 'x") } } SERVICE <http://127.0.0.1:1/> { ?a ?b ?c } #'
    assert _rows(store, "actor-profile", actor=hostile) == []


def test_values_blocks_bind_exactly_as_substitution_does(store):
    """The VALUES blocks are a hint for the planner: every named query, with and without its
    parameters, gives the rows that substitution alone gives."""
    for q in list_queries():
        for params in (example_params(q), {k: v for k, v in example_params(q).items() if k not in q.optional}):
            subs = bind_parameters(q, params)
            text = with_values(q.text, subs)
            assert text.count("VALUES (") == (q.text.count("WHERE {") if subs else 0), q.name
            plain = [[str(v) for v in row] for row in store.query(q.text, substitutions=subs)]
            hinted = [[str(v) for v in row] for row in store.query(text, substitutions=subs)]
            assert hinted == plain and plain, (q.name, params)


def test_unknown_and_missing_parameters_are_errors(store):
    with pytest.raises(InputError, match="Its parameters: actor"):
        run_query(store, find_query("actor-profile"), {"actor": "x", "nope": "y"})
    with pytest.raises(InputError, match="needs --param actor="):
        run_query(store, find_query("actor-profile"), {})


HOSTILE = [
    ("SERVICE", "SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }"),
    ("SERVICE", "select * where { service <http://127.0.0.1:{port}/> { ?s ?p ?o } }"),
    ("SERVICE", "SELECT * WHERE { SeRvIcE SILENT <http://localhost:{port}/> { ?s ?p ?o } }"),
    ("SERVICE", "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:{port}/> { ?s ?p ?o } }"),
    ("SERVICE", "SELECT * WHERE { \\u0073ervice <http://127.0.0.1:{port}/> { ?s ?p ?o } }"),
    ("SERVICE", "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://127.0.0.1:{port}/> { ?s ?p ?o } } }"),
    ("SERVICE", "SELECT * WHERE { ?s ?p ?o FILTER NOT EXISTS { SERVICE <http://[::1]:{port}/> { ?a ?b ?c } } }"),
    ("SERVICE", "SELECT * WHERE { { SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/> { ?s ?p ?o } } } }"),
    ("SERVICE", "SELECT * WHERE { BIND(<http://127.0.0.1:{port}/> AS ?e) SERVICE ?e { ?s ?p ?o } }"),
    ("SERVICE", "SELECT * WHERE { VALUES ?e { <http://127.0.0.1:{port}/> } SERVICE ?e { ?s ?p ?o } }"),
    ("SERVICE", "ASK { SERVICE <http://127.0.0.1:{port}/> { ?s ?p ?o } }"),
    ("SERVICE", "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:{port}/> { ?s ?p ?o } }"),
    ("SERVICE", "SELECT * WHERE { OPTIONAL { SERVICE <file:///etc/passwd> { ?s ?p ?o } } }"),
    ("SERVICE", "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <http://127.0.0.1:{port}/> { ?s ?p ?o } } }"),
    ("SERVICE", "SELECT * WHERE { MINUS { SERVICE <http://127.0.0.1:{port}/> { ?s ?p ?o } } }"),
    ("FROM", "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"),
    ("FROM", "SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE { ?s ?p ?o }"),
    ("FROM", "SELECT * FROM NAMED <http://localhost:{port}/g> WHERE { GRAPH ?g { ?s ?p ?o } }"),
    ("FROM", "SELECT * FROM <graph.ttl> WHERE { ?s ?p ?o }"),
    ("FROM", "BASE <file:///etc/> SELECT * FROM <passwd> WHERE { ?s ?p ?o }"),
    ("FROM", "ASK FROM <file:///proc/self/environ> { ?s ?p ?o }"),
    ("FROM", "CONSTRUCT { ?s ?p ?o } FROM NAMED <file:///etc/hosts> WHERE { ?s ?p ?o }"),
    ("FROM", "DESCRIBE ?s FROM <http://127.0.0.1:{port}/> WHERE { ?s ?p ?o }"),
    ("LOAD", "LOAD <http://127.0.0.1:{port}/data.ttl>"),
    ("LOAD", "LOAD SILENT <file:///etc/passwd> INTO GRAPH <http://x/g>"),
    ("INSERT", "INSERT DATA { <http://a> <http://b> <http://c> }"),
    ("DELETE", "DELETE WHERE { ?s ?p ?o }"),
    ("DELETE/INSERT", "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }"),
    ("CLEAR", "CLEAR ALL"),
    ("DROP", "DROP GRAPH <http://x/g>"),
]


class _Listener:
    """A loopback server that counts connections."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                continue

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


_EVENTS: list[tuple[str, object]] = []
_RECORDING = threading.Event()


def _audit(event, args):
    if _RECORDING.is_set() and event in ("socket.connect", "open") and not str(args[0]).endswith((".pyc", ".py")):
        _EVENTS.append((event, args[0]))


sys.addaudithook(_audit)  # audit hooks cannot be removed; this one records only while a test asks it to


@pytest.mark.bad_input(24, 25, 26)
@pytest.mark.parametrize("clause, text", HOSTILE, ids=[f"{n}-{c}" for n, (c, _) in enumerate(HOSTILE)])
def test_hostile_query_is_refused_before_anything_runs(store, clause, text):
    listener = _Listener()
    events = _EVENTS
    try:
        query = text.replace("{port}", str(listener.port))
        events.clear()
        _RECORDING.set()
        with pytest.raises(QueryRefused) as refused:
            run_query(store, NamedQuery("-e", query), {})
        _RECORDING.clear()
        recorded = list(events)
        events.clear()
    finally:
        _RECORDING.clear()
        listener.close()
    assert clause.split("/")[0] in str(refused.value)
    assert listener.connections == 0
    assert [e for e in recorded if e[0] == "socket.connect"] == []
    assert [e for e in recorded if e[0] == "open"] == []


@pytest.mark.bad_input(27)
def test_runaway_query_stops_at_timeout_with_its_own_exit_code(seed_build):
    _, out = seed_build
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(QueryTimeout):
        run_query(open_store(out / "graph.trig"), NamedQuery("-e", text), {}, timeout=1)
    result = runner.invoke(app, ["query", "-e", text, "--graph", str(out / "graph.trig"), "--timeout", "1"])
    assert result.exit_code == 4 and "--timeout" in result.output


@pytest.mark.bad_input(27)
def test_redos_regex_is_stopped(seed_build):
    _, out = seed_build
    text = 'SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?x ?y ?z FILTER(REGEX(CONCAT(STR(?c), STR(?f), STR(?z)), "(a+)+$")) }'
    with pytest.raises(QueryTimeout):
        run_query(open_store(out / "graph.trig"), NamedQuery("-e", text), {}, timeout=1)


@pytest.mark.bad_input(28)
def test_rows_are_capped_with_a_notice(seed_build):
    _, out = seed_build
    result = runner.invoke(app, ["query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--graph", str(out / "graph.trig"),
                                 "--max-rows", "5", "-f", "csv"])
    assert result.exit_code == 0
    assert len(result.stdout.strip().splitlines()) == 6
    assert "truncated at 5 rows" in result.output


@pytest.mark.bad_input(29)
def test_syntax_error_gives_line_and_column(tmp_path, seed_build):
    _, out = seed_build
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?s WHERE {\n  ?s ?p \n}\n")
    result = runner.invoke(app, ["query", str(bad), "--graph", str(out / "graph.trig")])
    assert result.exit_code == 1 and "line 2, column" in result.output
    latin = tmp_path / "latin.rq"
    latin.write_bytes("# caf\xe9\nSELECT * WHERE { ?s ?p ?o }".encode("cp1252"))
    result = runner.invoke(app, ["query", str(latin), "--graph", str(out / "graph.trig")])
    assert result.exit_code == 1 and "not UTF-8" in result.output


def test_formats_follow_the_w3c_results_formats(store):
    result = run_query(store, NamedQuery("-e", 'SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } LIMIT 3'), {})
    data = json.loads(format_result(result, "json"))
    assert data["head"]["vars"] == ["s", "l"]
    binding = data["results"]["bindings"][0]
    assert binding["s"]["type"] == "uri" and binding["l"]["type"] == "literal" and "xml:lang" in binding["l"]
    rows = list(csv.reader(io.StringIO(format_result(result, "csv"))))
    assert rows[0] == ["s", "l"] and len(rows) == 4
    tsv = format_result(result, "tsv").splitlines()
    assert tsv[0] == "?s\t?l" and tsv[1].startswith("<http") and '"@' in tsv[1]
    ask = run_query(store, NamedQuery("-e", "ASK { ?s ?p ?o }"), {})
    assert json.loads(format_result(ask, "json")) == {"head": {}, "boolean": True}
    construct = run_query(store, NamedQuery("-e", "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 2"), {})
    assert " a " in format_result(construct, "table") or "rdf-syntax-ns#type" in format_result(construct, "table")


def test_query_list_and_cli_errors(seed_build):
    _, out = seed_build
    listed = runner.invoke(app, ["query", "--list"])
    assert listed.exit_code == 0 and "china-partners" in listed.output
    missing = runner.invoke(app, ["query", "nope", "--graph", str(out / "graph.trig")])
    assert missing.exit_code == 1 and "Available names:" in missing.output
    no_graph = runner.invoke(app, ["query", "issuers", "--graph", "/nonexistent/graph.trig"])
    assert no_graph.exit_code == 1 and "kg build" in no_graph.output


def test_the_build_store_answers_like_the_graph_file(seed_build):
    _, out = seed_build
    assert (out / "store").is_symlink() and (out / "store").is_dir()
    for name in ("issuers", "china-partners", "most-connected"):
        q = find_query(name)
        from_store = run_query(out / "store", q, example_params(q))
        from_file = run_query(out / "graph.trig", q, example_params(q))
        assert from_store.rows and from_store.rows == from_file.rows, name
    with pytest.raises(InputError, match="graph.trig"):
        open_store(out / "store", merge=False)
    result = runner.invoke(app, ["query", "china-partners", "--graph", str(out / "store"), "-f", "csv"])
    assert result.exit_code == 0 and "Federal Ministry for Economic Affairs and Energy" in result.stdout


def test_a_rebuild_swaps_the_store_and_an_open_reader_keeps_reading(tmp_path):
    from kg.pipeline import build_to

    doc = tmp_path / "a.txt"
    doc.write_text("The State Council issued the Made in China 2025 strategy in May 2015.\n", encoding="utf-8")
    out = tmp_path / "out"
    build_to(out, [doc])
    reader = open_store(out / "store")
    before = len(reader)
    doc.write_text("The Ministry of Finance issued the Guidelines on Green Finance in June 2016.\n", encoding="utf-8")
    build_to(out, [doc])
    assert len(reader) == before  # the old store stays readable while it is open
    assert len(list((out / ".builds").iterdir())) == 1 and not list(out.glob(".*.link-*"))
    labels = {r[0][1] for r in run_query(out / "store", NamedQuery("-e", "SELECT ?l WHERE { ?p a <https://w3id.org/policy-kg/ns#Policy> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }"), {}).rows}
    assert "Guidelines on Green Finance" in labels and "Made in China 2025" not in labels
