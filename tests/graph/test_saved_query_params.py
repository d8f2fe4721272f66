"""Saved query parameters name things as ``aims ask`` and ``aims decide`` do, and a miss says what is close.

On the example organisation: aliases and any case for AI systems (also where a query matches on the
system's name), people by name or by the id they decided under, controls by any spelling of their id or by
title, the organisation itself where a system may be named; unknown values refused with the close names.
"""

from __future__ import annotations

import datetime as dt

import pytest

from graph.compliance.decisions import DecisionRequest, names_the_organisation, record
from graph.ingest.load import OntologyLayout
from graph.queries.resolve import close_matches
from graph.queries.saved import SavedQueryError, run_saved_query
from graph.store import text
from graph.store.embedded import OxigraphStore
from tests.conftest import example_store

CHATBOT = "Support chatbot"
WHEN = dt.datetime(2026, 7, 14, 10, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def org(layout: OntologyLayout) -> OxigraphStore:
    """The example organisation; A.2.2 decided organisation-wide by a Slack id, A.7.4 by Priya under her name."""
    store: OxigraphStore = example_store(layout)
    policy = "The policy covers every Kestrel business unit"
    record(store, DecisionRequest("A.2.2", None, "applicable", "best-practice", policy, "U024BE7LH"), now=WHEN)
    why = "Historic hiring data is the training set for the ranker"
    request = DecisionRequest("A.7.4", "CV screening model", "applicable", "risk-treatment", why, "Priya Natarajan")
    record(store, request, now=WHEN)
    return store


def rows(store: OxigraphStore, query: str, **params: str) -> list[dict[str, str]]:
    _, found = run_saved_query(store, query, params)
    return [{k: text(v) for k, v in r.items()} for r in found]


def refusal(store: OxigraphStore, query: str, **params: str) -> str:
    with pytest.raises(SavedQueryError) as caught:
        run_saved_query(store, query, params)
    return str(caught.value)


def test_a_system_by_alias_or_in_any_case(org: OxigraphStore) -> None:
    expected = rows(org, "open-controls", system=CHATBOT)
    assert len(expected) == 37
    for spelling in ("support bot", "SUPPORT CHATBOT", "  helpdesk assistant "):
        assert rows(org, "open-controls", system=spelling) == expected, spelling


def test_a_query_matching_on_the_system_name_takes_aliases_too(org: OxigraphStore) -> None:
    # controls-without-decision compares names: an alias used to match nothing and print an empty table.
    by_alias = rows(org, "controls-without-decision", name="support bot")
    assert len(by_alias) == 37 and {r["name"] for r in by_alias} == {CHATBOT}
    assert by_alias == rows(org, "controls-without-decision", name=CHATBOT)
    assert "'organisation' is the organisation; this query takes one AI system" in refusal(
        org, "controls-without-decision", name="organisation"
    )


def test_the_organisation_where_a_system_may_be_named(org: OxigraphStore) -> None:
    for spelling in ("organisation", "the whole organisation", "Organization-wide"):
        [row] = rows(org, "decision-for-control", control="A.2.2", system=spelling)
        assert row["scope"] == "the whole organisation", spelling
    assert names_the_organisation("the entire org") and not names_the_organisation("organisational chart bot")


def test_a_person_by_name_or_decider_id_in_any_case(org: OxigraphStore) -> None:
    by_id = rows(org, "who-decided-what", who="u024be7lh")
    assert [(r["who"], r["control"]) for r in by_id] == [("U024BE7LH", "A.2.2")]
    # Priya is in the inventory and decided under the same name: two nodes, one person, both searched.
    [decided] = rows(org, "decisions-by-person", person="priya natarajan")
    assert (decided["controlId"], decided["scope"]) == ("A.7.4", "CV screening model")
    owned = rows(org, "person-owns", person="PRIYA NATARAJAN")
    assert "Support chatbot" in {r["name"] for r in owned}


def test_a_control_by_any_spelling_of_its_id_or_by_title(org: OxigraphStore) -> None:
    expected = rows(org, "decision-for-control", control="A.2.2", system=CHATBOT)
    assert len(expected) == 1
    for spelling in ("a.2.2", "A2.2", "A 2.2", "ai policy"):
        assert rows(org, "decision-for-control", control=spelling, system=CHATBOT) == expected, spelling
    [source] = {r["riskId"] for r in rows(org, "risks-from-source", risk_source="c 3.4")} & {"R-002"}
    assert source == "R-002"


def test_unknown_values_are_refused_with_the_close_names(org: OxigraphStore) -> None:
    assert refusal(org, "open-controls", system="suport chatbot") == (
        "--param system: no system called 'suport chatbot' in the graph; close: Support chatbot"
    )
    assert refusal(org, "open-controls", system="chatbot").endswith("close: Support chatbot")
    assert refusal(org, "decisions-by-person", person="priya").endswith("close: Priya Natarajan")
    assert refusal(org, "risk-details", risk="r-02").endswith("close: R-002 CV ranking disadvantages older applicants")
    control = refusal(org, "risks-for-control", control="A.6.2.88")
    assert control.startswith("--param control: 'A.6.2.88' is not the id or title of an Annex A control")
    assert "close: A.6.2.8 AI system recording of event logs" in control
    nothing = refusal(org, "open-controls", system="Payroll robot")
    assert nothing == (
        "--param system: no system called 'Payroll robot' in the graph; "
        "names and aliases are matched whole, in any case"
    )
    assert refusal(org, "system-purpose", system=" ") == "--param system: no value given; give the name of the system"


def test_close_matches_rank_held_words_and_spellings_not_shared_digits() -> None:
    names = {
        "Support chatbot": ["Support chatbot", "support bot", "helpdesk assistant"],
        "Internal coding assistant": ["Internal coding assistant", "coding assistant"],
        "A.6.2.8 Event logs": ["A.6.2.8", "Event logs"],
        "A.2.2 AI policy": ["A.2.2", "AI policy"],
    }
    assert close_matches("the support chatbot", names) == ["Support chatbot"]
    assert close_matches("assistant", names) == ["Internal coding assistant", "Support chatbot"]
    assert close_matches("A.6.2.88", names) == ["A.6.2.8 Event logs"]
    assert close_matches("payroll", names) == []
