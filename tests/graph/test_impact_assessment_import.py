"""Impact assessments in the inventory file: checked like every record, written as revisions, never deleted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Triple

from graph.compliance import impact_assessments
from graph.compliance.assessment_status import assessment_status
from graph.ingest.load import OntologyLayout
from graph.ingest.rdf_files import read_triples
from graph.inventory.importer import InventoryError, import_inventory
from graph.namespaces import AIMS, GRAPH_ASSESSMENTS, GRAPH_INVENTORY, PROV
from graph.store import text
from graph.store.embedded import OxigraphStore
from tests.conftest import EXAMPLE_INVENTORY
from tests.graph.example_copy import copy_of_example

TODAY = dt.date(2026, 12, 3)
EXAMPLE = EXAMPLE_INVENTORY.read_text(encoding="utf-8")


def _import(store: Any, layout: OntologyLayout, path: Path) -> Any:
    return import_inventory(path, store, read_triples(layout.vocabulary), layout.shapes)


def _write(tmp_path: Path, text: str, name: str = "org.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _graph(store: Any, graph: str) -> set[Triple]:
    return {q.triple for q in store.quads(graph)}


@pytest.fixture
def store() -> OxigraphStore:
    return copy_of_example(reference_only=True)


def test_the_example_gives_five_assessments_as_revisions_attributed_to_the_import(
    store: OxigraphStore, layout: OntologyLayout
) -> None:
    report = _import(store, layout, EXAMPLE_INVENTORY)
    assert report.records["impact_assessments"] == 5 and report.records["impacts"] == 12
    assert report.assessment_revisions == 5
    chatbot = next(a for a in impact_assessments.in_force(store) if a.id == "IA-2026-01")
    assert chatbot.label == "IA-2026-01: impact assessment of Support chatbot"
    assert (chatbot.assessor, chatbot.approver, chatbot.date) == ("Priya Natarajan", "Compliance", "2026-05-12")
    assert chatbot.recorded_by == "inventory import" and chatbot.recorded_via == "import of kestrel-finance.yaml"
    assert chatbot.triggers == ("new-purpose", "new-user-group", "model-change")  # none listed: all of them
    harm = chatbot.harms[0]
    assert (harm.severity, harm.likelihood, harm.controls, harm.risks) == (4, 3, ("A.6.2.4", "A.8.2"), ("R-001",))
    assert len(chatbot.impacts) == 3 and chatbot.impacts[2].kind == "benefit"
    # The revisions live in their own graph, not in the inventory graph a re-import replaces.
    inventory_types = {text(t.object) for t in _graph(store, GRAPH_INVENTORY)}
    assert AIMS + "ImpactAssessment" not in inventory_types
    statuses = {s.system_name: s.status for s in assessment_status(store, TODAY)}
    assert statuses["CV screening model"] == "overdue" and statuses["Fraud scoring model"] == "missing"


def test_a_reimport_revises_only_what_changed_and_deletes_nothing(
    store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    _import(store, layout, EXAMPLE_INVENTORY)
    assert _import(store, layout, EXAMPLE_INVENTORY).assessment_revisions == 0  # unchanged: no revision
    first = {a.id: a for a in impact_assessments.in_force(store)}
    changed = EXAMPLE.replace("next_review: 2026-09-30", "next_review: 2027-03-31")
    # IA-2026-04 is dropped from the file (its block and its two impacts).
    start = changed.index("  - id: IA-2026-04")
    changed = changed[:start] + changed[changed.index("  - id: IA-2026-05") :]
    changed = changed.replace("  - assessment: IA-2026-04\n", "  - assessment: IA-2026-05\n")
    report = _import(store, layout, _write(tmp_path, changed))
    assert report.assessment_revisions == 2  # the CV screener's review date; IA-2026-05 gained two impacts
    history = impact_assessments.history(store, "ia-2026-02")
    assert [r.current for r in history] == [False, True]
    newer, older = history[1], history[0]
    assert newer.revises == older.iri and newer.next_review == "2027-03-31"
    triples = _graph(store, GRAPH_ASSESSMENTS)
    assert any(text(t.subject) == older.iri and t.predicate.value == AIMS + "supersededBy" for t in triples)
    assert any(text(t.subject) == newer.iri and t.predicate.value == PROV + "generatedAtTime" for t in triples)
    assert any(text(t.subject) == newer.iri and t.predicate.value == PROV + "wasGeneratedBy" for t in triples)
    # Dropped from the file, kept in the graph, still in force: records are never deleted.
    kept = impact_assessments.history(store, "IA-2026-04")
    assert [r.iri for r in kept] == [first["IA-2026-04"].iri] and kept[0].current


def test_csv_and_yaml_give_the_same_assessment(store: OxigraphStore, layout: OntologyLayout, tmp_path: Path) -> None:
    rows = [
        "kind,name,purpose,role,id,system,date,assessor,triggers,assessment,type,description,severity,controls,risks,"
        "title",
        "systems,Mail sorter,Routes incoming mail,deployer,,,,,,,,,,,,",
        "risks,,,,R-9,,,,,,,Misrouted complaints,,,,Complaints go astray",
        "impact_assessments,,,,IA-1,Mail sorter,2026-10-01,Ana Lopez,new-purpose;model-change,,,,,,,",
        "impacts,,,,,,,,,IA-1,harm,Complaints reach the wrong team,3,A.9.4;A.8.3,R-9,",
    ]
    report = _import(store, layout, _write(tmp_path, "\n".join(rows) + "\n", "org.csv"))
    assert report.assessment_revisions == 1
    [assessment] = impact_assessments.in_force(store)
    assert assessment.triggers == ("new-purpose", "model-change") and assessment.assessor == "Ana Lopez"
    [impact] = assessment.impacts
    assert (impact.kind, impact.severity, impact.controls, impact.risks) == ("harm", 3, ("A.8.3", "A.9.4"), ("R-9",))


BAD_FILES: Mapping[str, tuple[str, str, str]] = {
    "unknown field": (
        "    next_review: 2027-05-12\n",
        "    next_review: 2027-05-12\n    reviewer: Jonas Berg\n",
        "impact_assessments[1] (IA-2026-01).reviewer: unknown field",
    ),
    "bad date": (
        "    date: 2026-05-12\n",
        "    date: 12 May 2026\n",
        "impact_assessments[1] (IA-2026-01).date: expected a date",
    ),
    "dangling system": (
        "    system: Support chatbot\n",
        "    system: Support robot\n",
        "refers to system 'Support robot'",
    ),
    "dangling assessment": (
        "  - assessment: IA-2026-03\n",
        "  - assessment: IA-2026-99\n",
        "refers to impact assessment 'IA-2026-99'",
    ),
    "unknown trigger": (
        "    triggers: [new-purpose, model-change]\n",
        "    triggers: [new-purpose, new-regulation]\n",
        "unknown Reassessment trigger 'new-regulation'",
    ),
    "bad level": (
        "    severity: 4\n    likelihood: 3\n",
        "    severity: 7\n    likelihood: 3\n",
        ".severity: expected a whole",
    ),
    "unknown control": (
        "    controls: [A.10.3, A.9.2]\n    risks: [R-005]\n",
        "    controls: [A.10.3, A.9.20]\n    risks: [R-005]\n",
        "impacts[9].controls: 'A.9.20' is not an Annex A control",
    ),
    "unknown type": ("    type: benefit\n", "    type: upside\n", "unknown Kind of impact 'upside'"),
    "review before the assessment": (
        "    next_review: 2027-06-20\n",
        "    next_review: 2026-06-01\n",
        "impact_assessments[3] (IA-2026-03).next_review: 2026-06-01 is not after the assessment's date",
    ),
    "unlisted assessor": ("    assessor: Rui Costa\n", "    assessor: Rui Costas\n", "did you mean 'Rui Costa'?"),
    "missing description": (
        "    description: Proprietary code or secrets leave the company inside prompts.\n",
        "",
        "impacts[9].description: required field is missing",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES), ids=lambda c: c.replace(" ", "-"))
def test_each_error_names_file_line_and_field_and_writes_nothing(
    case: str, store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    _import(store, layout, EXAMPLE_INVENTORY)
    before = {g: _graph(store, g) for g in (GRAPH_INVENTORY, GRAPH_ASSESSMENTS)}
    old, new, expected = BAD_FILES[case]
    assert EXAMPLE.count(old) >= 1, case
    path = _write(tmp_path, EXAMPLE.replace(old, new, 1))
    with pytest.raises(InventoryError) as raised:
        _import(store, layout, path)
    problems = raised.value.problems
    assert any(expected in p and p.startswith(f"{path}:") for p in problems), problems
    assert {g: _graph(store, g) for g in before} == before  # nothing written, in either graph


def test_an_id_recorded_for_another_system_is_refused(
    store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    _import(store, layout, EXAMPLE_INVENTORY)
    moved = EXAMPLE.replace(
        "    system: Document OCR pipeline\n    date: 2026-06-20",
        "    system: Fraud scoring model\n    date: 2026-06-20",
    )
    with pytest.raises(InventoryError) as raised:
        _import(store, layout, _write(tmp_path, moved))
    [problem] = raised.value.problems
    assert "impact_assessments[3] (IA-2026-03).system: IA-2026-03 is recorded as an assessment of another" in problem
    assert "give this assessment a new id" in problem


class _FailingStore(OxigraphStore):
    """A store whose next graph replacement fails, as a full disk or a lost connection would."""

    def replace_graphs(self, graphs: Mapping[str, Iterable[Triple]]) -> None:
        self.asked = set(graphs)
        raise OSError("disk full")


def test_revisions_are_written_in_the_same_replacement_as_the_inventory(layout: OntologyLayout) -> None:
    store = _FailingStore(None)
    by_graph: dict[str, list[Triple]] = {}
    for quad in copy_of_example(reference_only=True).quads():
        by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)  # type: ignore[union-attr]
    for graph, triples in by_graph.items():
        store.insert(graph, triples)
    with pytest.raises(OSError):
        _import(store, layout, EXAMPLE_INVENTORY)
    assert store.asked >= {GRAPH_INVENTORY, GRAPH_ASSESSMENTS}  # one transaction for both
    assert store.count(GRAPH_ASSESSMENTS) == 0 and store.count(GRAPH_INVENTORY) == 0  # so nothing half-written
