"""Exports load in the tools their users rely on, round-trip exactly, are byte-stable,
and the seed's graph conforms to the contract's SHACL shapes."""

import csv
import hashlib
import io
import json
import os
import subprocess
import sys

import networkx as nx
import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from typer.testing import CliRunner

from kg.cli import app
from kg.export import FORMATS, export_graph
from kg.queries import open_store
from kg.resolve import clean_text, mint_iri

runner = CliRunner()
RDF_FORMATS = {"graph.ttl": ox.RdfFormat.TURTLE, "graph.trig": ox.RdfFormat.TRIG, "graph.nq": ox.RdfFormat.N_QUADS,
               "graph.nt": ox.RdfFormat.N_TRIPLES, "graph.jsonld": ox.RdfFormat.JSON_LD}


@pytest.fixture(scope="module")
def seed_store(seed_build):
    _, out = seed_build
    return open_store(out / "graph.trig", merge=False)


def _all_files(store):
    files = {}
    for fmt in FORMATS:
        files.update(export_graph(store, fmt))
    return files


def _triples(store):
    return {q.triple for q in store}


def test_rdf_exports_round_trip_through_pyoxigraph(seed_store):
    files = _all_files(seed_store)
    source = _triples(seed_store)
    for name, fmt in RDF_FORMATS.items():
        parsed = ox.Store()
        parsed.load(files[name], format=fmt)
        assert _triples(parsed) == source, name
        assert not any(isinstance(t, ox.BlankNode) for q in parsed for t in (q.subject, q.object)), name
    named = ox.Store()
    named.load(files["graph.trig"], format=ox.RdfFormat.TRIG)
    assert set(named) == set(seed_store)  # named graphs kept


def test_each_format_loads_in_its_users_library(seed_store):
    files = _all_files(seed_store)
    assert len(Graph().parse(data=files["graph.ttl"], format="turtle")) == len(_triples(seed_store))
    assert len(Graph().parse(data=files["graph.jsonld"], format="json-ld")) == len(_triples(seed_store))
    data = json.loads(files["graph.jsonld"])
    assert "@context" in data and all("id" in node for node in data["@graph"])
    graphml = nx.read_graphml(io.BytesIO(files["graph.graphml"]))
    gexf = nx.read_gexf(io.BytesIO(files["graph.gexf"]))
    for graph in (graphml, gexf):
        assert graph.number_of_nodes() > 50 and graph.number_of_edges() > 30
    labels = {d.get("label") for _, d in graphml.nodes(data=True)}
    assert "Ministry of Industry and Information Technology" in labels
    edges = list(csv.DictReader(io.StringIO(files["edges.csv"].decode())))
    nodes = list(csv.DictReader(io.StringIO(files["nodes.csv"].decode())))
    assert edges and nodes and all(row["evidence"] and row["document"] for row in edges)
    signed = [r for r in edges if r["predicate"] == "signed"]
    assert {r["date"] for r in signed} == {"2015-07"}


def test_three_runs_give_identical_bytes(tmp_path, seed_build):
    _, out = seed_build
    digests = set()
    for n, seed in enumerate(("0", "7", "123")):
        cwd = tmp_path / f"cwd{n}"
        cwd.mkdir()
        target = tmp_path / f"export{n}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "kg", "export", "--graph", str(out / "graph.trig"), "--out", str(target)],
                       cwd=cwd, env=env, check=True, capture_output=True)
        digests.add(tuple(sorted((p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in target.iterdir())))
        assert list(cwd.iterdir()) == []
    assert len(digests) == 1 and len(next(iter(digests))) == 9


hostile_names = st.one_of(
    st.text(min_size=1, max_size=60),
    st.sampled_from(["Art. 5", "Art 5", 'a "quoted" name', "<>{}|^`\\%", "e\u0301\u0301", "\u202eevil", "zero\u200bwidth",
                     "nul\x00byte", "x" * 10_000, "中国制造2025", "name with spaces"]),
)


@given(st.lists(hostile_names, min_size=1, max_size=4))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_hostile_names_survive_minting_and_every_export(names):
    store = ox.Store()
    kg = "https://w3id.org/policy-kg/ns#"
    doc = ox.NamedNode("https://w3id.org/policy-kg/id/doc-test")
    store.add(ox.Quad(doc, ox.NamedNode("http://purl.org/dc/terms/source"), ox.Literal("t.txt"), doc))
    for name in names:
        node = ox.NamedNode(mint_iri(name))
        store.add(ox.Quad(node, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                          ox.Literal(clean_text(name) or "?", language="en"), doc))
        store.add(ox.Quad(node, ox.NamedNode(kg + "mentionedIn"), doc, doc))
        store.add(ox.Quad(node, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(kg + "Policy"), doc))
    files = _all_files(store)
    for name, fmt in RDF_FORMATS.items():
        parsed = ox.Store()
        parsed.load(files[name], format=fmt)
        assert _triples(parsed) == _triples(store), name
    assert nx.read_graphml(io.BytesIO(files["graph.graphml"])).number_of_nodes() == len({mint_iri(n) for n in names})
    nx.read_gexf(io.BytesIO(files["graph.gexf"]))


def test_seed_graph_conforms_to_the_shapes(seed_build):
    _, out = seed_build
    result = runner.invoke(app, ["validate", str(out / "graph.trig")])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_broken_graph_fails_naming_node_and_rule(tmp_path, seed_build):
    _, out = seed_build
    store = open_store(out / "graph.trig", merge=False)
    kg = "https://w3id.org/policy-kg/ns#"
    statement = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement")
    evidence = next(q for q in store.quads_for_pattern(None, ox.NamedNode(kg + "evidence"), None)
                    if any(store.quads_for_pattern(q.subject, None, statement, q.graph_name)))  # a statement's
    store.remove(evidence)
    doc = evidence.graph_name
    goal = ox.NamedNode("https://w3id.org/policy-kg/id/goal-x")
    person = ox.NamedNode("https://w3id.org/policy-kg/id/someone")
    store.add(ox.Quad(goal, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(kg + "Goal"), doc))
    store.add(ox.Quad(goal, ox.NamedNode(kg + "issued"), person, doc))
    broken = tmp_path / "broken.nq"
    broken.write_bytes(ox.serialize(store, format=ox.RdfFormat.N_QUADS))
    trig = tmp_path / "broken.trig"
    trig.write_bytes(ox.serialize(ox.parse(broken.read_bytes(), format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.TRIG))
    result = runner.invoke(app, ["validate", str(trig)])
    assert result.exit_code == 2
    assert evidence.subject.value in result.output and "kgs:StatementShape" in result.output
    assert goal.value in result.output and "kgs:IssuedShape" in result.output
