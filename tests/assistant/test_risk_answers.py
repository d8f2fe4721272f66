"""The assistant on risk appetite and treatment: answered from the graph, citing the risks and the risk criteria."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.service import Assistant
from graph.compliance import risk_acceptance
from graph.compliance.risk_acceptance import AcceptanceRequest
from graph.ingest.load import OntologyLayout
from graph.namespaces import RISK_CRITERIA, node_iri
from tests.assistant.test_org_answers import DATA, organisation_assistant
from tests.conftest import EXAMPLE_INVENTORY


@pytest.fixture(scope="module")
def kestrel(
    layout: OntologyLayout, index_dir: Path, tmp_path_factory: pytest.TempPathFactory, assistant: Assistant
) -> Assistant:
    """The example organisation, with R-004 accepted by one of those its risk criteria allow."""
    found = organisation_assistant(layout, EXAMPLE_INVENTORY, index_dir, tmp_path_factory.mktemp("r") / "index")
    why = "The supplier contract gives 30 days' notice and we retest on each notice."
    request = AcceptanceRequest("R-004", "Helena Marsh", why, "U-CRO", accepted_on=dt.date(2026, 11, 20))
    risk_acceptance.record(found.store, request, today=dt.date(2026, 12, 2))
    return found


@pytest.fixture(scope="module")
def northwind(
    layout: OntologyLayout, index_dir: Path, tmp_path_factory: pytest.TempPathFactory, assistant: Assistant
) -> Assistant:
    """Another organisation, whose inventory has no risk criteria."""
    folder = tmp_path_factory.mktemp("rn") / "index"
    return organisation_assistant(layout, DATA / "northwind-health.yaml", index_dir, folder, decisions=False)


def test_risks_above_the_appetite_cite_each_risk_and_the_criteria(kestrel: Assistant) -> None:
    answer = kestrel.ask("which risks are above our appetite?")
    assert answer.query is not None and answer.query.name == "above-appetite"
    assert answer.text.startswith("3 risks are at or above our appetite of level 12 (set in our risk criteria):")
    assert "R-002 CV ranking disadvantages older applicants: level 15 before treatment; not accepted" in answer.text
    assert "R-004 Vendor model changes without notice: level 12 before treatment; accepted by Helena Marsh" in (
        answer.text
    )
    cited = {c.id: c.kind for c in answer.citations}
    for risk in ("R-002", "R-004", "R-006"):
        assert cited[node_iri("risks", risk)] == "Risk"
    assert cited[RISK_CRITERIA] == "Risk criteria"
    assert node_iri("risks", "R-001") not in cited  # treated down to 8, below the appetite
    other = kestrel.ask("which risks exceed our risk appetite?")
    assert other.query is not None and other.query.name == "above-appetite"


def test_overdue_treatment_actions_cite_the_action_and_its_risk(kestrel: Assistant) -> None:
    answer = kestrel.ask("which treatment actions are overdue?")
    assert answer.query is not None and answer.query.name == "overdue-actions"
    assert answer.text.startswith("One treatment action is overdue: TA-02 Review a weekly sample")
    assert "due 2026-10-31, in progress; owner Priya Natarajan" in answer.text
    cited = {c.id: c.kind for c in answer.citations}
    assert cited[node_iri("treatment_actions", "TA-02")] == "Treatment action"
    assert cited[node_iri("risks", "R-001")] == "Risk"
    # Late evidence is still the evidence question's, not this one's.
    evidence = kestrel.ask("which evidence is overdue?")
    assert evidence.query is not None and evidence.query.name == "evidence-expired"


def test_an_organisation_without_criteria_hears_that_the_appetite_is_the_default(northwind: Assistant) -> None:
    answer = northwind.ask("are any of our risks above our risk tolerance?")
    assert answer.query is not None and answer.query.name == "above-appetite"
    assert "appetite of level 12 (the default: the inventory records no risk criteria)" in answer.text
    assert "NH-R01" in answer.text and "not accepted" in answer.text
    assert RISK_CRITERIA in {c.id for c in answer.citations}
    none = northwind.ask("which treatment actions are overdue?")
    assert none.text == "No treatment action is overdue."
