"""Risk criteria, residual ratings and treatment actions in the inventory: what a good file writes, and what a
bad one is refused for (file, line and field; nothing written)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.compliance.risk_criteria import risk_criteria
from graph.compliance.risk_register import risk_register, treatment_actions
from graph.ingest.load import OntologyLayout
from graph.ingest.rdf_files import read_triples
from graph.ingest.shacl import shacl_violations
from graph.inventory.importer import InventoryError, import_inventory
from graph.namespaces import GRAPH_INVENTORY, RISK_CRITERIA
from graph.store import text
from graph.store.embedded import OxigraphStore
from tests.graph.example_copy import copy_of_example

PEOPLE = """
people:
  - name: Ana Lima
    role: Chief Risk Officer
  - name: Ben Ode
"""
SYSTEM = """
systems:
  - name: Loan bot
    purpose: Answers loan questions.
    role: [deployer]
"""
RISK = """
risks:
  - id: R-1
    title: Wrong answers
    description: The bot states a wrong rate.
    systems: [Loan bot]
    likelihood: 4
    impact: 4
    owner: Ben Ode
    treatment: Rates come from the pricing service.
    residual_likelihood: 2
    residual_impact: 3
"""
CRITERIA = """
risk_criteria:
  likelihood_scale: [seldom, sometimes, often, usually, always]
  impact_scale: [trivial, small, notable, grave, ruinous]
  treatment_required_at: 10
  may_accept: [Ana Lima]
"""
ACTIONS = """
treatment_actions:
  - id: A-1
    risk: R-1
    action: Wire answers about rates to the pricing service.
    owner: Ben Ode
    due: 2026-10-01
    status: in-progress
  - id: A-2
    risk: R-1
    action: Sample ten answers a week.
