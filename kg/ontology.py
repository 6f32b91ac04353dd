"""The kg:/kgr: namespaces and the ontology file, the single source of truth for terms."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Graph

KG_NS = "https://w3id.org/policy-kg/ns#"
KGR_NS = "https://w3id.org/policy-kg/id/"


CLASSES = ("GovernmentBody", "Organization", "Person", "Country", "Place", "Policy", "Goal", "Event")
ACTOR_CLASSES = frozenset({"GovernmentBody", "Organization", "Person", "Country"})

# Which classes each relation accepts (ONTOLOGY.md, "Relations"). A rule whose
# subject or object falls outside these is not emitted.
_ACTOR = ACTOR_CLASSES
SIGNATURES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "issued": (_ACTOR, frozenset({"Policy"})),
    "revised": (_ACTOR, frozenset({"Policy"})),
    "implements": (_ACTOR, frozenset({"Policy"})),
    "drafted": (_ACTOR, frozenset({"Policy"})),
    "signed": (_ACTOR, frozenset({"Policy"})),
    "established": (_ACTOR, frozenset({"Organization", "GovernmentBody", "Policy", "Event"})),
    "leads": (_ACTOR, _ACTOR | {"Policy"}),
    "memberOf": (_ACTOR, frozenset({"Organization", "GovernmentBody"})),
    "guides": (_ACTOR, _ACTOR),
    "cooperatesWith": (_ACTOR, _ACTOR),
    "country": (_ACTOR | {"Place", "Policy"}, frozenset({"Country"})),
    "hasGoal": (frozenset({"Policy"}), frozenset({"Goal"})),
    "partOf": (_ACTOR | {"Policy"}, _ACTOR | {"Policy"}),
    "supports": (_ACTOR | {"Policy"}, frozenset({"Policy"})),
    "alignedWith": (frozenset({"Policy"}), frozenset({"Policy"})),
    "participatedIn": (_ACTOR, frozenset({"Event"})),
    "locatedIn": (_ACTOR | {"Place"}, frozenset({"Place", "Country"})),
}
SYMMETRIC = frozenset({"cooperatesWith", "alignedWith"})


def accepts(predicate: str, subject_cls: str, object_cls: str) -> bool:
    """True when the contract allows ``subject_cls predicate object_cls``."""
    domain, range_ = SIGNATURES[predicate]
    if predicate == "partOf" and (subject_cls == "Policy") != (object_cls == "Policy"):
        return False  # Policy -> Policy or Actor -> Actor, never mixed
    return subject_cls in domain and object_cls in range_


@cache
def ontology_graph() -> Graph:
    """The ontology, parsed once from the package data."""
    from rdflib import Graph

    text = resources.files("kg.data").joinpath("ontology.ttl").read_text(encoding="utf-8")
    graph = Graph(store="Oxigraph")
    graph.parse(data=text, format="ox-turtle")
    return graph


def __getattr__(name: str):
    """``KG`` is made on first use: rdflib takes 0.4 s to import, and a build never needs it."""
    if name == "KG":
        return _kg_namespace()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _kg_namespace():
    from rdflib import Namespace, URIRef
    from rdflib.namespace import DefinedNamespace

    class KG(DefinedNamespace):
        """Terms of kg/data/ontology.ttl; a misspelt term fails at once."""

        _NS = Namespace(KG_NS)
        _fail = True

        Actor: URIRef
        GovernmentBody: URIRef
        Organization: URIRef
        Person: URIRef
        Country: URIRef
        Place: URIRef
        Policy: URIRef
        Agreement: URIRef
        Goal: URIRef
        Event: URIRef
        Observation: URIRef
        issued: URIRef
        revised: URIRef
        implements: URIRef
        drafted: URIRef
        signed: URIRef
        established: URIRef
        leads: URIRef
        memberOf: URIRef
        guides: URIRef
        cooperatesWith: URIRef
        country: URIRef
        hasGoal: URIRef
        partOf: URIRef
        supports: URIRef
        alignedWith: URIRef
        participatedIn: URIRef
        locatedIn: URIRef
        mentionedIn: URIRef
        title: URIRef
        sha256: URIRef
        encoding: URIRef
        dateSource: URIRef
        evidence: URIRef
        charStart: URIRef
        charEnd: URIRef
        page: URIRef
        rule: URIRef
        confidence: URIRef
        date: URIRef
        modality: URIRef
        indicator: URIRef
        value: URIRef
        unit: URIRef
        period: URIRef
        about: URIRef

    return KG
