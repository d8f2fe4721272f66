"""Risk acceptance: recorded with provenance by someone the criteria allow, refused otherwise, and lapsing when
the risk's level rises above the level accepted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from graph.compliance import risk_acceptance
from graph.compliance.risk_acceptance import AcceptanceError, AcceptanceRequest, AcceptanceResult
from graph.compliance.risk_register import RiskStatus, risk_register
from graph.ingest.load import OntologyLayout
from graph.ingest.rdf_files import read_triples
from graph.ingest.shacl import shacl_violations
from graph.inventory.importer import import_inventory
from graph.namespaces import AIMS, GRAPH_RISK_ACCEPTANCE, PROV
from graph.store import Store
from graph.store.embedded import OxigraphStore
from tests.conftest import EXAMPLE_INVENTORY, example_store
from tests.graph.example_copy import copy_of_example

TODAY = dt.date(2026, 12, 3)
WHEN = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
WHY = "The ranker only orders lists; recruiters decide, and the bias audit is booked for January."


@pytest.fixture
def store() -> OxigraphStore:
    return copy_of_example()


def _accept(
    store: Store, risk: str = "R-002", accepter: str = "Helena Marsh", why: str = WHY, now: dt.datetime = WHEN
) -> AcceptanceResult:
    return risk_acceptance.record(store, AcceptanceRequest(risk, accepter, why, "U-CRO"), today=TODAY, now=now)


def _status(store: Store, risk: str) -> RiskStatus:
    return next(r for r in risk_register(store) if r.id == risk)


def test_an_allowed_accepter_records_a_prov_entity_at_the_level_the_risk_stands(
    store: OxigraphStore, layout: OntologyLayout
) -> None:
    result = risk_acceptance.record(
        store, AcceptanceRequest("r-002", "helena marsh (CRO)", WHY, "U-CRO"), today=TODAY, now=WHEN
    )
    a = result.acceptance
    assert result.created and (a.risk, a.accepter, a.accepted_level, a.residual) == ("R-002", "Helena Marsh", 15, False)
    assert (a.accepted_on, a.recorded_by, a.recorded_via, a.revises) == ("2026-12-03", "U-CRO", "cli", None)
    assert a.summary() == "accepted by Helena Marsh on 2026-12-03 at level 15 (before treatment)"
    assert store.ask(
        f"ASK {{ GRAPH <{GRAPH_RISK_ACCEPTANCE}> {{ ?a a <{PROV}Entity> , <{AIMS}RiskAcceptance> ; "
        f"<{PROV}wasAttributedTo> ?who ; <{PROV}generatedAtTime> ?when }} }}"
    )
    data = [q.triple for q in store.quads()]  # the acceptance with the inventory and the standard it points at
    assert shacl_violations(data, read_triples(layout.vocabulary), layout.shapes) == []
    # A retried command (same accepter, day, level and reason) writes nothing new.
    again = risk_acceptance.record(store, AcceptanceRequest("R-002", "Helena Marsh", WHY, "U-CRO"), today=TODAY)
    assert not again.created and again.acceptance.iri == a.iri
    assert len(risk_acceptance.history(store, "R-002")) == 1
    assert _status(store, "R-002").accepted


def test_a_residual_rating_is_the_level_accepted(store: OxigraphStore) -> None:
    result = _accept(store, "R-001", "Compliance")
    assert (result.acceptance.accepted_level, result.acceptance.residual) == (8, True)


def test_someone_the_criteria_do_not_name_is_refused_with_who_may(store: OxigraphStore) -> None:
    request = AcceptanceRequest("R-002", "Jonas Berg", WHY, "U-CRO")
    [error] = risk_acceptance.validate(store, request, today=TODAY)
    assert error.field == "accepter"
    assert error.message.startswith(
        "'Jonas Berg' may not accept risk; the risk criteria let Compliance or Helena Marsh"
    )
    with pytest.raises(AcceptanceError):
        risk_acceptance.record(store, request, today=TODAY)
    assert store.count(GRAPH_RISK_ACCEPTANCE) == 0


def test_every_refused_field_is_named_and_nothing_is_written(store: OxigraphStore) -> None:
    request = AcceptanceRequest("R-02", "", "  ", " ", accepted_on=dt.date(2026, 12, 4))
    with pytest.raises(AcceptanceError) as refused:
        risk_acceptance.record(store, request, today=TODAY)
    errors = {e.field: e.message for e in refused.value.errors}
    assert set(errors) == {"risk", "accepter", "accepted_on", "justification", "recorded_by"}
    assert "no risk 'R-02' in the inventory; did you mean" in errors["risk"] and "R-002" in errors["risk"]
    assert "Compliance or Helena Marsh" in errors["accepter"]
    assert errors["accepted_on"] == "2026-12-04 is in the future; give the day the risk was accepted"
    assert store.count(GRAPH_RISK_ACCEPTANCE) == 0


def test_without_risk_criteria_nobody_may_accept(layout: OntologyLayout, tmp_path: Path) -> None:
    store = copy_of_example(reference_only=True)
    path = tmp_path / "org.yaml"
    path.write_text(
        "people:\n  - name: Ana Lima\nrisks:\n  - id: R-1\n    title: t\n    description: d\n"
        "    likelihood: 2\n    impact: 2\n  - id: R-2\n    title: unrated\n    description: d\n",
        encoding="utf-8",
    )
    import_inventory(path, store, read_triples(layout.vocabulary), layout.shapes)
    errors = risk_acceptance.validate(store, AcceptanceRequest("R-1", "Ana Lima", WHY, "U1"), today=TODAY)
    assert [e.field for e in errors] == ["accepter"]
    assert "the inventory has no risk_criteria, so nobody may accept yet" in errors[0].message
    [unrated] = [
        e
        for e in risk_acceptance.validate(store, AcceptanceRequest("R-2", "x", WHY, "U1"), today=TODAY)
        if e.field == "risk"
    ]
    assert "no likelihood and impact" in unrated.message


def test_an_acceptance_lapses_when_the_risk_rises_above_the_level_accepted(
    store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    _accept(store, "R-001", "Compliance")  # residual 2 x 4 = 8
    assert _status(store, "R-001").accepted
    # A re-rating after an incident: the treatment works less well than thought (residual 3 x 4 = 12).
    raised = EXAMPLE_INVENTORY.read_text(encoding="utf-8").replace(
        "    residual_likelihood: 2\n    residual_impact: 4", "    residual_likelihood: 3\n    residual_impact: 4"
    )
    path = tmp_path / "raised.yaml"
    path.write_text(raised, encoding="utf-8")
    import_inventory(path, store, read_triples(layout.vocabulary), layout.shapes)
    risk = _status(store, "R-001")
    assert risk.lapsed and not risk.accepted
    assert risk.acceptance_text().startswith("lapsed: accepted by Compliance")
    assert risk.acceptance_text().endswith("but the risk now stands at level 12")
    # Accepting it again at the new level makes it hold again, revising the lapsed one.
    renewed = _accept(store, "R-001", "Compliance", why="Re-rated after the March incident; accepted at 12.")
    assert renewed.acceptance.accepted_level == 12 and renewed.acceptance.revises
    assert _status(store, "R-001").accepted


def test_a_new_acceptance_revises_the_one_in_force_and_history_keeps_both(store: OxigraphStore) -> None:
    first = _accept(store).acceptance
    later = dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC)
    second = _accept(store, accepter="Compliance", why="Accepted again by the committee.", now=later).acceptance
    assert second.revises == first.iri
    chain = risk_acceptance.history(store, "R-002")
    assert [(a.accepter, a.current) for a in chain] == [("Helena Marsh", False), ("Compliance", True)]
    assert risk_acceptance.current(store, "R-002") == chain[-1]
    assert store.ask(f"ASK {{ <{first.iri}> <{AIMS}supersededBy> <{second.iri}> }}")
    assert risk_acceptance.in_force(store)[first.risk_iri].iri == second.iri


def test_acceptances_survive_a_reimport_of_the_inventory(store: OxigraphStore, layout: OntologyLayout) -> None:
    _accept(store)
    import_inventory(EXAMPLE_INVENTORY, store, read_triples(layout.vocabulary), layout.shapes)
    assert _status(store, "R-002").accepted


def test_acceptance_works_the_same_on_a_remote_store(layout: OntologyLayout, fresh_store: Callable[[], Store]) -> None:
    store = example_store(layout, store=fresh_store())
    first = _accept(store).acceptance
    second = _accept(store, accepter="Compliance", why="Accepted again by the committee.").acceptance
    assert second.revises == first.iri
    assert [a.current for a in risk_acceptance.history(store, "R-002")] == [False, True]
    assert _status(store, "R-002").accepted