"""
GOOD = PEOPLE + SYSTEM + RISK + CRITERIA + ACTIONS


@pytest.fixture
def store() -> OxigraphStore:
    return copy_of_example(reference_only=True)


def _import(store: OxigraphStore, layout: OntologyLayout, tmp_path: Path, text: str, name: str = "org.yaml") -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    import_inventory(path, store, read_triples(layout.vocabulary), layout.shapes)


def _refused(store: OxigraphStore, layout: OntologyLayout, tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(InventoryError) as refused:
        _import(store, layout, tmp_path, text)
    return refused.value.problems


def test_criteria_residual_ratings_and_actions_are_written_and_conform(
    store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    _import(store, layout, tmp_path, GOOD)
    criteria = risk_criteria(store)
    assert criteria.given and criteria.treatment_required_at == 10
    assert criteria.may_accept == ("Ana Lima",) and criteria.likelihood_scale[2] == "often"
    assert criteria.impact_word(5) == "ruinous" and criteria.iri == RISK_CRITERIA
    [risk] = risk_register(store)
    assert (risk.level, risk.residual_level, risk.current_level) == (16, 6, 6)
    assert store.ask("ASK { ?r <https://w3id.org/aims-graph/ontology#residualLevel> 6 }")
    first, second = treatment_actions(store)
    assert (first.id, first.status, first.due, first.owner, first.ended) == (
        "A-1",
        "in progress",
        "2026-10-01",
        "Ben Ode",
        False,
    )
    assert second.status == "planned" and not second.due  # no status given: planned
    assert [a.id for a in risk.actions] == ["A-1", "A-2"]
    data = [q.triple for q in store.quads(GRAPH_INVENTORY)]
    context = [q.triple for q in store.quads()]
    assert shacl_violations(data + context, read_triples(layout.vocabulary), layout.shapes) == []


def test_without_a_criteria_section_the_default_appetite_is_in_the_graph_and_nobody_may_accept(
    store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    _import(store, layout, tmp_path, SYSTEM + RISK)
    criteria = risk_criteria(store)
    assert (criteria.given, criteria.treatment_required_at, criteria.may_accept) == (False, 12, ())
    assert "default" in criteria.appetite_text() and "nobody" in criteria.who_may_accept()
    label = store.select(f"SELECT ?l WHERE {{ <{RISK_CRITERIA}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}")
    assert "the inventory gives none" in text(label[0]["l"])


BAD = {
    "residual above inherent": (
        RISK.replace("residual_likelihood: 2", "residual_likelihood: 5").replace("impact: 3", "impact: 4"),
        "risks[1] (R-1).residual_likelihood: residual level 5 x 4 = 20 is above the level before treatment "
        "(4 x 4 = 16)",
    ),
    "only one residual number": (
        RISK.replace("    residual_impact: 3\n", ""),
        "risks[1] (R-1).residual_impact: missing: a residual rating needs both",
    ),
    "residual without a rating before treatment": (
        RISK.replace("    likelihood: 4\n", ""),
        "risks[1] (R-1).residual_likelihood: a residual rating needs the rating before treatment",
    ),
    "residual out of range": (
        RISK.replace("residual_impact: 3", "residual_impact: 6"),
        "risks[1] (R-1).residual_impact: expected a whole number from 1 to 5, got 6",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_residual_rating_is_refused_with_its_line(
    case: str, store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    risks, message = BAD[case]
    problems = _refused(store, layout, tmp_path, PEOPLE + SYSTEM + risks)
    assert any(message in p for p in problems), problems
    assert all(p.startswith(str(tmp_path / "org.yaml") + ":") for p in problems)


def test_a_residual_above_the_level_before_treatment_names_the_residual_line(
    store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    text = PEOPLE + SYSTEM + RISK.replace("residual_likelihood: 2", "residual_likelihood: 5")
    text = text.replace("residual_impact: 3", "residual_impact: 4")
    [problem] = _refused(store, layout, tmp_path, text)
    line = text.splitlines().index("    residual_likelihood: 5") + 1
    assert problem.startswith(f"{tmp_path / 'org.yaml'}:{line}: ")


CRITERIA_AND_ACTION_ERRORS = {
    "scale of four": (
        CRITERIA.replace("[seldom, sometimes, often, usually, always]", "[seldom, sometimes, often, usually]"),
        "risk_criteria[1].likelihood_scale: expected 5 labels, one per level from 1 (lowest) to 5, got 4",
    ),
    "repeated label": (
        CRITERIA.replace("[trivial, small, notable, grave, ruinous]", "[trivial, small, Small, grave, ruinous]"),
        "risk_criteria[1].impact_scale: each level needs its own label; 'Small', 'small' repeats",
    ),
    "threshold out of range": (
        CRITERIA.replace("treatment_required_at: 10", "treatment_required_at: 30"),
        "risk_criteria[1].treatment_required_at: expected a risk level, a whole number from 1 to 25, got 30",
    ),
    "threshold missing": (
        CRITERIA.replace("  treatment_required_at: 10\n", ""),
        "risk_criteria[1].treatment_required_at: required field is missing",
    ),
    "unlisted accepter": (
        CRITERIA.replace("[Ana Lima]", "[Ana Lima, Zed Zero]"),
        "risk_criteria[1].may_accept: names 'Zed Zero', who is not in the people section",
    ),
    "action on an unknown risk": (
        ACTIONS.replace("risk: R-1\n    action: Wire", "risk: R-9\n    action: Wire"),
        "treatment_actions[1] (A-1).risk: refers to risk 'R-9', which the file does not define",
    ),
    "action owned by an unlisted person": (
        ACTIONS.replace("owner: Ben Ode", "owner: Bea Odd"),
        "treatment_actions[1] (A-1).owner: names 'Bea Odd', who is not in the people section",
    ),
    "unknown action status": (
        ACTIONS.replace("status: in-progress", "status: half-done"),
        "treatment_actions[1] (A-1).status: unknown Treatment action status 'half-done'; expected one of "
        "planned, in-progress, done, cancelled",
    ),
    "bad due date": (
        ACTIONS.replace("due: 2026-10-01", "due: next week"),
        "treatment_actions[1] (A-1).due: expected a date YYYY-MM-DD, got 'next week'",
    ),
    "action without what it does": (
        ACTIONS.replace("    action: Sample ten answers a week.\n", ""),
        "treatment_actions[2] (A-2).action: required field is missing",
    ),
}


@pytest.mark.parametrize("case", sorted(CRITERIA_AND_ACTION_ERRORS))
def test_bad_criteria_and_actions_are_refused_and_nothing_is_written(
    case: str, store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    _import(store, layout, tmp_path, GOOD, "before.yaml")
    before = sorted(str(q) for q in store.quads(GRAPH_INVENTORY))
    section, message = CRITERIA_AND_ACTION_ERRORS[case]
    text = PEOPLE + SYSTEM + RISK + (section if "risk_criteria" in section else CRITERIA)
    text += section if "treatment_actions" in section else ACTIONS
    problems = _refused(store, layout, tmp_path, text)
    assert any(message in p for p in problems), problems
    assert sorted(str(q) for q in store.quads(GRAPH_INVENTORY)) == before  # all or nothing


def test_a_csv_inventory_gives_its_criteria_as_one_row(
    store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    head = "kind,name,purpose,role,likelihood_scale,impact_scale,treatment_required_at,may_accept\n"
    criteria = "risk_criteria,,,,a;b;c;d;e,v;w;x;y;z,9,Ana Lima;Ben Ode\n"
    rows = head + "people,Ana Lima,,,,,,\npeople,Ben Ode,,,,,,\n" + criteria
    _import(store, layout, tmp_path, rows, "org.csv")
    criteria_read = risk_criteria(store)
    assert criteria_read.treatment_required_at == 9 and criteria_read.may_accept == ("Ana Lima", "Ben Ode")
    assert criteria_read.likelihood_scale == ("a", "b", "c", "d", "e")
    path = tmp_path / "twice.csv"
    path.write_text(rows + criteria, encoding="utf-8")
    with pytest.raises(InventoryError) as refused:
        import_inventory(path, store, read_triples(layout.vocabulary), layout.shapes)
    assert refused.value.problems == [f"{path}:5: risk_criteria: given twice; keep one row (the first is line 4)"]
