"""The gap's risk lines: the appetite from the risk criteria, risks above it nobody accepted, overdue actions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graph.compliance import risk_acceptance
from graph.compliance.digest import weekly_digest
from graph.compliance.gap import gap_analysis
from graph.compliance.gap_lines import GapItem
from graph.compliance.risk_acceptance import AcceptanceRequest
from graph.ingest.load import OntologyLayout
from graph.ingest.rdf_files import read_triples
from graph.inventory.importer import import_inventory
from graph.store.embedded import OxigraphStore
from tests.conftest import EXAMPLE_INVENTORY
from tests.graph.example_copy import copy_of_example

TODAY = dt.date(2026, 12, 3)
ABOVE = "risk above appetite not accepted"
OVERDUE = "overdue treatment action"


@pytest.fixture
def store() -> OxigraphStore:
    return copy_of_example()


def _lines(items: list[GapItem], kind: str) -> dict[str, GapItem]:
    return {g.subject.split(" ", 1)[0]: g for g in items if g.kind == kind}


def _reimport(store: OxigraphStore, layout: OntologyLayout, tmp_path: Path, *changes: tuple[str, str]) -> None:
    text = EXAMPLE_INVENTORY.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "changed.yaml"
    path.write_text(text, encoding="utf-8")
    import_inventory(path, store, read_triples(layout.vocabulary), layout.shapes)


def _accept(store: OxigraphStore, risk: str) -> None:
    why = "Accepted by the risk committee pending the next review."
    risk_acceptance.record(store, AcceptanceRequest(risk, "Helena Marsh", why, "U-CRO"), today=TODAY)


# R-001's residual rating in the example (2 x 4 = 8) and a re-rating that leaves it at the appetite (3 x 4).
RESIDUAL = "    residual_likelihood: 2\n    residual_impact: 4"
STILL_HIGH = "    residual_likelihood: 3\n    residual_impact: 4"


def test_untreated_risks_are_judged_by_the_criteria_appetite_and_say_how_to_accept(store: OxigraphStore) -> None:
    untreated = _lines(gap_analysis(store, TODAY), "untreated risk")
    assert set(untreated) == {"R-002", "R-004", "R-006"}
    r002 = untreated["R-002"]
    assert r002.reason == (
        "risk level 15 (likelihood x impact) has no treatment; at or above the appetite, level 12 (risk criteria); "
        "affects CV screening model"
    )
    assert r002.score == 15 + 10 + 10  # level, the high tier, above the appetite
    assert "aims accept-risk R-002 --accepter NAME" in r002.next_step


def test_a_stricter_or_looser_appetite_moves_the_lines(
    store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    _reimport(store, layout, tmp_path, ("treatment_required_at: 12", "treatment_required_at: 16"))
    r002 = _lines(gap_analysis(store, TODAY), "untreated risk")["R-002"]
    assert r002.score == 15 + 10 and "appetite" not in r002.reason
    _reimport(store, layout, tmp_path, ("treatment_required_at: 12", "treatment_required_at: 6"))
    r001 = _lines(gap_analysis(store, TODAY), ABOVE)["R-001"]  # treated, residual 8: above a stricter appetite
    assert "residual level 2 x 4 = 8 after treatment (before: 3 x 4 = 12)" in r001.reason
    assert "level 6 (risk criteria)" in r001.reason


def test_without_criteria_the_default_appetite_says_it_is_the_default(
    store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    text = EXAMPLE_INVENTORY.read_text(encoding="utf-8")
    start, end = text.index("risk_criteria:"), text.index("suppliers:")
    _reimport(store, layout, tmp_path, (text[start:end], ""))
    r002 = _lines(gap_analysis(store, TODAY), "untreated risk")["R-002"]
    assert "level 12 (default: no risk_criteria in the inventory)" in r002.reason


def test_an_overdue_action_is_a_line_with_its_owner_and_due_date_and_finished_ones_are_not(
    store: OxigraphStore,
) -> None:
    overdue = _lines(gap_analysis(store, TODAY), OVERDUE)
    assert set(overdue) == {"TA-02"}  # TA-01 and TA-03 are done, TA-04 is due in 2027
    line = overdue["TA-02"]
    assert (line.owner, line.due, line.score) == ("Priya Natarajan", "2026-10-31", 10 + 8 + 4)
    assert line.reason.startswith("in progress, due 2026-10-31 (33 day(s) ago); treats R-001 ")
    assert "set its status to done" in line.next_step
    assert "TA-02" in _lines(gap_analysis(store, TODAY, "support bot"), OVERDUE)
    assert not _lines(gap_analysis(store, TODAY, "CV screening model"), OVERDUE)
    assert not _lines(gap_analysis(store, dt.date(2026, 10, 31), None), OVERDUE)  # due that day: not yet late


def test_accepting_an_untreated_risk_takes_its_line_off_the_roadmap(store: OxigraphStore) -> None:
    _accept(store, "R-002")
    items = gap_analysis(store, TODAY)
    assert "R-002" not in _lines(items, "untreated risk") and "R-002" not in _lines(items, ABOVE)
    assert {"R-004", "R-006"} <= set(_lines(items, "untreated risk"))


def test_a_treated_risk_still_above_the_appetite_needs_an_acceptance_that_holds(
    store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    _accept(store, "R-001")  # at its residual level 8
    _reimport(store, layout, tmp_path, (RESIDUAL, STILL_HIGH))
    line = _lines(gap_analysis(store, TODAY), ABOVE)["R-001"]
    assert line.reason.startswith(
        "treated, but residual level 3 x 4 = 12 after treatment (before: 3 x 4 = 12) is at or above the appetite, "
        "level 12 (risk criteria); its acceptance at level 8 lapsed when the level rose"
    )
    assert (line.owner, line.score, line.risk_level) == ("Priya Natarajan", 12 + 4 + 10, 12)
    assert "aims accept-risk R-001" in line.next_step
    assert "R-001" in _lines(gap_analysis(store, TODAY, "Support chatbot"), ABOVE)
    _accept(store, "R-001")  # accepted again, at 12
    assert "R-001" not in _lines(gap_analysis(store, TODAY), ABOVE)


def test_the_weekly_digest_lists_an_overdue_action_among_what_is_overdue(store: OxigraphStore) -> None:
    overdue = weekly_digest(store, TODAY).overdue
    [line] = [line for line in overdue if line.startswith("TA-02 Review a weekly sample")]
    assert line.endswith("(owner Priya Natarajan)")
