"""Build the graph: the ontology, entities, relation triples and statement
nodes with provenance, one named graph per document (ONTOLOGY.md)."""

from __future__ import annotations

import bisect
import hashlib
from decimal import Decimal
from functools import cache
from importlib import resources
from sys import intern
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .cache import extractor_version, writer_version
from .documents import CJK
from .ontology import KG_NS, KGR_NS
from .records import Entity, Extraction
from .resolve import clean_text
from .rules import mention_rules

if TYPE_CHECKING:  # rdflib is imported only by those who ask for an rdflib view (0.4 s at start-up)
    from rdflib import Dataset

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"

MAX_LITERAL = 1024 * 1024  # BAD_INPUTS item 8: longer literals are truncated
WIKIDATA = "http://www.wikidata.org/entity/"
PREFIXES = {
    "kg": KG_NS, "kgr": KGR_NS, "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD_NS,
    "skos": SKOS, "prov": PROV, "dcterms": DCT, "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/", "foaf": "http://xmlns.com/foaf/0.1/", "wd": WIKIDATA,
}


_XSD_INTEGER = ox.NamedNode(XSD_NS + "integer")
_XSD_DECIMAL = ox.NamedNode(XSD_NS + "decimal")
RDF_TYPE = ox.NamedNode(RDF + "type")
RDF_STATEMENT = ox.NamedNode(RDF + "Statement")
RDF_SUBJECT, RDF_PREDICATE, RDF_OBJECT = (ox.NamedNode(RDF + t) for t in ("subject", "predicate", "object"))
RDFS_LABEL = ox.NamedNode(RDFS + "label")
SKOS_ALT = ox.NamedNode(SKOS + "altLabel")
OWL_SAME_AS = ox.NamedNode(OWL + "sameAs")
PROV_DERIVED = ox.NamedNode(PROV + "wasDerivedFrom")


class _Terms(dict):
    """kg: terms as pyoxigraph NamedNodes, made once each."""

    def __missing__(self, local: str) -> ox.NamedNode:
        node = self[local] = ox.NamedNode(KG_NS + local)
        return node


K = _Terms()


def literal(text: str, lang: str | None = None) -> ox.Literal:
    """A text literal with control characters removed and at most 1 MiB."""
    if len(text) > MAX_LITERAL:  # cut before cleaning: the text may be a 20 MB line
        text = text[:MAX_LITERAL + 1]
    text = clean_text(text)
    if len(text.encode("utf-8")) > MAX_LITERAL:
        text = text.encode("utf-8")[:MAX_LITERAL].decode("utf-8", "ignore") + " [truncated]"
    return ox.Literal(text, language=lang) if lang else ox.Literal(text)


def date_literal(value: str) -> ox.Literal:
    datatype = {10: "date", 7: "gYearMonth", 4: "gYear"}[len(value)]
    return ox.Literal(value, datatype=ox.NamedNode(XSD_NS + datatype))


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_XSD_INTEGER)


def _decimal(value: float | str) -> ox.Literal:
    return ox.Literal(str(Decimal(str(value))), datatype=_XSD_DECIMAL)


def document_iri(doc_id: str, base: str = KGR_NS) -> ox.NamedNode:
    return ox.NamedNode(f"{base}doc-{doc_id}")


def build_graph(extractions: list[Extraction], entities: dict[str, Entity], base: str = KGR_NS) -> ox.Store:
    """The graph: ontology in the default graph, each document in a named graph of its own.

    Built directly as pyoxigraph quads (no rdflib terms), which is several times faster.

    Returns:
        An in-memory pyoxigraph Store.
    """
    store = ox.Store()
    store.bulk_extend(ontology_quads())
    for ex in extractions:
        store.bulk_extend(graph_of(ex, entities, base))
    return store


