"""Score a graph against gold annotations: precision, recall and F1 of entities
and relations (strict: predicate and direction; relaxed: the right pair), and
how many stated dates are right."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import Dataset, URIRef

from .datafiles import load_yaml
from .errors import InputError
from .ontology import KG_NS, SYMMETRIC


def norm(label: str) -> str:
    text = unicodedata.normalize("NFKC", label).replace("’", "'").casefold()
    text = re.sub(r"[\"“”]", "", text)
    text = re.sub(r"^(?:the|a|an)\s+", "", text.strip())
    return re.sub(r"\s+", " ", text).strip(" .,;:")


@dataclass
class Gold:
    document: str
    split: str
    entities: dict[str, dict]
    relations: list[dict]
    path: str = ""


def load_gold(path: Path) -> Gold:
    """Read and check a gold YAML file.

    Raises:
        InputError: the file is missing, not YAML, has an entity with unknown fields (an unquoted comma in a
            label), or refers to unknown entity ids.
    """
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"Gold file {path} cannot be read: {exc}") from None
    if not isinstance(data, dict) or "document" not in data:
        raise InputError(f"Gold file {path}: expected 'document', 'entities' and 'relations'.")
    entities = data.get("entities") or {}
    relations = data.get("relations") or []
    for gid, entity in entities.items():
        unknown = set(entity or {}) - {"label", "class", "aliases"} if isinstance(entity, dict) else {"(not a mapping)"}
        if unknown or not isinstance(entity.get("label"), str):
            raise InputError(f"Gold file {path}, entity '{gid}': unexpected fields {sorted(unknown)} or no label. "
                             "Quote a label that holds a comma: {label: \"A, B and C\", ...}.")
    for n, rel in enumerate(relations, 1):
        for side in ("s", "o"):
            if rel.get(side) not in entities:
                raise InputError(f"Gold file {path}, relation {n}: '{rel.get(side)}' is not an entity id of the file.")
    return Gold(str(data["document"]), str(data.get("split", "dev")), entities, relations, str(path))


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    document: str
    split: str
    entities: Score
    relations: Score
    relaxed: Score
    dates_right: int = 0
    dates_stated: int = 0
    duplicates: list[str] = field(default_factory=list)
    missed_entities: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    explanations: list[str] = field(default_factory=list)


_ENTITIES_Q = """
PREFIX kg: <https://w3id.org/policy-kg/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?doc ?e ?cls ?name WHERE {
  GRAPH ?g { ?e kg:mentionedIn ?doc ; a ?cls . { ?e rdfs:label ?name } UNION { ?e skos:altLabel ?name } }
}"""
_RELATIONS_Q = """
PREFIX kg: <https://w3id.org/policy-kg/ns#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?doc ?s ?p ?o ?date ?evidence ?rule WHERE {
  GRAPH ?g { ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?doc ;
             kg:evidence ?evidence ; kg:rule ?rule . OPTIONAL { ?st kg:date ?date } }
}"""
_DOC_Q = """
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?doc ?source WHERE { GRAPH ?g { ?doc a dcterms:BibliographicResource ; dcterms:source ?source } }"""


def evaluate(gold: Gold, ds: Dataset, explain: bool = False) -> Report:
    """Compare the graph's facts about ``gold.document`` with the gold annotation."""
    docs = [row.doc for row in ds.query(_DOC_Q) if str(row.source).endswith(gold.document) or gold.document.endswith(str(row.source))]
    if not docs:
        raise InputError(f"The graph has no document '{gold.document}' (gold {gold.path}). Build it first: kg build {gold.document}")
    doc = docs[0]
    names: dict[URIRef, set[str]] = {}
    for row in ds.query(_ENTITIES_Q, initBindings={"doc": doc}):
        names.setdefault(row.e, set()).add(norm(str(row.name)))
    gold_names = {gid: {norm(g["label"]), *(norm(a) for a in g.get("aliases", []))} for gid, g in gold.entities.items()}
    align: dict[URIRef, str] = {}
    found: dict[str, list[URIRef]] = {}
    for e, labels in sorted(names.items()):
        for gid, gnames in gold_names.items():
            if labels & gnames:
                align[e] = gid
                found.setdefault(gid, []).append(e)
                break
    report = Report(gold.document, gold.split, Score(), Score(), Score())
    report.entities.tp = len(found)
    report.entities.fn = len(gold.entities) - len(found)
    report.entities.fp = sum(1 for e in names if e not in align)
    report.missed_entities = sorted(gold.entities[g]["label"] for g in gold.entities if g not in found)
    report.duplicates = sorted(gold.entities[g]["label"] for g, es in found.items() if len(es) > 1)

    predicted: dict[tuple, set[str]] = {}
    evidence: dict[tuple, list[str]] = {}
    for row in ds.query(_RELATIONS_Q, initBindings={"doc": doc}):
        p = str(row.p).removeprefix(KG_NS)
        s = align.get(row.s, f"?{_label(names, row.s)}")
        o = align.get(row.o, f"?{_label(names, row.o)}")
        key = _fact(s, p, o)
        predicted.setdefault(key, set())
        if row.date is not None:
            predicted[key].add(str(row.date))
        evidence.setdefault((s, o), []).append(f"{p} [{row.rule}]: {row.evidence}")
    gold_facts = {_fact(r["s"], r["p"], r["o"]): r for r in gold.relations}
    for key, rel in gold_facts.items():
        if key in predicted:
            report.relations.tp += 1
            if rel.get("date") is not None:
                report.dates_stated += 1
                right = str(rel["date"]) in predicted[key]
                report.dates_right += right
                if explain and not right:
                    report.explanations.append(f"date of {_show(key, gold)}: {rel['date']} stated, "
                                               f"{', '.join(sorted(predicted[key])) or 'none'} extracted")
        else:
            report.relations.fn += 1
            report.missed.append(_show(key, gold))
            if explain:
                near = evidence.get((key[0], key[2]), []) + evidence.get((key[2], key[0]), [])
                report.explanations.append(f"missed {_show(key, gold)}: " + ("; ".join(near) if near else "no rule linked this pair")
                                           + "".join(f"\n      {line}" for line in _near_misses(gold, key)))
    for key in predicted:
        if key not in gold_facts:
            report.relations.fp += 1
            report.wrong.append(_show(key, gold))
            if explain:
                report.explanations.append(f"wrong {_show(key, gold)}: " + "; ".join(evidence.get((key[0], key[2]), [])[:1]))
    gold_pairs = {frozenset((k[0], k[2])) for k in gold_facts}
    pred_pairs = {frozenset((k[0], k[2])) for k in predicted}
    report.relaxed.tp = len(gold_pairs & pred_pairs)
    report.relaxed.fn = len(gold_pairs - pred_pairs)
    report.relaxed.fp = len(pred_pairs - gold_pairs)
    return report


