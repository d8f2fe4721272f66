"""Exports parse back, with rdflib, to a graph isomorphic to the store's content."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from graph.ingest.shacl import to_rdflib
from graph.publish.export import ExportFormat, export, union_triples
from graph.store.embedded import OxigraphStore

RDFLIB_FORMATS = {ExportFormat.TURTLE: "turtle", ExportFormat.NTRIPLES: "nt", ExportFormat.JSONLD: "json-ld"}


@pytest.mark.parametrize("fmt", list(RDFLIB_FORMATS))
def test_export_round_trips(loaded_store: OxigraphStore, tmp_path: Path, fmt: ExportFormat) -> None:
    target = tmp_path / f"graph.{fmt.value}"
    written = export(loaded_store, fmt, target)
    expected = to_rdflib(union_triples(loaded_store))
    parsed = rdflib.Graph().parse(target, format=RDFLIB_FORMATS[fmt])
    assert written == len(expected) == len(parsed)
    assert isomorphic(parsed, expected)


def test_nquads_keeps_named_graphs(loaded_store: OxigraphStore, tmp_path: Path) -> None:
    target = tmp_path / "graph.nq"
    export(loaded_store, ExportFormat.NQUADS, target)
    dataset = rdflib.Dataset()
    dataset.parse(target, format="nquads")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert set(loaded_store.graph_names()) <= names
