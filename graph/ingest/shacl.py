"""SHACL validation (pyshacl) of RDF against ``ontology/shapes.ttl``, reported as plain violations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
import rdflib
from pyoxigraph import RdfFormat, Triple
from pyshacl import validate as shacl_validate
from rdflib.namespace import SH

from graph.namespaces import compact


@dataclass(frozen=True)
class Violation:
    """One problem found in the data: the node, the property (if any) and what to do about it."""

    focus: str
    path: str | None
    message: str

    def render(self) -> str:
        """``iso:A.6.2.8 skos:definition: needs ...`` with IRIs shortened by our prefixes."""
        where = compact(self.focus) + (f" {compact(self.path)}" if self.path else "")
        return f"{where}: {self.message}"


def to_rdflib(triples: Iterable[Triple]) -> rdflib.Graph:
    """Copy pyoxigraph triples into an rdflib graph (via N-Triples, which both speak exactly)."""
    graph = rdflib.Graph()
    data = pyoxigraph.serialize(list(triples), format=RdfFormat.N_TRIPLES)
    if data:
        graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def shacl_violations(data: Iterable[Triple], vocabulary: Iterable[Triple], shapes: Path) -> list[Violation]:
    """Validate ``data`` against the shapes, with the vocabulary mixed in for class hierarchy."""
    shapes_graph = rdflib.Graph().parse(shapes, format="turtle")
    # The vocabulary goes into the data graph itself so sh:class sees the roles, stages and subclasses.
    _, results, _ = shacl_validate(
        to_rdflib([*data, *vocabulary]),
        shacl_graph=shapes_graph,
        inference="none",
        allow_warnings=True,
    )
    assert isinstance(results, rdflib.Graph)
    found: list[Violation] = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        text = str(message) if message is not None else "does not conform"
        if value is not None and not isinstance(value, rdflib.BNode):
            text += f" (found: {compact(str(value))})"
        found.append(Violation(str(focus), str(path) if isinstance(path, rdflib.URIRef) else None, text))
    return sorted(found, key=lambda v: (v.focus, v.path or "", v.message))