def graph_of(ex: Extraction, entities: dict[str, Entity], base: str = KGR_NS,
             described: dict | None = None) -> list[ox.Quad]:
    """One document's named graph, each quad once, in a fixed order. ``described`` (an empty dict
    for a build) keeps the terms that describe each entity for the next document that names it."""
    return list(dict.fromkeys(document_quads(ex, entities, base, described)))


def graph_version(base: str = KGR_NS) -> str:
    """What every output file depends on beyond its documents and entities: the extractor's code and
    data (which include the ontology and this module), the code that lays the files out, the IRI
    base, and pyoxigraph, which writes them (another version may lay them out otherwise)."""
    return hashlib.sha256(f"{extractor_version()}|{writer_version()}|{base}|{ox.__version__}".encode()).hexdigest()[:32]


def named_keys(ex: Extraction) -> set[str]:
    """The entity keys a document names (its graph describes those that are entities)."""
    keys = {m.key for m in ex.mentions} | {r.subject for r in ex.relations} | {r.object for r in ex.relations}
    return {intern(k) for k in keys}  # one string per key, so that kg.incremental's index stores each once


def entity_digest(entity: Entity) -> str:
    """A digest of every field of an entity that a named graph states."""
    return hashlib.sha256(repr((entity.key, entity.iri, entity.cls, entity.label, entity.label_zh,
                                sorted(entity.alt_labels), entity.wikidata, sorted(entity.titles))).encode()).hexdigest()


def fingerprint(document: str, keys: set[str], digests: dict[str, str]) -> str:
    """A digest of what a document's named graph is made from: the document and how it was read
    (``document``, a :func:`kg.cache.document_key`: its extraction follows from these) and every field
    of the entities among ``keys`` that the graph states (``digests``, by :func:`entity_digest`). Same
    fingerprint (under the same :func:`graph_version`), same named graph, byte for byte."""
    parts = [document] + [digests[k] for k in sorted(keys) if k in digests]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def document_quads(ex: Extraction, entities: dict[str, Entity], base: str = KGR_NS,
                   described: dict | None = None) -> list[ox.Quad]:
    """One document's named graph: its metadata, entities, relations, statements and observations."""
    doc = ex.document
    g = document_iri(doc.id, base)
    quads: list[ox.Quad] = []

    def add(s, p, o) -> None:
        quads.append(ox.Quad(s, p, o, g))

    add(g, RDF_TYPE, ox.NamedNode(DCT + "BibliographicResource"))
    add(g, ox.NamedNode(DCT + "title"), literal(doc.title))
    add(g, ox.NamedNode(DCT + "source"), literal(doc.source))
    for lang in sorted(set(doc.languages) | ({doc.language} if doc.language else set())):
        add(g, ox.NamedNode(DCT + "language"), ox.Literal(lang))
    add(g, K["sha256"], ox.Literal(doc.sha256))
    add(g, K["encoding"], ox.Literal(doc.encoding))
    if doc.date:
        add(g, ox.NamedNode(DCT + "date"), date_literal(doc.date))
        add(g, K["dateSource"], ox.Literal(doc.date_source))
    keys = named_keys(ex)
    signed = {r.object for r in ex.relations if r.predicate == "signed"}
    described = {} if described is None else described
    mentioned_in = K["mentionedIn"]
    for key in sorted(keys):
        entity = entities.get(key)
        if entity is not None:
            agreement = key in signed
            terms = described.get((key, agreement))
            if terms is None:
                terms = described[(key, agreement)] = _entity_terms(entity, agreement)
            for s, p, o in terms:
                add(s, p, o)
            add(terms[0][0], mentioned_in, g)  # (the first says what the entity is)
    sentences = {s.index: s for s in ex.sentences}

    def provenance(node: ox.NamedNode, sent, rule: str, confidence: float) -> None:
        add(node, PROV_DERIVED, g)
        add(node, K["evidence"], literal(sent.text, "zh" if sent.language == "zh" else "en"))
        add(node, K["charStart"], _integer(sent.start))
        add(node, K["charEnd"], _integer(sent.end))
        if doc.page_starts:
            add(node, K["page"], _integer(bisect.bisect_right(doc.page_starts, sent.start)))
        add(node, K["rule"], ox.Literal(rule))
        add(node, K["confidence"], _decimal(confidence))

    for r in ex.relations:
        s_ent, o_ent = entities.get(r.subject), entities.get(r.object)
        if s_ent is None or o_ent is None:
            continue
        s, p, o = ox.NamedNode(s_ent.iri), K[r.predicate], ox.NamedNode(o_ent.iri)
        sent = sentences[r.sentence]
        add(s, p, o)
        stmt = ox.NamedNode(f"{base}stmt-" + hashlib.sha256(
            f"{doc.id}|{s.value}|{p.value}|{o.value}|{sent.start}|{sent.end}|{r.rule}".encode()).hexdigest()[:20])
        add(stmt, RDF_TYPE, RDF_STATEMENT)
        add(stmt, RDF_SUBJECT, s)
        add(stmt, RDF_PREDICATE, p)
        add(stmt, RDF_OBJECT, o)
        provenance(stmt, sent, r.rule, r.confidence)
        if r.date:
            add(stmt, K["date"], date_literal(r.date))
        if r.modality:
            add(stmt, K["modality"], ox.Literal(r.modality))
    for obs in ex.observations:
        sent = sentences[obs.sentence]
        node = ox.NamedNode(f"{base}obs-" + hashlib.sha256(
            f"{doc.id}|{sent.start}|{obs.indicator}|{obs.value}|{obs.period}".encode()).hexdigest()[:20])
        add(node, RDF_TYPE, K["Observation"])
        add(node, K["indicator"], literal(obs.indicator, "en"))
        add(node, K["value"], _decimal(obs.value))
        add(node, K["unit"], ox.Literal(obs.unit))
        if obs.period:
            add(node, K["period"], date_literal(obs.period))
        provenance(node, sent, obs.rule, obs.confidence)
    return quads


