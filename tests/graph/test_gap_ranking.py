"""The gap ranks each line by its own facts and says who acts, by when and how (issue 15, "a gap that ranks")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from graph.compliance import implementation
from graph.compliance.decisions import DecisionRequest, record
from graph.compliance.gap import gap_analysis
from graph.compliance.gap_lines import GapItem
from graph.compliance.implementation import ImplementationRequest
from graph.ingest.load import OntologyLayout
from tests.conftest import example_store

TODAY = dt.date(2026, 12, 3)
WHEN = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
CHATBOT = "Support chatbot"


@pytest.fixture
def store(layout: OntologyLayout) -> Any:
    return example_store(layout)


def _line(items: list[GapItem], kind: str, subject: str) -> GapItem:
    return next(g for g in items if g.kind == kind and g.subject.startswith(subject))


def test_the_untreated_high_risk_and_the_expired_bias_report_are_in_the_first_ten_lines_with_owner_and_step(
    store: Any,
) -> None:
    items = gap_analysis(store, TODAY)
    top = items[:10]
    risk = _line(top, "untreated risk", "R-002 ")
    report = _line(top, "expired evidence", "CV ranker bias evaluation report")
    assert risk.owner == "Tomasz Wiśniewski" and "treatment" in risk.next_step
    assert report.owner == "Tomasz Wiśniewski" and "renew" in report.next_step
    assert report.due == TODAY.isoformat()  # expired: due now
    assert "R-002" in report.reason  # the risk that relies on the controls it supports is said


def test_lines_differ_because_their_facts_differ(store: Any) -> None:
    items = gap_analysis(store, TODAY)
    undecided = {g.subject.split(" ")[0]: g for g in items if g.kind == "no decision"}
    assert len({g.score for g in undecided.values()}) >= 4  # not one level for all 38
    # A.5.4 is named by the untreated R-002 of the high-risk CV system; A.2.2 by no risk and no rule.
    assert undecided["A.5.4"].score > undecided["A.5.2"].score > undecided["A.2.2"].score
    assert undecided["A.5.4"].owner == "Tomasz Wiśniewski (owner of CV screening model)"
    # Policy, roles and resources tie to no system: decided once, by the management system's owner.
    assert undecided["A.2.2"].owner == "Compliance (owner of the management system)"
    assert "whole organisation" in undecided["A.2.2"].next_step
    # Expired evidence of a limited-tier system that no risk relies on ranks below the CV bias report.
    chatbot_spec = _line(items, "expired evidence", "Chatbot inference logging specification")
    bias = _line(items, "expired evidence", "CV ranker bias evaluation report")
    assert bias.score > chatbot_spec.score
    assert [g.priority for g in items] == list(range(1, len(items) + 1))


def test_unfinished_work_is_a_line_with_its_owner_and_target_and_overdue_work_rises(store: Any) -> None:
    why = "Customer conversations must be traceable."
    record(store, DecisionRequest("A.6.2.8", CHATBOT, "applicable", "risk-treatment", why, "U-LEAD"), now=WHEN)
    work = ImplementationRequest("A.6.2.8", CHATBOT, "in-progress", "U-LEAD", owner="Priya Natarajan")
    implementation.record(store, ImplementationRequest(**{**work.__dict__, "target_date": "2027-01-31"}))
    line = _line(gap_analysis(store, TODAY), "not implemented", "A.6.2.8 ")
    assert line.reason == "applicable for Support chatbot, in progress, due 2027-01-31, owner Priya Natarajan"
    assert (line.owner, line.due) == ("Priya Natarajan", "2027-01-31")
    later = _line(gap_analysis(store, dt.date(2027, 2, 15)), "not implemented", "A.6.2.8 ")
    assert later.score > line.score and "overdue since 2027-01-31" in later.reason


def test_contradictions_are_lines_of_their_own(store: Any) -> None:
    why = "We judge the vendor's change notices to be enough."
    record(store, DecisionRequest("A.10.3", CHATBOT, "not-applicable", "not-relevant", why, "U-LEAD"), now=WHEN)
    items = gap_analysis(store, TODAY)
    excluded = _line(items, "not applicable but named by a risk", "A.10.3 ")
    assert "R-004" in excluded.reason and "Support chatbot" in excluded.reason
    assert excluded.owner == "Priya Natarajan (owner of Support chatbot)"
    applies = "Conversations must be traceable."
    record(store, DecisionRequest("A.6.2.8", CHATBOT, "applicable", "risk-treatment", applies, "U-LEAD"), now=WHEN)
    implementation.record(store, ImplementationRequest("A.6.2.8", CHATBOT, "implemented", "U-LEAD"))
    unevidenced = _line(gap_analysis(store, TODAY), "implemented without evidence", "A.6.2.8 ")
    assert "no current evidence" in unevidenced.reason


def test_the_clauses_of_the_management_system_are_in_the_gap(store: Any) -> None:
    line = _line(gap_analysis(store, TODAY), "requirements without status", "Clauses 4-10")
    assert line.reason.startswith("32 clause(s) of 4-10 have no implementation status: 4.1, 4.2")
    assert line.owner == "Compliance (owner of the management system)"
    implementation.record(
        store, ImplementationRequest("9.2.1", None, "planned", "U-LEAD", owner="Compliance", target_date="2027-03-31")
    )
    items = gap_analysis(store, TODAY)
    audit = _line(items, "not implemented", "9.2.1 Internal audit: General")
    assert (audit.owner, audit.due) == ("Compliance", "2027-03-31")
    assert _line(items, "requirements without status", "Clauses").reason.startswith("31 clause(s)")
    # A system's own roadmap keeps to the system: the organisation's clauses are not in it.
    assert not [g for g in gap_analysis(store, TODAY, CHATBOT) if g.kind == "requirements without status"]
