"""The organisation's SoA roll-up states only what was decided (README, "SoA" under the organisation).

Applicable if the organisation or any AI system in scope applies a control; not applicable only when the
organisation decided so or every system did; otherwise partly decided (n of m); an organisation-wide
decision keeps its justification, who and when.
"""

from __future__ import annotations

import datetime as dt

import pytest

from graph.compliance.applicability import APPLICABLE, NOT_APPLICABLE
from graph.compliance.decisions import DecisionRequest, record
from graph.compliance.organisation import ai_systems
from graph.compliance.soa import rollup_verdict, soa_rollup, tally
from graph.ingest.load import OntologyLayout
from graph.store import Store
from tests.conftest import example_store

TODAY = dt.date(2026, 11, 25)
WHEN = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("applicable", "not_applicable", "organisation", "verdict", "basis"),
    [
        (0, 0, APPLICABLE, "applicable", "applicable to 0 of 6 AI systems and organisation-wide"),
        (0, 2, NOT_APPLICABLE, "not applicable", "decided not applicable for 2 of 6 AI systems and organisation-wide"),
        (0, 6, None, "not applicable", "decided not applicable for 6 of 6 AI systems; none applies it"),
        (1, 3, None, "applicable", "applicable to 1 of 6 AI systems"),
        (0, 1, None, "partly decided (1 of 6)", "decided not applicable for 1 of 6 AI systems; 5 without a decision"),
        (0, 0, None, "no decision", "no decision for any of 6 AI systems"),
        # A system applying it outweighs an organisation-wide exclusion, and the basis says both.
        (
            2,
            0,
            NOT_APPLICABLE,
            "applicable",
            "applicable to 2 of 6 AI systems; decided not applicable organisation-wide",
        ),
    ],
    ids=[
        "org-applicable",
        "org-not-applicable",
        "every-system-not-applicable",
        "some-applicable",
        "mixed-undecided",
        "nothing-decided",
        "system-applies-over-org-exclusion",
    ],
)
def test_rollup_verdict_follows_the_stated_semantics(
    applicable: int, not_applicable: int, organisation: str | None, verdict: str, basis: str
) -> None:
    found_verdict, found_basis = rollup_verdict(applicable, not_applicable, 6, organisation)
    assert found_verdict == verdict
    assert found_basis.startswith(basis)


def test_no_systems_in_scope_is_no_decision_rather_than_vacuously_not_applicable() -> None:
    assert rollup_verdict(0, 0, 0, None)[0] == "no decision"


@pytest.fixture(scope="module")
def store(layout: OntologyLayout) -> Store:
    return example_store(layout)  # type: ignore[no-any-return]


def _decide(store: Store, control: str, system: str | None, verdict: str, kind: str, why: str) -> None:
    record(store, DecisionRequest(control, system, verdict, kind, why, "U-LEAD"), now=WHEN)


def test_one_system_excluding_a_control_is_not_an_organisation_wide_exclusion(store: Store) -> None:
    _decide(store, "A.10.3", "Fraud scoring model", "not-applicable", "not-relevant", "No third party in the loop.")
    row = next(r for r in soa_rollup(store, TODAY) if r.control == "A.10.3")
    assert row.verdict == "partly decided (1 of 6)"
    assert row.basis == "decided not applicable for 1 of 6 AI systems; 5 without a decision; none applies it"
    assert tally([row]).undecided == 1 and tally([row]).not_applicable == 0


def test_every_system_excluding_a_control_makes_it_not_applicable(store: Store) -> None:
    for system in ai_systems(store):
        _decide(store, "A.7.6", system.name, "not-applicable", "not-relevant", "No data preparation happens here.")
    row = next(r for r in soa_rollup(store, TODAY) if r.control == "A.7.6")
    assert row.verdict == "not applicable"
    assert row.decided_by == "" and row.justification == ""  # no organisation decision to quote


def test_organisation_decision_keeps_its_justification_who_and_when_in_the_rollup(store: Store) -> None:
    why = "One AI policy approved by the board covers every unit."
    _decide(store, "A.2.2", None, "applicable", "legal", why)
    row = next(r for r in soa_rollup(store, TODAY) if r.control == "A.2.2")
    assert row.verdict == "applicable"
    assert row.basis == "applicable to 6 of 6 AI systems (6 inherited from the organisation) and organisation-wide"
    assert row.justification == why
    assert row.justification_type == "legal or regulatory requirement"
    assert row.decided_by == "U-LEAD" and row.decided_at.startswith("2026-07-01")


def test_organisation_exclusion_is_not_applicable_with_its_reason(store: Store) -> None:
    why = "We build no AI systems in house, so no development process exists."
    _decide(store, "A.6.2.2", None, "not-applicable", "not-relevant", why)
    row = next(r for r in soa_rollup(store, TODAY) if r.control == "A.6.2.2")
    assert row.verdict == "not applicable" and row.justification == why
    assert row.justification_type == "not relevant to the system"
