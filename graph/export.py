"""Exports of the whole graph (union of named graphs) in RDF syntaxes other tools read."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import pyoxigraph
from pyoxigraph import RdfFormat, Triple

from graph.namespaces import PREFIXES
from graph.store import Store
from graph.validation import to_rdflib


class ExportFormat(StrEnum):
    """Formats ``aims export`` writes."""

    TURTLE = "ttl"
    NTRIPLES = "nt"
    JSONLD = "jsonld"
    NQUADS = "nq"


def union_triples(store: Store) -> list[Triple]:
    """Every triple of every named graph, deduplicated, in a stable order."""
    return sorted({q.triple for q in store.quads()}, key=str)


def jsonld_context() -> dict[str, str]:
    """The JSON-LD context: our prefixes, so keys read ``skos:prefLabel`` rather than full IRIs."""
    return dict(PREFIXES)


def export(store: Store, fmt: ExportFormat, out: Path) -> int:
    """Write the graph to ``out`` in ``fmt``; returns the number of triples (quads for ``nq``) written."""
    if fmt is ExportFormat.NQUADS:
        quads = list(store.quads())
        pyoxigraph.serialize(quads, output=str(out), format=RdfFormat.N_QUADS)
        return len(quads)
    triples = union_triples(store)
    if fmt is ExportFormat.TURTLE:
        pyoxigraph.serialize(triples, output=str(out), format=RdfFormat.TURTLE, prefixes=PREFIXES)
    elif fmt is ExportFormat.NTRIPLES:
        pyoxigraph.serialize(triples, output=str(out), format=RdfFormat.N_TRIPLES)
    else:
        doc = to_rdflib(triples).serialize(format="json-ld", context=jsonld_context(), indent=1)
        out.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return len(triples)
