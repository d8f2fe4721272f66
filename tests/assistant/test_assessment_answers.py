"""Questions about impact assessments, answered from the graph's status and citing the assessment and system."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.answer import Answer
from assistant.service import Assistant
from graph.ingest.load import OntologyLayout
from tests.assistant.test_org_answers import DATA, organisation_assistant
from tests.conftest import EXAMPLE_INVENTORY


@pytest.fixture(scope="module")
def kestrel(
    layout: OntologyLayout, index_dir: Path, tmp_path_factory: pytest.TempPathFactory, assistant: Assistant
) -> Assistant:
    return organisation_assistant(layout, EXAMPLE_INVENTORY, index_dir, tmp_path_factory.mktemp("ka") / "index")


@pytest.fixture(scope="module")
def northwind(
    layout: OntologyLayout, index_dir: Path, tmp_path_factory: pytest.TempPathFactory, assistant: Assistant
) -> Assistant:
    folder = tmp_path_factory.mktemp("na") / "index"
    return organisation_assistant(layout, DATA / "northwind-health.yaml", index_dir, folder, decisions=False)


def cited(answer: Answer) -> set[str]:
    return {c.display for c in answer.citations}


def test_has_a_system_been_assessed_cites_the_assessment_and_the_system(kestrel: Assistant) -> None:
    answer = kestrel.ask("has the CV screener had an impact assessment?")
    assert answer.query is not None and answer.query.name == "system-impact-assessment"
    assert answer.text.startswith("Yes: CV screening model was impact-assessed on 2026-03-02 (IA-2026-02")
    assert "overdue: IA-2026-02 was due for review on 2026-09-30 (63 days ago)" in answer.text
    assert {
        "AI system: CV screening model",
        "Impact assessment: IA-2026-02: impact assessment of CV screening model",
    } <= cited(answer)
    current = kestrel.ask("is the impact assessment of the support bot up to date?")
    assert "That assessment is current, next review 2027-05-12." in current.text
    never = kestrel.ask("has the fraud model been impact-assessed?")
    assert never.text.startswith("No: we have not recorded an impact assessment of Fraud scoring model.")
    assert cited(never) == {"AI system: Fraud scoring model"}


def test_which_systems_lack_a_current_assessment_lists_them_with_why(kestrel: Assistant) -> None:
    answer = kestrel.ask("which systems have no current impact assessment?")
    assert answer.query is not None and answer.query.name == "systems-without-impact-assessment"
    assert answer.text.splitlines()[0] == "2 AI systems have no current impact assessment:"
    assert "- CV screening model: overdue: IA-2026-02 was due for review on 2026-09-30" in answer.text
    assert "- Fraud scoring model: never impact-assessed" in answer.text
    assert {
        "AI system: CV screening model",
        "AI system: Fraud scoring model",
        "Impact assessment: IA-2026-02: impact assessment of CV screening model",
    } <= cited(answer)
    assert answer.query.command == "aims assessments"


def test_questions_about_the_standards_impact_assessment_stay_with_the_standard(kestrel: Assistant) -> None:
    for question in ("how do we do an AI system impact assessment?", "which clauses require an impact assessment?"):
        answer = kestrel.ask(question)
        assert answer.query is None, question
        assert {c.id for c in answer.citations} & {"6.1.4", "8.4", "A.5.2", "A.5.3", "A.5.4", "A.5.5"}, question


def test_another_organisation_without_assessments_gets_every_system_listed(northwind: Assistant) -> None:
    systems = [s["name"] for s in yaml.safe_load((DATA / "northwind-health.yaml").read_text())["systems"]]
    answer = northwind.ask("which AI systems have never been impact-assessed?")
    assert answer.text.splitlines()[0] == f"{len(systems)} AI systems have no current impact assessment:"
    assert all(f"- {name}: never impact-assessed" in answer.text for name in systems[:10])
    first = northwind.ask(f"has {systems[0]} had an impact assessment?")
    assert first.text.startswith(f"No: we have not recorded an impact assessment of {systems[0]}.")
