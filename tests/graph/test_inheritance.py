"""An organisation-wide decision holds for every AI system without its own; a system's own decision overrides it.

On the example organisation, on the embedded store and on a real Oxigraph server: the per-system SoA (every
format), the roll-up and its tallies, the gap, the open-controls queries, the Home tab's progress and the
assistant's reads all follow the same rule (README, "Inheritance").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest

from graph.compliance.applicability import APPLICABLE, NOT_APPLICABLE, UNDECIDED, organisation_cells
from graph.compliance.decisions import DecisionRequest, record
from graph.compliance.gap import gap_analysis
from graph.compliance.organisation import ai_systems, current_decision, decided_controls
from graph.compliance.overview import overview
from graph.compliance.soa import (
    INHERITED,
    NO_DECISION,
    ORGANISATION_DECISION,
    OWN_DECISION,
    soa_for_system,
    soa_rollup,
    tally,
)
from graph.ingest.load import OntologyLayout
from graph.publish.reports import soa_csv, soa_json, soa_markdown
from graph.publish.soa_header import soa_header
from graph.queries.saved import run_saved_query
from graph.store import text
from tests.conftest import example_store

TODAY = dt.date(2026, 11, 25)
ORG_WHEN = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC)
OWN_WHEN = dt.datetime(2026, 8, 3, 14, 0, tzinfo=dt.UTC)
POLICY = "One AI policy approved by the board covers every business unit."
OVERRIDE = "The sandbox runs no customer data and sits outside the policy's scope."
CHATBOT = "Support chatbot"


@pytest.fixture
def store(layout: OntologyLayout, fresh_store: Callable[[], Any]) -> Any:
    """The example organisation after the organisation decided A.2.2 applicable."""
    store = example_store(layout, store=fresh_store())
    record(store, DecisionRequest("A.2.2", None, "applicable", "legal", POLICY, "U-LEAD"), now=ORG_WHEN)
    return store


def _override(store: Any, system: str = CHATBOT) -> None:
    request = DecisionRequest("A.2.2", system, "not-applicable", "not-relevant", OVERRIDE, "U-PRIYA")
    record(store, request, now=OWN_WHEN)


def _row(store: Any, system: str, control: str = "A.2.2") -> Any:
    return next(r for r in soa_for_system(store, system, TODAY) if r.control == control)


def _names(store: Any) -> list[str]:
    return [s.name for s in ai_systems(store)]


def test_organisation_decision_is_inherited_by_every_system_with_its_justification_who_and_when(store: Any) -> None:
    for name in _names(store):
        row = _row(store, name)
        assert (row.verdict, row.basis) == ("applicable", INHERITED), name
        assert row.justification == POLICY and row.justification_type == "legal or regulatory requirement"
        assert row.decided_by == "U-LEAD" and row.decided_at.startswith("2026-07-01")
    # A control nobody decided stays open and says nothing about where a decision came from.
    untouched = _row(store, CHATBOT, "A.10.3")
    assert (untouched.verdict, untouched.basis, untouched.decided_by) == (NO_DECISION, "", "")


def test_system_decision_overrides_the_organisation_for_that_system_only(store: Any) -> None:
    _override(store)
    own = _row(store, CHATBOT)
    assert (own.verdict, own.basis) == ("not applicable", OWN_DECISION)
    assert own.justification == OVERRIDE and own.decided_by == "U-PRIYA" and own.decided_at.startswith("2026-08-03")
    others = [_row(store, name) for name in _names(store) if name != CHATBOT]
    assert len(others) == 5
    assert {(r.verdict, r.basis, r.decided_by) for r in others} == {("applicable", INHERITED, "U-LEAD")}


def test_system_decision_overrides_an_organisation_exclusion_too(store: Any) -> None:
    why = "We write no AI systems in house, so no development process exists."
    record(store, DecisionRequest("A.6.2.2", None, "not-applicable", "not-relevant", why, "U-LEAD"), now=ORG_WHEN)
    why_own = "The fraud model is trained and changed in house by the risk team."
    request = DecisionRequest("A.6.2.2", "Fraud scoring model", "applicable", "risk-treatment", why_own, "U-PRIYA")
    record(store, request, now=OWN_WHEN)
    fraud = _row(store, "Fraud scoring model", "A.6.2.2")
    assert (fraud.verdict, fraud.basis, fraud.justification) == ("applicable", OWN_DECISION, why_own)
    chatbot = _row(store, CHATBOT, "A.6.2.2")
    assert (chatbot.verdict, chatbot.basis, chatbot.justification) == ("not applicable", INHERITED, why)
    rollup = next(r for r in soa_rollup(store, TODAY) if r.control == "A.6.2.2")
    assert rollup.verdict == "applicable"  # a system applying it outweighs the organisation's exclusion
    assert rollup.basis == (
        "applicable to 1 of 6 AI systems; decided not applicable organisation-wide (5 inherited from the organisation)"
    )


def test_the_gap_no_longer_lists_a_control_the_organisation_decided(store: Any) -> None:
    subjects = [(g.kind, g.subject) for g in gap_analysis(store, TODAY)]
    assert not [s for s in subjects if s[0] == "no decision" and s[1].startswith("A.2.2 ")]
    for name in _names(store):
        lines = gap_analysis(store, TODAY, name)
        assert not [g for g in lines if g.kind == "no decision" and g.subject.startswith("A.2.2 ")], name
    # Overriding it for one system does not reopen it: the system decided.
    _override(store)
    assert not [g for g in gap_analysis(store, TODAY) if g.kind == "no decision" and g.subject.startswith("A.2.2 ")]


def test_gap_asks_for_evidence_from_every_system_that_inherits_an_applicable_control(store: Any) -> None:
    before = [g.kind for g in gap_analysis(store, TODAY) if g.subject.startswith("A.6.2.8 ")]
    assert before == ["no decision"]
    why = "Event logs are kept for every AI system the organisation runs."
    record(store, DecisionRequest("A.6.2.8", None, "applicable", "best-practice", why, "U-LEAD"), now=ORG_WHEN)
    [line] = [g for g in gap_analysis(store, TODAY) if g.subject.startswith("A.6.2.8 ")]
    assert line.kind == "no current evidence" and line.systems == 6  # the example holds no A.6.2.8 evidence
    request = DecisionRequest("A.6.2.8", "Internal coding assistant", "not-applicable", "not-relevant", OVERRIDE, "U1")
    record(store, request, now=OWN_WHEN)
    line = next(g for g in gap_analysis(store, TODAY) if g.subject.startswith("A.6.2.8 "))
    assert line.systems == 5 and "Internal coding assistant" not in line.reason
    alone = gap_analysis(store, TODAY, "Internal coding assistant")
    assert not [g for g in alone if g.subject.startswith("A.6.2.8 ")]
    assert [g.kind for g in gap_analysis(store, TODAY, CHATBOT) if g.subject.startswith("A.6.2.8 ")] == [
        "no current evidence"
    ]


def test_open_controls_exclude_inherited_ones_and_agree_with_the_soa(store: Any) -> None:
    _override(store)
    for name in _names(store):
        soa_open = {r.control for r in soa_for_system(store, name, TODAY) if r.verdict == NO_DECISION}
        _, saved = run_saved_query(store, "controls-without-decision", {"name": name})
        _, question = run_saved_query(store, "open-controls", {"system": name})
        assert "A.2.2" not in soa_open
        assert {text(r["control"]) for r in saved} == soa_open, name
        assert {text(r["controlId"]) for r in question} == soa_open, name
        iri = next(s.iri for s in ai_systems(store) if s.name == name)
        assert "A.2.2" in decided_controls(store, iri)
    _, by_tier = run_saved_query(store, "systems-by-tier-with-open-gaps", {})
    assert {int(text(r["openControls"])) for r in by_tier} == {37}


def test_roll_up_and_tallies_count_inheriting_systems(store: Any) -> None:
    rows = {r.control: r for r in soa_rollup(store, TODAY)}
    assert rows["A.2.2"].verdict == "applicable"
    assert rows["A.2.2"].basis == (
        "applicable to 6 of 6 AI systems (6 inherited from the organisation) and organisation-wide"
    )
    assert rows["A.2.2"].justification == POLICY and rows["A.2.2"].decided_by == "U-LEAD"
    _override(store)
    rows = {r.control: r for r in soa_rollup(store, TODAY)}
    assert rows["A.2.2"].verdict == "applicable"  # the organisation applies it (README, "SoA roll-up")
    assert rows["A.2.2"].basis == (
        "applicable to 5 of 6 AI systems (5 inherited from the organisation) and organisation-wide; "
        "1 decided not applicable for themselves"
    )
    cells = organisation_cells(store)
    assert cells.in_force(APPLICABLE, "A.2.2") == 5 and cells.in_force(NOT_APPLICABLE, "A.2.2") == 1
    assert cells.in_force(UNDECIDED, "A.2.2") == 0 and cells.inherited("A.2.2") == 5
    # Each system's SoA tallies it as decided; summed over the systems they match the roll-up's counts.
    counted = [tally([_row(store, name)]) for name in _names(store)]
    assert sum(t.applicable for t in counted) == 5 and sum(t.not_applicable for t in counted) == 1
    assert sum(t.undecided for t in counted) == 0
    assert tally(list(rows.values())).undecided == 37


def test_home_progress_counts_inherited_controls_as_decided(store: Any) -> None:
    home = overview(store, TODAY, systems_shown=10)
    assert home.open_cells == 6 * 37
    assert {s.open for s in home.shown} == {37} and {s.decided for s in home.shown} == {1}


def test_assistant_reads_the_inherited_decision(store: Any) -> None:
    iri = next(s.iri for s in ai_systems(store) if s.name == CHATBOT)
    found = current_decision(store, "A.2.2", iri)
    assert found is not None and found.inherited and found.justification == POLICY and found.verdict == "applicable"
    _override(store)
    own = current_decision(store, "A.2.2", iri)
    assert own is not None and not own.inherited and own.verdict == "not applicable"


def test_every_soa_format_shows_the_basis(store: Any) -> None:
    _override(store)
    rows = soa_for_system(store, "Fraud scoring model", TODAY)
    header = soa_header(store, "Fraud scoring model", TODAY, rows)
    by_control = {r["control"]: r for r in csv.DictReader(io.StringIO(soa_csv(rows, header=header)))}
    assert by_control["A.2.2"]["basis"] == INHERITED and by_control["A.2.2"]["justification"] == POLICY
    assert {r["control"]: r["basis"] for r in json.loads(soa_json(rows))}["A.2.2"] == INHERITED
    markdown = soa_markdown(rows, header=header)
    assert "| basis |" in markdown and f"| applicable | {INHERITED} |" in markdown
    chatbot = soa_for_system(store, CHATBOT, TODAY)
    shown = soa_markdown(chatbot, header=soa_header(store, CHATBOT, TODAY, chatbot))
    assert f"| not applicable | {OWN_DECISION} |" in shown


def _decision_rows(store: Any, control: str, system: str | None = None) -> list[dict[str, str]]:
    params = {"control": control} | ({"system": system} if system else {})
    _, rows = run_saved_query(store, "decision-for-control", params)
    return [{k: text(v) for k, v in r.items()} for r in rows]


def test_decision_question_gives_the_inherited_decision_and_prefers_the_systems_own(store: Any) -> None:
    [inherited] = _decision_rows(store, "A.2.2", CHATBOT)
    assert (inherited["scope"], inherited["verdict"], inherited["basis"]) == (CHATBOT, "applicable", INHERITED)
    assert inherited["justification"] == POLICY and inherited["who"] == "U-LEAD" and inherited["when"] == "2026-07-01"
    assert (
        inherited["inherited"]
        == f"inherited from the organisation-wide decision ({CHATBOT} has no decision of its own)"
    )
    assert inherited["decidedFor"] == "the whole organisation"
    # Asked about the organisation, or about no system: its own decision, not an inherited one.
    [organisation] = _decision_rows(store, "A.2.2", "the whole organisation")
    assert (organisation["scope"], organisation["basis"], organisation["inherited"]) == (
        "the whole organisation",
        ORGANISATION_DECISION,
        "",
    )
    assert [r["basis"] for r in _decision_rows(store, "A.2.2")] == [ORGANISATION_DECISION]
    # Neither the system nor the organisation decided A.10.3: nothing, not another system's decision.
    assert _decision_rows(store, "A.10.3", CHATBOT) == []
    _override(store)
    [own] = _decision_rows(store, "A.2.2", CHATBOT)
    assert (own["verdict"], own["basis"], own["justification"], own["who"]) == (
        "not applicable",
        OWN_DECISION,
        OVERRIDE,
        "U-PRIYA",
    )
    assert own["inherited"] == "" and own["decidedFor"] == ""
    [other] = _decision_rows(store, "A.2.2", "Fraud scoring model")
    assert other["basis"] == INHERITED and other["justification"] == POLICY
    listed = {r["scope"]: r["basis"] for r in _decision_rows(store, "A.2.2")}
    assert listed == {"the whole organisation": ORGANISATION_DECISION, CHATBOT: OWN_DECISION}


def test_decision_history_of_a_system_shows_the_organisation_decisions_it_inherits(store: Any) -> None:
    _, rows = run_saved_query(store, "decision-history", {"control": "A.2.2", "system": CHATBOT})
    [inherited] = [{k: text(v) for k, v in r.items()} for r in rows]
    assert inherited["decidedFor"] == "the whole organisation" and inherited["justification"] == POLICY
    assert "inherited by the system" in inherited["current"]
    _override(store)
    _, rows = run_saved_query(store, "decision-history", {"control": "A.2.2", "system": CHATBOT})
    history = [{k: text(v) for k, v in r.items()} for r in rows]
    assert [(r["when"], r["decidedFor"]) for r in history] == [
        ("2026-07-01", "the whole organisation"),
        ("2026-08-03", ""),
    ]
    assert "own decision overrides it" in history[0]["current"] and history[1]["current"] == " - in force"
    # The organisation's own history is unchanged: its decisions only, in force.
    _, rows = run_saved_query(store, "decision-history", {"control": "A.2.2"})
    assert [(text(r["when"]), text(r["current"])) for r in rows] == [("2026-07-01", " - in force")]
