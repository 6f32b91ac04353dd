"""Build the RDF Dataset: the ontology, entities, relation triples and statement
nodes with provenance, one named graph per document (ONTOLOGY.md)."""

from __future__ import annotations

import bisect
import hashlib
from decimal import Decimal

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, Namespace, NamespaceManager

from .ontology import KG, KG_NS, KGR_NS, ontology_graph
from .records import Entity, Extraction
from .resolve import clean_text
from .rules import mention_rules

MAX_LITERAL = 1024 * 1024  # BAD_INPUTS item 8: longer literals are truncated
WIKIDATA = "http://www.wikidata.org/entity/"
PREFIXES = {
    "kg": KG_NS, "kgr": KGR_NS, "rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL), "xsd": str(XSD),
    "skos": str(SKOS), "prov": str(PROV), "dcterms": str(DCTERMS), "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/", "foaf": "http://xmlns.com/foaf/0.1/", "wd": WIKIDATA,
}


def literal(text: str, lang: str | None = None) -> Literal:
    """A text literal with control characters removed and at most 1 MiB."""
    text = clean_text(text)
    if len(text.encode("utf-8")) > MAX_LITERAL:
        text = text.encode("utf-8")[:MAX_LITERAL].decode("utf-8", "ignore") + " [truncated]"
    return Literal(text, lang=lang)


def date_literal(value: str) -> Literal:
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(value)]
    return Literal(value, datatype=datatype)


def document_iri(doc_id: str, base: str = KGR_NS) -> URIRef:
    return URIRef(f"{base}doc-{doc_id}")


def new_dataset() -> Dataset:
    """An empty Oxigraph-backed Dataset with the project's prefixes bound."""
    ds = Dataset(store="Oxigraph")
    ds.namespace_manager = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, Namespace(ns))
    return ds


def build_graph(extractions: list[Extraction], entities: dict[str, Entity], base: str = KGR_NS) -> Dataset:
    """The Dataset: ontology in the default graph, each document in a named graph of its own.

    Returns:
        An rdflib Dataset on the Oxigraph store.
    """
    ds = new_dataset()
    default = ds.default_graph
    for triple in ontology_graph():
        default.add(triple)
    for ex in extractions:
        doc = ex.document
        doc_iri = document_iri(doc.id, base)
        g = ds.graph(doc_iri)
        quads = []

        def add(s, p, o, quads=quads, g=g):
            quads.append((s, p, o, g))

        add(doc_iri, RDF.type, DCTERMS.BibliographicResource)
        add(doc_iri, DCTERMS.title, literal(doc.title))
        add(doc_iri, DCTERMS.source, literal(doc.source))
        for lang in sorted(set(doc.languages) | ({doc.language} if doc.language else set())):
            add(doc_iri, DCTERMS.language, Literal(lang))
        add(doc_iri, KG.sha256, Literal(doc.sha256))
        add(doc_iri, KG.encoding, Literal(doc.encoding))
        if doc.date:
            add(doc_iri, DCTERMS.date, date_literal(doc.date))
            add(doc_iri, KG.dateSource, Literal(doc.date_source))
        keys = {m.key for m in ex.mentions} | {r.subject for r in ex.relations} | {r.object for r in ex.relations}
        signed = {r.object for r in ex.relations if r.predicate == "signed"}
        for key in sorted(keys):
            entity = entities.get(key)
            if entity is None:
                continue
            _add_entity(add, entity, doc_iri, agreement=key in signed)
        sentences = {s.index: s for s in ex.sentences}
        for r in ex.relations:
            s_ent, o_ent = entities.get(r.subject), entities.get(r.object)
            if s_ent is None or o_ent is None:
                continue
            s, p, o = URIRef(s_ent.iri), KG[r.predicate], URIRef(o_ent.iri)
            sent = sentences[r.sentence]
            add(s, p, o)
            stmt = URIRef(f"{base}stmt-" + hashlib.sha256(
                f"{doc.id}|{s}|{p}|{o}|{sent.start}|{sent.end}|{r.rule}".encode()).hexdigest()[:20])
            add(stmt, RDF.type, RDF.Statement)
            add(stmt, RDF.subject, s)
            add(stmt, RDF.predicate, p)
            add(stmt, RDF.object, o)
            add(stmt, PROV.wasDerivedFrom, doc_iri)
            add(stmt, KG.evidence, literal(sent.text, "zh" if sent.language == "zh" else "en"))
            add(stmt, KG.charStart, Literal(sent.start))
            add(stmt, KG.charEnd, Literal(sent.end))
            if doc.page_starts:
                add(stmt, KG.page, Literal(bisect.bisect_right(doc.page_starts, sent.start)))
            add(stmt, KG.rule, Literal(r.rule))
            add(stmt, KG.confidence, Literal(Decimal(str(r.confidence)), datatype=XSD.decimal))
            if r.date:
                add(stmt, KG.date, date_literal(r.date))
            if r.modality:
                add(stmt, KG.modality, Literal(r.modality))
        for obs in ex.observations:
            sent = sentences[obs.sentence]
            node = URIRef(f"{base}obs-" + hashlib.sha256(
                f"{doc.id}|{sent.start}|{obs.indicator}|{obs.value}|{obs.period}".encode()).hexdigest()[:20])
            add(node, RDF.type, KG.Observation)
            add(node, KG.indicator, literal(obs.indicator, "en"))
            add(node, KG.value, Literal(Decimal(obs.value), datatype=XSD.decimal))
            add(node, KG.unit, Literal(obs.unit))
            if obs.period:
                add(node, KG.period, date_literal(obs.period))
            add(node, PROV.wasDerivedFrom, doc_iri)
            add(node, KG.evidence, literal(sent.text, "en"))
            add(node, KG.charStart, Literal(sent.start))
            add(node, KG.charEnd, Literal(sent.end))
            if doc.page_starts:
                add(node, KG.page, Literal(bisect.bisect_right(doc.page_starts, sent.start)))
            add(node, KG.rule, Literal(obs.rule))
            add(node, KG.confidence, Literal(Decimal(str(obs.confidence)), datatype=XSD.decimal))
        ds.addN(quads)
    return ds


def _add_entity(add, entity: Entity, doc_iri: URIRef, agreement: bool) -> None:
    node = URIRef(entity.iri)
    add(node, RDF.type, KG[entity.cls])
    if entity.cls == "Policy" and (agreement or any(w in entity.label.lower() for w in mention_rules().agreement_words)):
        add(node, RDF.type, KG.Agreement)
    add(node, RDFS.label, literal(entity.label, "en"))
    if entity.label_zh:
        add(node, RDFS.label, literal(entity.label_zh, "zh"))
    for alt in sorted(entity.alt_labels):
        add(node, SKOS.altLabel, literal(alt, "en"))
    for title in sorted(entity.titles):
        add(node, KG.title, literal(title, "en"))
    if entity.wikidata:
        add(node, OWL.sameAs, URIRef(WIKIDATA + entity.wikidata))
    add(node, KG.mentionedIn, doc_iri)


def merged_graph(ds: Dataset) -> Graph:
    """The union of every graph of ``ds`` (ontology included), for the Turtle export."""
    g = Graph(store="Oxigraph", bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, Namespace(ns))
    g.addN((s, p, o, g) for s, p, o, _ in ds.quads((None, None, None, None)))
    return g
