"""Check a graph against the SHACL shapes of the contract (kg/data/shapes.ttl) with pySHACL."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import InputError

SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    shape: str
    message: str

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"{self.focus}{where}: {self.message} [{self.shape}]"


def shapes_text() -> str:
    return resources.files("kg.data").joinpath("shapes.ttl").read_text(encoding="utf-8")


def validate_graph(graph_path: Path) -> list[Violation]:
    """Violations of the contract's shapes in a built graph (.trig or .ttl); empty when it conforms.

    Raises:
        InputError: the graph is missing or is not RDF.
    """
    from pyshacl import validate
    from rdflib import Graph

    if not graph_path.is_file():
        raise InputError(f"{graph_path} does not exist. Build the graph first: kg build")
    data = Graph(store="Oxigraph")
    try:
        if graph_path.suffix == ".trig":
            from rdflib import Dataset
            ds = Dataset(store="Oxigraph")
            ds.parse(graph_path, format="ox-trig")
            for s, p, o, _ in ds.quads((None, None, None, None)):
                data.add((s, p, o))
        else:
            data.parse(graph_path, format="ox-turtle")
    except (SyntaxError, ValueError) as exc:
        raise InputError(f"{graph_path} cannot be read as RDF: {exc}") from None
    memory = Graph()
    for triple in data:
        memory.add(triple)
    shapes = Graph().parse(data=shapes_text(), format="turtle")
    _conforms, report, _text = validate(memory, shacl_graph=shapes, inference="none", advanced=False,
                                        allow_warnings=False)
    return _violations(report, shapes)


def _violations(report, shapes) -> list[Violation]:
    from rdflib import Namespace, URIRef

    sh = Namespace(SH)
    out = []
    for result in report.subjects(URIRef(SH + "resultSeverity"), None):
        focus = report.value(result, sh.focusNode)
        path = report.value(result, sh.resultPath)
        shape = report.value(result, sh.sourceShape)
        component = report.value(result, sh.sourceConstraintComponent)
        message = report.value(result, sh.resultMessage) or component
        # a blank-node property shape is named by its node shape
        parent = next(shapes.subjects(sh.property, shape), None) if shape is not None else None
        shape_name = str(parent if parent is not None and not isinstance(shape, URIRef) else shape)
        out.append(Violation(str(focus), str(path) if path is not None else "",
                             f"{_short(shape_name)} {_short(str(component))}", str(message)))
    return sorted(out, key=lambda v: (v.focus, v.path, v.shape))


def _short(iri: str) -> str:
    for prefix, ns in (("kgs:", "https://w3id.org/policy-kg/shapes#"), ("sh:", SH)):
        if iri.startswith(ns):
            return prefix + iri[len(ns):]
    return iri
