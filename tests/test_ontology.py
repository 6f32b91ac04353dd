from rdflib import RDF, URIRef
from rdflib.namespace import OWL

from kg.ontology import KG, KG_NS, SIGNATURES, ontology_graph


def test_namespace_class_and_ontology_file_agree():
    graph = ontology_graph()
    in_file = {str(s).removeprefix(KG_NS) for s in graph.subjects(None, None) if str(s).startswith(KG_NS)}
    in_code = {name for name in KG.__annotations__}
    assert in_file == in_code


def test_every_contract_relation_is_an_object_property():
    graph = ontology_graph()
    for predicate in SIGNATURES:
        assert (URIRef(KG_NS + predicate), RDF.type, OWL.ObjectProperty) in graph
