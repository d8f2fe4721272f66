"""Exports of the whole graph (union of named graphs) in RDF syntaxes other tools read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

import pyoxigraph
from pyoxigraph import RdfFormat, Triple

from graph.ingest.shacl import to_rdflib
from graph.namespaces import PREFIXES
from graph.store import Store


class ExportFormat(StrEnum):
    """Formats ``aims export`` writes."""

    TURTLE = "ttl"
    NTRIPLES = "nt"
    JSONLD = "jsonld"
    NQUADS = "nq"
    GRAPHML = "graphml"
    GEXF = "gexf"
    CSV = "csv"
    OSCAL = "oscal"
    OSCAL_MAPPING = "oscal-mapping"
    OSCAL_COMPONENT = "oscal-component"


def union_triples(store: Store) -> list[Triple]:
    """Every triple of every named graph, deduplicated, in a stable order."""
    return sorted({q.triple for q in store.quads()}, key=str)


def jsonld_context() -> dict[str, str]:
    """The JSON-LD context: our prefixes, so keys read ``skos:prefLabel`` rather than full IRIs."""
    return dict(PREFIXES)


UNITS = {
    ExportFormat.NQUADS: "quads",
    ExportFormat.GRAPHML: "nodes",
    ExportFormat.GEXF: "nodes",
    ExportFormat.CSV: "controls",
    ExportFormat.OSCAL: "controls",
    ExportFormat.OSCAL_MAPPING: "maps",
    ExportFormat.OSCAL_COMPONENT: "implemented requirements",
}


def export(store: Store, fmt: ExportFormat, out: Path) -> int:
    """Write the graph to ``out`` in ``fmt``; returns how many of ``UNITS[fmt]`` (default triples) were written.

    N-Triples and N-Quads stream straight from the store; GraphML/GEXF go through networkx; CSV is the
    organisation's Statement of Applicability; OSCAL is the catalog, the mapping collection, or the component
    definition that carries the organisation's decisions and implementation.
    """
    if fmt in {ExportFormat.GRAPHML, ExportFormat.GEXF}:
        import networkx as nx

        from graph.publish.network import to_networkx

        graph = to_networkx(store)
        (nx.write_graphml if fmt is ExportFormat.GRAPHML else nx.write_gexf)(graph, out)
        return int(graph.number_of_nodes())
    if fmt is ExportFormat.CSV:
        import datetime as dt

        from graph.compliance.soa import soa_rollup
        from graph.publish.reports import soa_csv
        from graph.publish.soa_header import soa_header

        today = dt.date.today()
        rows = soa_rollup(store, today)
        out.write_text(soa_csv(rows, header=soa_header(store, None, today, rows)), encoding="utf-8")
        return len(rows)
    if fmt is ExportFormat.OSCAL:
        from graph.publish.oscal import catalog, count_controls

        document = catalog(store)
        out.write_bytes(document.oscal_serialize_json_bytes(pretty=True))
        return count_controls(document)
    if fmt is ExportFormat.OSCAL_MAPPING:
        from graph.publish.oscal import mapping_collection

        collection = mapping_collection(store)
        out.write_bytes(collection.oscal_serialize_json_bytes(pretty=True))
        return sum(len(m.maps) for m in collection.mappings) if isinstance(collection.mappings, list) else 0
    if fmt is ExportFormat.OSCAL_COMPONENT:
        from graph.publish.oscal_component import component_definition, count_requirements

        definition = component_definition(store)
        out.write_bytes(definition.oscal_serialize_json_bytes(pretty=True))
        return count_requirements(definition)
    if fmt is ExportFormat.NTRIPLES:
        written = 0

        def unique() -> Iterator[Triple]:
            nonlocal written
            seen: set[Triple] = set()
            for quad in store.quads():
                if quad.triple not in seen:
                    seen.add(quad.triple)
                    written += 1
                    yield quad.triple

        pyoxigraph.serialize(unique(), output=str(out), format=RdfFormat.N_TRIPLES)
        return written
    if fmt is ExportFormat.NQUADS:
        quads = list(store.quads())
        pyoxigraph.serialize(quads, output=str(out), format=RdfFormat.N_QUADS)
        return len(quads)
    triples = union_triples(store)
    if fmt is ExportFormat.TURTLE:
        pyoxigraph.serialize(triples, output=str(out), format=RdfFormat.TURTLE, prefixes=PREFIXES)
    else:
        doc = to_rdflib(triples).serialize(format="json-ld", context=jsonld_context(), indent=1)
        out.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return len(triples)
