"""GraphML, GEXF, CSV and OSCAL exports are read back by their consumers (networkx, csv, trestle)."""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pytest

from graph.ingest.crosswalks import read_rows
from graph.ingest.load import OntologyLayout
from graph.namespaces import ISO
from graph.publish.export import ExportFormat, export
from graph.publish.network import connections, neighbourhood, to_networkx
from graph.store.embedded import OxigraphStore
from tests.conftest import example_store


@pytest.fixture(scope="module")
def org(layout: OntologyLayout) -> OxigraphStore:
    store: OxigraphStore = example_store(layout)
    return store


@pytest.mark.parametrize(
    ("fmt", "reader"), [(ExportFormat.GRAPHML, nx.read_graphml), (ExportFormat.GEXF, nx.read_gexf)]
)
def test_graph_exports_read_back_with_the_same_counts(
    org: OxigraphStore, tmp_path: Path, fmt: ExportFormat, reader: object
) -> None:
    target = tmp_path / f"graph.{fmt.value}"
    written = export(org, fmt, target)
    expected = to_networkx(org)
    back = reader(target)  # type: ignore[operator]
    assert written == back.number_of_nodes() == expected.number_of_nodes()
    assert back.number_of_edges() == expected.number_of_edges()
    node = back.nodes[ISO + "A.6.2.8"]
    assert node["label"] == "AI system recording of event logs" and node["type"] == "aims:Control"


def test_csv_export_is_the_organisation_soa(org: OxigraphStore, tmp_path: Path) -> None:
    target = tmp_path / "soa.csv"
    assert export(org, ExportFormat.CSV, target) == 38
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert len(rows) == 38 and rows[0]["scope"] == "organisation"


def test_oscal_catalog_loads_in_trestle(org: OxigraphStore, tmp_path: Path) -> None:
    from trestle.oscal.catalog import Catalog

    target = tmp_path / "catalog.json"
    assert export(org, ExportFormat.OSCAL, target) == 38
    catalog = Catalog.oscal_read(target)
    assert isinstance(catalog, Catalog) and catalog.groups is not None
    text = target.read_text(encoding="utf-8")
    assert '"id": "a.6.2.8"' in text and '"title": "AI system recording of event logs"' in text
    assert "not the standard's text" in text


def test_oscal_mapping_collection_loads_in_trestle(org: OxigraphStore, tmp_path: Path) -> None:
    from trestle.oscal.mapping import MappingCollection

    target = tmp_path / "mapping.json"
    assert export(org, ExportFormat.OSCAL_MAPPING, target) == len(read_rows())
    collection = MappingCollection.oscal_read(target)
    assert isinstance(collection, MappingCollection) and isinstance(collection.mappings, list)
    assert len(collection.mappings) == 3
    assert "Licence: MIT" in target.read_text(encoding="utf-8")


def test_path_explanation_to_the_eu_ai_act(org: OxigraphStore) -> None:
    graph = to_networkx(org)
    paths = connections(graph, "A.5.2", "eu-ai-act")
    assert paths[0][0] == "AI system impact assessment process"
    assert any("Art. 27" in step for path in paths for step in path)
    assert connections(graph, "A.99", "eu-ai-act") == []
    around = neighbourhood(graph, ISO + "A.6.2.8", depth=1)
    assert ISO + "A.6.2" in around and around.number_of_nodes() < graph.number_of_nodes()
