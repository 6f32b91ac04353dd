"""networkx projections of the graph: entities as nodes, relation triples as edges
carrying their evidence, for GraphML/GEXF exports, views and network analysis."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
import pyoxigraph as ox

from .ontology import KG_NS, SIGNATURES

_EDGES = """
PREFIX kg: <https://w3id.org/policy-kg/ns#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?s ?p ?o ?evidence ?source ?date ?confidence ?rule ?modality WHERE {
  ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:evidence ?evidence ;
      kg:confidence ?confidence ; kg:rule ?rule ; prov:wasDerivedFrom ?doc .
  OPTIONAL { ?doc dcterms:source ?source }
  OPTIONAL { ?st kg:date ?date }
  OPTIONAL { ?st kg:modality ?modality }
}"""
_NODES = """
PREFIX kg: <https://w3id.org/policy-kg/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?e ?label ?cls ?source WHERE {
  ?e kg:mentionedIn ?doc ; a ?cls ; rdfs:label ?label .
  OPTIONAL { ?doc dcterms:source ?source }
}"""


def to_networkx(store: ox.Store) -> nx.MultiDiGraph:
    """A MultiDiGraph with one node per entity and one edge per relation triple.

    Every attribute is a plain string or number (GraphML and GEXF writers refuse
    lists and None): labels in English and Chinese, class, country, documents;
    on edges the predicate, evidence sentences joined by " | ", documents, dates,
    the highest confidence and the rules.
    """
    nodes: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in store.query(_NODES, use_default_graph_as_union=True):
        info = nodes[row["e"].value]
        label = row["label"]
        info["label_" + (label.language or "en")].add(label.value)
        if row["cls"].value.startswith(KG_NS):
            info["class"].add(row["cls"].value[len(KG_NS):])
        if row["source"] is not None:
            info["documents"].add(row["source"].value)
    edges: dict[tuple[str, str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in store.query(_EDGES, use_default_graph_as_union=True):
        key = (row["s"].value, row["o"].value, row["p"].value[len(KG_NS):])
        info = edges[key]
        info["evidence"].add(row["evidence"].value)
        info["confidence"].add(row["confidence"].value)
        info["rule"].add(row["rule"].value)
        for name in ("source", "date", "modality"):
            if row[name] is not None:
                info[name].add(row[name].value)
    for (s, o, p) in edges:
        if p == "country" and s in nodes:
            nodes[s]["country_iri"].add(o)
    graph = nx.MultiDiGraph()
    for iri in sorted(nodes):
        info = nodes[iri]
        classes = sorted(info["class"] - {"Agreement"}) or sorted(info["class"])
        countries = sorted(info.get("country_iri", ()))
        graph.add_node(iri, label=_one(info["label_en"]), label_zh=_one(info["label_zh"]),
                       cls=classes[0] if classes else "", agreement=int("Agreement" in info["class"]),
                       country=" | ".join(_one(nodes[c]["label_en"]) if c in nodes else c for c in countries),
                       documents=" | ".join(sorted(info["documents"])))
    for (s, o, p) in sorted(edges):
        if p not in SIGNATURES or s not in graph or o not in graph:
            continue
        info = edges[(s, o, p)]
        graph.add_edge(s, o, key=p, predicate=p, evidence=" | ".join(sorted(info["evidence"])),
                       documents=" | ".join(sorted(info["source"])), date=" | ".join(sorted(info["date"])),
                       modality=" | ".join(sorted(info["modality"])), rule=" | ".join(sorted(info["rule"])),
                       confidence=max(float(c) for c in info["confidence"]))
    return graph


def _one(values: set[str]) -> str:
    return sorted(values)[0] if values else ""
