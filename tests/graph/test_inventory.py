"""Inventory import: good files load; every kind of bad file names file, line and field and writes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graph.compliance.decisions import DecisionRequest, record
from graph.compliance.organisation import ai_systems
from graph.ingest.load import OntologyLayout
from graph.ingest.rdf_files import read_triples
from graph.ingest.shacl import shacl_violations
from graph.inventory.importer import InventoryError, import_inventory
from graph.inventory.located_yaml import SourceError
from graph.namespaces import GRAPH_DECISIONS, GRAPH_INVENTORY
from graph.store.embedded import OxigraphStore
from tests.conftest import EXAMPLE_INVENTORY, example_store

GOOD_SYSTEM = """
systems:
  - name: Bot
    purpose: Answers questions.
    role: [deployer]
"""


def do_import(store: OxigraphStore, layout: OntologyLayout, path: Path) -> None:
    import_inventory(path, store, read_triples(layout.vocabulary), layout.shapes)


def test_example_organisation_loads(layout: OntologyLayout) -> None:
    store = example_store(layout)
    names = [s.name for s in ai_systems(store)]
    assert len(names) == 6 and "Support chatbot" in names and "CV screening model" in names
    chatbot = next(s for s in ai_systems(store) if s.name == "Support chatbot")
    assert set(chatbot.facts) == {"customerFacing", "processesPersonalData", "usesThirdPartyModel"}
    assert "support bot" in chatbot.aliases


def test_imported_inventory_conforms_to_the_shapes(layout: OntologyLayout) -> None:
    store = example_store(layout)
    data = [q.triple for q in store.quads(GRAPH_INVENTORY)] + [q.triple for q in store.quads()]
    assert shacl_violations(data, read_triples(layout.vocabulary), layout.shapes) == []


def test_csv_inventory_loads(layout: OntologyLayout, loaded_store: OxigraphStore, tmp_path: Path) -> None:
    store = example_store(layout)
    path = tmp_path / "inventory.csv"
    path.write_text(
        "kind,name,purpose,role,customer_facing,aliases\n"
        "systems,Claims triage,Routes insurance claims,deployer;user,true,triage bot;claims bot\n",
        encoding="utf-8",
    )
    do_import(store, layout, path)
    [system] = ai_systems(store)
    assert system.name == "Claims triage" and system.roles == ("deployer", "user")
    assert system.aliases == ("claims bot", "triage bot")


BAD_FILES = {
    "unknown field": (GOOD_SYSTEM + "    colour: blue\n", 6, "systems[1] (Bot).colour: unknown field"),
    "wrong type": (GOOD_SYSTEM + "    customer_facing: maybe\n", 6, "expected true or false, got 'maybe'"),
    "unknown control": (
        GOOD_SYSTEM + "risks:\n  - id: R-1\n    title: t\n    description: d\n    controls: [A.6.2.9]\n",
        10,
        "'A.6.2.9' is not an Annex A control",
    ),
    "dangling reference": (
        GOOD_SYSTEM + "    models: [Ghost]\n",
        6,
        "refers to model 'Ghost', which the file does not define",
    ),
    "duplicate name": (
        GOOD_SYSTEM + "  - name: bot\n    purpose: again\n    role: user\n",
        6,
        "duplicate name; first defined on line 3",
    ),
    "malformed yaml": ("systems:\n  - name: [unclosed\n    purpose: x\n", 3, "malformed YAML"),
    "missing required": ("systems:\n  - name: Bot\n", 2, "systems[1] (Bot).purpose: required field is missing"),
    "bad date": (
        GOOD_SYSTEM + "evidence:\n  - title: E\n    valid_until: 31/12/2026\n",
        8,
        "expected a date YYYY-MM-DD, got '31/12/2026'",
    ),
    "bad level": (
        GOOD_SYSTEM + "risks:\n  - id: R-1\n    title: t\n    description: d\n    likelihood: 9\n",
        10,
        "from 1 to 5",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_names_file_line_field_and_writes_nothing(layout: OntologyLayout, tmp_path: Path, case: str) -> None:
    store = example_store(layout)
    before = set(store.quads())
    text, line, message = BAD_FILES[case]
    path = tmp_path / "inventory.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises((InventoryError, SourceError)) as raised:
        do_import(store, layout, path)
    problems = raised.value.problems if isinstance(raised.value, InventoryError) else [str(raised.value)]
    assert any(p.startswith(f"{path}:{line}:") and message in p for p in problems), problems
    assert set(store.quads()) == before


def test_reimport_replaces_inventory_and_keeps_decisions(layout: OntologyLayout, tmp_path: Path) -> None:
    store = example_store(layout)
    request = DecisionRequest("A.10.3", "Support chatbot", "applicable", "risk-treatment", "Vendor LLM behind it", "U1")
    record(store, request, now=dt.datetime(2026, 7, 1, tzinfo=dt.UTC))
    decisions_before = set(store.quads(GRAPH_DECISIONS))
    path = tmp_path / "small.yaml"
    path.write_text(GOOD_SYSTEM, encoding="utf-8")
    do_import(store, layout, path)
    assert [s.name for s in ai_systems(store)] == ["Bot"]
    assert set(store.quads(GRAPH_DECISIONS)) == decisions_before
    do_import(store, layout, EXAMPLE_INVENTORY)
    assert len(ai_systems(store)) == 6