def _entity_terms(entity: Entity, agreement: bool) -> list[tuple]:
    """The triples that describe an entity in every graph that names it (all but kg:mentionedIn)."""
    terms: list[tuple] = []
    node = ox.NamedNode(entity.iri)

    def add(s, p, o) -> None:
        terms.append((s, p, o))

    add(node, RDF_TYPE, K[entity.cls])
    if entity.cls == "Policy" and (agreement or any(w in entity.label.lower() for w in mention_rules().agreement_words)):
        add(node, RDF_TYPE, K["Agreement"])
    add(node, RDFS_LABEL, literal(entity.label, "en"))
    if entity.label_zh:
        add(node, RDFS_LABEL, literal(entity.label_zh, "zh"))
    for alt in sorted(entity.alt_labels):
        if alt != entity.label_zh:  # a Chinese surface form is a Chinese name
            add(node, SKOS_ALT, literal(alt, "zh" if CJK.search(alt) else "en"))
    for title in sorted(entity.titles):
        add(node, K["title"], literal(title, "en"))
    if entity.wikidata:
        add(node, OWL_SAME_AS, ox.NamedNode(WIKIDATA + entity.wikidata))
    return terms


@cache
def ontology_quads() -> tuple[ox.Quad, ...]:
    """The ontology's triples in the default graph."""
    text = resources.files("kg.data").joinpath("ontology.ttl").read_bytes()
    return tuple(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                 for t in ox.parse(text, format=ox.RdfFormat.TURTLE))


def as_dataset(store: ox.Store) -> Dataset:
    """The same store seen as an rdflib Dataset (no copy), for rdflib users."""
    from oxrdflib import OxigraphStore
    from rdflib import Dataset, Graph, Namespace
    from rdflib.namespace import NamespaceManager

    ds = Dataset(store=OxigraphStore(store=store))
    ds.namespace_manager = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, Namespace(ns))
    return ds


def new_dataset() -> Dataset:
    """An empty Oxigraph-backed Dataset with the project's prefixes bound."""
    return as_dataset(ox.Store())


