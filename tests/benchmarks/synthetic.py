"""A synthetic graph in the contract's shape, for benchmarks: actors of several
countries, policies, goals and events, relations with full statement nodes."""

from __future__ import annotations

import random

import pyoxigraph as ox

KG = "https://w3id.org/policy-kg/ns#"
KGR = "https://w3id.org/policy-kg/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
COUNTRIES = ["China", "Germany", "France", "South Korea", "Japan", "United States", "Italy", "Brazil"]
PREDICATES = [("issued", "actor", "policy"), ("revised", "actor", "policy"), ("signed", "actor", "policy"),
              ("established", "actor", "policy"), ("cooperatesWith", "actor", "actor"), ("hasGoal", "policy", "goal"),
              ("participatedIn", "actor", "event"), ("guides", "actor", "actor")]


def n(local: str) -> ox.NamedNode:
    return ox.NamedNode(KGR + local)


def k(local: str) -> ox.NamedNode:
    return ox.NamedNode(KG + local)


def synthetic_quads(target_triples: int = 1_000_000, seed: int = 7) -> list[ox.Quad]:
    rng = random.Random(seed)
    quads: list[ox.Quad] = []
    label = ox.NamedNode(RDFS + "label")
    rdf_type = ox.NamedNode(RDF + "type")
    docs = [n(f"doc-{i}") for i in range(200)]
    graphs = docs
    for i, doc in enumerate(docs):
        quads += [ox.Quad(doc, rdf_type, ox.NamedNode(DCT + "BibliographicResource"), doc),
                  ox.Quad(doc, ox.NamedNode(DCT + "source"), ox.Literal(f"corpus/doc-{i}.txt"), doc)]
    pools: dict[str, list[ox.NamedNode]] = {"actor": [], "policy": [], "goal": [], "event": []}
    countries = []
    for name in COUNTRIES:
        node = n(name.lower().replace(" ", "-"))
        countries.append(node)
        quads += [ox.Quad(node, rdf_type, k("Country"), docs[0]), ox.Quad(node, label, ox.Literal(name, language="en"), docs[0])]
    sizes = {"actor": 6000, "policy": 8000, "goal": 1500, "event": 1500}
    classes = {"actor": ["GovernmentBody", "Organization", "Person"], "policy": ["Policy"], "goal": ["Goal"], "event": ["Event"]}
    for kind, size in sizes.items():
        for i in range(size):
            node = n(f"{kind}-{i}")
            pools[kind].append(node)
            doc = rng.choice(docs)
            quads += [ox.Quad(node, rdf_type, k(rng.choice(classes[kind])), doc),
                      ox.Quad(node, label, ox.Literal(f"{kind.title()} {i}", language="en"), doc),
                      ox.Quad(node, k("mentionedIn"), doc, doc)]
            if kind in ("actor", "policy"):
                quads.append(ox.Quad(node, k("country"), rng.choice(countries), doc))
    described = {}  # as in a real build, an entity is described in every document graph that uses it
    for q in quads:
        if q.predicate == label or q.predicate == rdf_type:
            described.setdefault(q.subject, []).append(q)
    seen = set()
    fact = 0
    while len(quads) < target_triples:
        p, sk, ok = rng.choice(PREDICATES)
        s, o = rng.choice(pools[sk]), rng.choice(pools[ok])
        doc = rng.choice(graphs)
        for node in (s, o):
            if (node, doc) not in seen:
                seen.add((node, doc))
                quads += [ox.Quad(q.subject, q.predicate, q.object, doc) for q in described.get(node, ())]
                quads.append(ox.Quad(node, k("mentionedIn"), doc, doc))
        st = n(f"stmt-{fact}")
        fact += 1
        year = rng.randint(2010, 2024)
        quads += [
            ox.Quad(s, k(p), o, doc),
            ox.Quad(st, rdf_type, ox.NamedNode(RDF + "Statement"), doc),
            ox.Quad(st, ox.NamedNode(RDF + "subject"), s, doc),
            ox.Quad(st, ox.NamedNode(RDF + "predicate"), k(p), doc),
            ox.Quad(st, ox.NamedNode(RDF + "object"), o, doc),
            ox.Quad(st, ox.NamedNode(PROV + "wasDerivedFrom"), doc, doc),
            ox.Quad(st, k("evidence"), ox.Literal(f"Sentence {fact} says that {s.value[-10:]} {p} {o.value[-10:]}.", language="en"), doc),
            ox.Quad(st, k("charStart"), ox.Literal(str(fact * 10), datatype=ox.NamedNode(XSD + "integer")), doc),
            ox.Quad(st, k("charEnd"), ox.Literal(str(fact * 10 + 9), datatype=ox.NamedNode(XSD + "integer")), doc),
            ox.Quad(st, k("rule"), ox.Literal(f"{p}.active.v1"), doc),
            ox.Quad(st, k("confidence"), ox.Literal("0.8", datatype=ox.NamedNode(XSD + "decimal")), doc),
        ]
        if rng.random() < 0.5:
            quads.append(ox.Quad(st, k("date"), ox.Literal(f"{year}-{rng.randint(1, 12):02d}", datatype=ox.NamedNode(XSD + "gYearMonth")), doc))
        if rng.random() < 0.1:
            quads.append(ox.Quad(st, k("modality"), ox.Literal(rng.choice(["planned", "negated"])), doc))
    return quads
