"""Loading is idempotent, checks everything before writing, and leaves the store whole on bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from graph.ingest.load import OntologyLayout, ValidationFailedError, load_reference
from graph.ingest.rdf_files import RdfFileError
from graph.namespaces import GRAPH_DECISIONS, GRAPH_STANDARD
from graph.store.embedded import OxigraphStore


def copy_ontology(layout: OntologyLayout, tmp_path: Path) -> OntologyLayout:
    target = tmp_path / "ontology"
    shutil.copytree(layout.root, target)
    return OntologyLayout(target)


def test_loading_twice_gives_the_same_triples(layout: OntologyLayout) -> None:
    store = OxigraphStore(None)
    first = load_reference(store, layout)
    before = set(store.quads())
    second = load_reference(store, layout)
    assert first.graphs == second.graphs
    assert set(store.quads()) == before
    assert store.count() == first.total > 5000


def test_reload_keeps_other_graphs(layout: OntologyLayout) -> None:
    store = OxigraphStore(None)
    load_reference(store, layout)
    decision = Triple(NamedNode("urn:d1"), NamedNode("urn:p"), Literal("kept"))
    store.insert(GRAPH_DECISIONS, [decision])
    load_reference(store, layout)
    assert [q.triple for q in store.quads(GRAPH_DECISIONS)] == [decision]


def test_syntax_error_names_file_and_line_and_writes_nothing(layout: OntologyLayout, tmp_path: Path) -> None:
    broken = copy_ontology(layout, tmp_path)
    target = broken.root / "iso42001" / "annex-a-6.ttl"
    lines = target.read_text(encoding="utf-8").splitlines()
    bad_line = next(i for i, line in enumerate(lines) if "skos:definition" in line)
    lines[bad_line] = lines[bad_line].replace('"@en ;', "@en ;", 1)  # unterminated string
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")

    store = OxigraphStore(None)
    load_reference(store, layout)
    before = set(store.quads())
    with pytest.raises(RdfFileError) as raised:
        load_reference(store, broken)
    message = str(raised.value)
    assert message.startswith(f"{target}:")
    line_number = int(message.split(":")[1])
    assert bad_line + 1 <= line_number <= bad_line + 3
    assert set(store.quads()) == before


def test_wrong_title_is_refused_before_writing(layout: OntologyLayout, tmp_path: Path) -> None:
    broken = copy_ontology(layout, tmp_path)
    target = broken.root / "iso42001" / "annex-a-6.ttl"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace('"AI system recording of event logs"@en', '"Event logging"@en'), encoding="utf-8")
    store = OxigraphStore(None)
    with pytest.raises(ValidationFailedError) as raised:
        load_reference(store, broken)
    rendered = [v.render() for v in raised.value.violations]
    assert any("iso:A.6.2.8" in r and "AI system recording of event logs" in r for r in rendered)
    assert store.count() == 0


def test_invented_control_is_refused(layout: OntologyLayout, tmp_path: Path) -> None:
    broken = copy_ontology(layout, tmp_path)
    (broken.root / "iso42001" / "extra.ttl").write_text(
        "@prefix iso: <https://w3id.org/aims-graph/iso42001/2023/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        'iso:A.11.2 skos:notation "A.11.2" ; skos:prefLabel "Made up"@en .\n',
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailedError) as raised:
        load_reference(OxigraphStore(None), broken)
    assert any("'A.11.2' is not an id" in v.message for v in raised.value.violations)


def test_on_disk_store_persists_and_refuses_a_second_opener(layout: OntologyLayout, tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = OxigraphStore(path)
    report = load_reference(store, layout)
    from graph.store import StoreError

    with pytest.raises(StoreError, match="open in another process"):
        OxigraphStore(path)
    store.close()
    del store
    reopened = OxigraphStore(path)
    assert reopened.count() == report.total
    assert reopened.count(GRAPH_STANDARD) == report.graphs[GRAPH_STANDARD]
