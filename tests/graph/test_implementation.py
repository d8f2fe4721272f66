"""Implementation records: status, owner, target date and evidence per control or clause, with provenance."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from graph.compliance import implementation
from graph.compliance.consistency import implementation_warnings
from graph.compliance.decisions import DecisionError, DecisionRequest, record
from graph.compliance.implementation import ImplementationRequest, effective, in_force, requirement_clauses
from graph.compliance.soa import INHERITED, NOT_RECORDED, requirement_rows, soa_for_system, soa_rollup
from graph.ingest.load import OntologyLayout
from graph.namespaces import GRAPH_IMPLEMENTATION, ORGANISATION
from tests.conftest import EXAMPLE_INVENTORY, example_store, run_aims

TODAY = dt.date(2026, 12, 3)
WHEN = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
CHATBOT = "Support chatbot"


@pytest.fixture
def store(layout: OntologyLayout) -> Any:
    return example_store(layout)


def _request(requirement: str, system: str | None = CHATBOT, **fields: Any) -> ImplementationRequest:
    return ImplementationRequest(requirement, system, fields.pop("status", "planned"), "U-LEAD", **fields)


def test_a_record_is_a_revisable_prov_entity_and_a_revision_keeps_what_it_does_not_change(store: Any) -> None:
    first = implementation.record(
        store, _request("A.6.2.8", owner="priya natarajan", target_date="2027-01-31", note="Log retention first")
    )
    assert (first.status, first.owner, first.target_date, first.revises) == (
        "planned",
        "Priya Natarajan",
        "2027-01-31",
        None,
    )
    evidence = ("Chatbot inference logging specification",)
    second = implementation.record(store, _request("A.6.2.8", "support bot", status="implemented", evidence=evidence))
    assert second.revises == first.iri
    assert (second.owner, second.target_date, second.note, second.evidence) == (
        "Priya Natarajan",
        "2027-01-31",
        "Log retention first",
        evidence,
    )
    chain = implementation.history(store, "A.6.2.8", CHATBOT)
    assert [(r.status, r.current) for r in chain] == [("planned", False), ("implemented", True)]
    assert all(r.recorded_by == "U-LEAD" and r.recorded_via == "cli" for r in chain)
    # The cited title is linked to the register item, so its owner and freshness follow the register.
    cites = store.select(
        "SELECT ?item WHERE { GRAPH ?g { ?r <https://w3id.org/aims-graph/ontology#citesEvidence> ?item } }"
    )
    assert len(cites) == 1 and cites[0]["item"].value.endswith("/evidence/chatbot-inference-logging-specification")


def test_every_refused_field_is_named_and_nothing_is_written(store: Any) -> None:
    bad = ImplementationRequest(
        "9.2",
        CHATBOT,
        "plannd",
        "U-LEAD",
        owner="Priya N",
        target_date="2027-13-01",
        evidence=("not-a-url",),
    )
    with pytest.raises(DecisionError) as refused:
        implementation.record(store, bad)
    fields = {e.field: e.message for e in refused.value.errors}
    assert set(fields) == {"requirement", "status", "owner", "target_date", "evidence"}
    assert "9.2.1, 9.2.2" in fields["requirement"]
    assert "did you mean 'Priya Natarajan'" in fields["owner"]
    with pytest.raises(DecisionError) as clause_for_system:
        implementation.record(store, _request("9.2.1"))
    assert clause_for_system.value.errors[0].field == "system"
    assert not store.select(f"SELECT * WHERE {{ GRAPH <{GRAPH_IMPLEMENTATION}> {{ ?s ?p ?o }} }}")


def test_requirements_are_the_clauses_of_4_to_10_with_no_parts(store: Any) -> None:
    clauses = dict(requirement_clauses(store))
    assert "9.2" not in clauses and "6.1" not in clauses and "4" not in clauses
    assert clauses["9.2.1"] == "Internal audit: General" and clauses["6.1.2"] == "AI risk assessment"
    assert list(clauses)[:2] == ["4.1", "4.2"] and list(clauses)[-1] == "10.2"
    rows = {r.control: r for r in requirement_rows(store, TODAY)}
    assert (rows["9.3.1"].status, rows["9.3.1"].verdict) == (NOT_RECORDED, "required")
    implementation.record(store, _request("9.3.1", None, owner="Compliance", target_date="2027-02-28"))
    row = {r.control: r for r in requirement_rows(store, TODAY)}["9.3.1"]
    assert (row.status, row.owner, row.target_date) == ("planned", "Compliance", "2027-02-28")


def test_an_organisation_record_reaches_systems_without_their_own(store: Any) -> None:
    why = "The AI policy covers every AI system we run."
    record(store, DecisionRequest("A.2.2", None, "applicable", "best-practice", why, "U-LEAD"), now=WHEN)
    implementation.record(store, _request("A.2.2", None, status="in-progress", owner="Compliance"))
    row = next(r for r in soa_for_system(store, CHATBOT, TODAY) if r.control == "A.2.2")
    assert (row.status, row.owner) == ("in progress", "Compliance")
    assert row.implementation == f"in progress, owner Compliance ({INHERITED})"
    implementation.record(store, _request("A.2.2", status="implemented"))
    row = next(r for r in soa_for_system(store, CHATBOT, TODAY) if r.control == "A.2.2")
    assert row.status == "implemented" and INHERITED not in row.implementation
    records = in_force(store)
    assert effective(records, "A.2.2", ORGANISATION)[1] is False
    rollup = next(r for r in soa_rollup(store, TODAY) if r.control == "A.2.2")
    assert rollup.status == "in progress"
    assert rollup.implementation.endswith("implemented for 1 of 6 applicable AI systems")


def test_warnings_for_work_on_an_excluded_control_and_implemented_without_current_evidence(store: Any) -> None:
    why = "The chatbot never trains on customer data."
    record(store, DecisionRequest("A.7.4", CHATBOT, "not-applicable", "not-relevant", why, "U-LEAD"), now=WHEN)
    kinds = [w.kind for w in implementation_warnings(store, _request("A.7.4"), TODAY)]
    assert kinds == ["not-applicable"]
    # The logging specification expired on 2026-09-14: citing it does not make A.6.2.8 evidenced.
    expired = _request("A.6.2.8", status="implemented", evidence=("Chatbot inference logging specification",))
    assert [w.kind for w in implementation_warnings(store, expired, TODAY)] == ["no-current-evidence"]
    # The supplier assessment is current until 2027-03-09 and supports A.10.3 for the chatbot.
    assert implementation_warnings(store, _request("A.10.3", status="implemented"), TODAY) == []


def test_aims_implement_and_implementation_from_the_command_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run_aims(home, "load", "--inventory", str(EXAMPLE_INVENTORY), check=True)
    done = run_aims(
        home,
        "implement",
        "9.2.2",
        "--status",
        "planned",
        "--owner",
        "compliance",
        "--target",
        "2027-03-31",
        "--by",
        "U1",
    )
    assert done.returncode == 0, done.stderr
    assert "9.2.2 for the organisation -> planned, due 2027-03-31, owner Compliance" in done.stdout
    refused = run_aims(home, "implement", "A.99", "--status", "planned", "--by", "U1")
    assert refused.returncode == 1 and "requirement: 'A.99' is neither" in refused.stderr
    warned = run_aims(home, "implement", "A.6.2.8", "-s", CHATBOT, "--status", "implemented", "--by", "U1", "--strict")
    assert warned.returncode == 1 and "no current evidence" in warned.stderr and "nothing was recorded" in warned.stderr
    listed = run_aims(home, "implementation", "--json", check=True).stdout
    assert '"requirement": "9.2.2"' in listed and "A.6.2.8" not in listed
    # `aims history` for a system without its own decision shows the organisation's, saying it is inherited.
    why = "The AI policy covers every system we run."
    run_aims(home, "decide", "-c", "A.2.2", "--verdict", "applicable", "-j", why, "--by", "U1", check=True)
    inherited = run_aims(home, "history", "A.2.2", "-s", "support bot", check=True).stdout
    assert inherited.startswith("no decision of its own for A.2.2 on support bot; it inherits the organisation-wide")
    assert why in inherited
    none = run_aims(home, "history", "A.2.3", "-s", "support bot", check=True).stdout
    assert none.strip() == "no decision for A.2.3 on support bot, nor organisation-wide"