def _near_misses(gold: Gold, key: tuple[str, str, str]) -> list[str]:
    """Sentences of the document that name both sides of a missed fact, and which triggers of its
    predicate they hold: the rules that nearly fired, for a rule author to look at."""
    from .documents import read_document
    from .rules import relation_rules
    from .sentences import split_sentences

    try:
        doc = read_document(Path(gold.document))
    except InputError:
        return []

    def names(gid: str) -> list[str]:
        entity = gold.entities[gid]
        return [n.casefold() for n in (entity["label"], *entity.get("aliases", []))]
    subject, predicate, obj = key
    subject_names, object_names = names(subject), names(obj)
    lines = []
    for sent in split_sentences(doc):
        low = sent.text.casefold()
        if not (any(n in low for n in subject_names) and any(n in low for n in object_names)):
            continue
        triggers = [f"{rule.id} '{m.group(0)}'" for rule in relation_rules() if rule.predicate == predicate
                    for m in [rule.pattern.search(sent.text)] if m]
        lines.append(f"sentence {sent.index}: " + (f"triggers present: {', '.join(triggers)}" if triggers
                                                   else f"no {predicate} trigger") + f" | {sent.text[:160]}")
    return lines[:3]


def _fact(s: str, p: str, o: str) -> tuple[str, str, str]:
    if p in SYMMETRIC and o < s:
        s, o = o, s
    return (s, p, o)


def _label(names: dict, node) -> str:
    return sorted(names.get(node, {str(node)}))[0]


def _show(key: tuple[str, str, str], gold: Gold) -> str:
    def name(x: str) -> str:
        return gold.entities[x]["label"] if x in gold.entities else x
    return f"{name(key[0])} --{key[1]}--> {name(key[2])}"
