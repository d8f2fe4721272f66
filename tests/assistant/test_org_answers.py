"""Questions about the organisation, answered from its own graph: every family of question pattern."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from assistant.answer import Answer
from assistant.answer_checks import failures, read_cases, read_decisions
from assistant.conversation import Conversation
from assistant.service import Assistant
from graph.compliance.decisions import record
from graph.ingest.load import OntologyLayout, load_reference
from graph.ingest.rdf_files import read_triples
from graph.inventory.importer import import_inventory
from graph.store.embedded import OxigraphStore
from tests.conftest import EXAMPLE_INVENTORY, ROOT

TODAY = dt.date(2026, 12, 2)
DATA = ROOT / "tests" / "data"


def organisation_assistant(
    layout: OntologyLayout, inventory: Path, index_dir: Path, folder: Path, decisions: bool = True
) -> Assistant:
    store = OxigraphStore(None)
    load_reference(store, layout)
    import_inventory(inventory, store, read_triples(layout.vocabulary), layout.shapes)
    if decisions:
        july = dt.datetime(2026, 7, 14, 10, tzinfo=dt.UTC)
        for request in read_decisions(DATA / "answers-dev-decisions.jsonl"):
            record(store, request, now=july)
    shutil.copytree(index_dir, folder)
    return Assistant(store, folder, today=lambda: TODAY)


@pytest.fixture(scope="module")
def kestrel(
    layout: OntologyLayout, index_dir: Path, tmp_path_factory: pytest.TempPathFactory, assistant: Assistant
) -> Assistant:
    """The example organisation with three decisions, as the answer checks set it up."""
    return organisation_assistant(layout, EXAMPLE_INVENTORY, index_dir, tmp_path_factory.mktemp("k") / "index")


@pytest.fixture(scope="module")
def northwind(
    layout: OntologyLayout, index_dir: Path, tmp_path_factory: pytest.TempPathFactory, assistant: Assistant
) -> Assistant:
    """Another organisation, written without sight of the patterns: the assistant must generalise."""
    folder = tmp_path_factory.mktemp("n") / "index"
    return organisation_assistant(layout, DATA / "northwind-health.yaml", index_dir, folder, decisions=False)


def passed(assistant: Assistant, file: Path) -> tuple[int, list[str]]:
    cases = read_cases(file)
    failed = [f"{c.id}: {'; '.join(why)}" for c in cases if (why := failures(c, assistant.ask(c.question)))]
    return len(cases) - len(failed), failed


def test_the_dev_questions_are_answered_from_the_graph(kestrel: Assistant) -> None:
    right, failed = passed(kestrel, DATA / "answers-dev.jsonl")
    assert right >= 29, failed


def test_another_organisation_is_answered_too(northwind: Assistant) -> None:
    right, failed = passed(northwind, DATA / "answers-holdout.jsonl")
    assert right >= 33, failed


def cited(answer: Answer) -> dict[str, str]:
    return {c.title: c.kind for c in answer.citations}


def test_facts_about_one_thing_cite_the_organisations_nodes(kestrel: Assistant) -> None:
    owner = kestrel.ask("who is accountable for the transaction scorer?")
    assert owner.query is not None and owner.query.name == "owner-of"
    assert "Amara Okafor (Fraud Analytics)" in owner.text
    assert cited(owner)["Fraud scoring model"] == "AI system" and cited(owner)["Amara Okafor"] == "Person or team"
    models = kestrel.ask("what LLM is the helpdesk assistant built on?")
    assert "Orion Chat 4" in models.text and "Orion Language Models" in models.text
    evidence = kestrel.ask("has the DocuScan licence expired?")
    assert "expired" in evidence.text and "2026-05-31" in evidence.text
    assert cited(evidence)["DocuScan licence and data processing agreement"] == "Evidence"
    uses = kestrel.ask("which systems use DocuScan OCR 9?")
    assert uses.query is not None and uses.query.name == "users-of" and "Document OCR pipeline" in uses.text


def test_lists_counts_and_long_lists(kestrel: Assistant) -> None:
    tier = kestrel.ask("how many of our systems are minimal risk under the AI Act?")
    assert tier.text.startswith("3 AI systems assessed as minimal risk")
    for name in ("Fraud scoring model", "Internal coding assistant", "Product recommender"):
        assert name in tier.text
    assert "Support chatbot" not in tier.text
    open_controls = kestrel.ask("what is left to decide for the fraud model?")
    # A.2.2 is decided for the whole organisation (answers-dev-decisions.jsonl): the fraud model inherits it.
    assert open_controls.text.startswith("37 Annex A controls have no decision yet for Fraud scoring model")
    assert '... and 27 more; all of them: `aims query open-controls --param system="Fraud scoring model"`' in (
        open_controls.text
    )
    assert "A.2.2 AI policy" not in open_controls.text
    assert "A.2.3 Alignment" in open_controls.text.splitlines()[1]  # the standard's order, not text order


def test_evidence_for_a_control_on_one_system(kestrel: Assistant) -> None:
    answer = kestrel.ask("what evidence do we have for logging on the support bot?")
    assert answer.citations[0].id == "A.6.2.8" and "Chatbot inference logging specification" in answer.text
    assert "typically accept" in answer.text
    other = kestrel.ask("what evidence do we have for logging on the fraud model?")
    assert "Chatbot inference logging specification" not in other.text


def test_decisions_what_why_who_when(kestrel: Assistant) -> None:
    why = kestrel.ask("why is the supplier control not applicable to the recommender?")
    assert "no bought-in components" in why.text and why.citations[0].id == "A.10.3"
    who = kestrel.ask("who decided A.7.4 for the HR screener?")
    assert "U024BE7LH" in who.text and "2026-07-14" in who.text
    organisation_wide = kestrel.ask("what did we decide for the whole organisation about A.2.2?")
    assert (
        "the whole organisation" in organisation_wide.text and "every Kestrel business unit" in organisation_wide.text
    )
    july = kestrel.ask("what did we decide in July?")
    assert july.query is not None and july.query.name == "decisions-in-period"
    assert july.text.startswith("3 decisions recorded from 2026-07-01 to 2026-07-31")
    none = kestrel.ask("what did we decide in March?")
    assert none.text == "We have not recorded any decision from 2026-03-01 to 2026-03-31."


def test_a_system_without_its_own_decision_is_answered_with_the_organisations(kestrel: Assistant) -> None:
    # answers-dev-decisions.jsonl decides A.2.2 for the whole organisation only, A.7.4 for the CV model only.
    inherited = kestrel.ask("What did we decide about A.2.2 for the support chatbot?")
    assert inherited.query is not None and inherited.query.name == "decision-for-control"
    assert inherited.text.startswith("Decision in force for A.2.2 on Support chatbot: applicable (best practice), ")
    assert "inherited from the organisation-wide decision (Support chatbot has no decision of its own)" in (
        inherited.text
    )
    assert "The policy covers every Kestrel business unit" in inherited.text
    assert "decided for the whole organisation by U024BE7LH on 2026-07-14" in inherited.text
    own = kestrel.ask("What did we decide about A.7.4 for the CV screening model?")
    assert "Historic hiring data is the training set" in own.text and "inherited" not in own.text
    assert "decided by U024BE7LH on 2026-07-14" in own.text
    # Another system's decision is not the organisation's: nothing holds for the chatbot on A.10.3.
    nothing = kestrel.ask("What did we decide about A.10.3 for the support chatbot?")
    assert nothing.text == "We have not recorded a decision for A.10.3 on Support chatbot."
    history = kestrel.ask("how did the decision on A.2.2 for the support chatbot change?")
    assert "for the whole organisation" in history.text and "inherited by the system" in history.text


def test_risks_and_controls_both_ways(kestrel: Assistant) -> None:
    controls = kestrel.ask("which controls treat R-004?")
    assert "A.10.3 Suppliers" in controls.text and {"A.10.3", "https://w3id.org/aims-graph/org/risks/r-004"} <= {
        c.id for c in controls.citations
    }
    by_meaning = kestrel.ask("what controls do we have against the risk that payslip amounts are read wrongly?")
    assert "R-006" in by_meaning.text and "A.9.4" in by_meaning.text
    risks = kestrel.ask("which risks does A.10.3 treat?")
    assert "R-004" in risks.text and "R-005" in risks.text and "R-001" not in risks.text


def test_what_to_fix_first_comes_from_the_gap_analysis(kestrel: Assistant) -> None:
    answer = kestrel.ask("what should we fix first for the CV screener?")
    assert answer.query is not None and answer.query.command == 'aims gap --system "CV screening model"'
    assert "R-002" in answer.text and "CV ranker bias evaluation report Q1 2026" in answer.text


def test_what_is_not_recorded_is_said_so(kestrel: Assistant) -> None:
    answer = kestrel.ask("which model does the coding assistant run on?")
    assert answer.text == "We have not recorded any model for Internal coding assistant."
    assert [c.title for c in answer.citations] == ["Internal coding assistant"]


def test_follow_ups_use_the_previous_answers_things(kestrel: Assistant) -> None:
    thread = Conversation()
    kestrel.ask("which systems process personal data?", conversation=thread)
    narrowed = kestrel.ask("which of those are high risk?", conversation=thread)
    assert "CV screening model" in narrowed.text and "Support chatbot" not in narrowed.text
    thread = Conversation()
    kestrel.ask("what is the fraud model for?", conversation=thread)
    owner = kestrel.ask("and who owns it?", conversation=thread)
    assert "Amara Okafor" in owner.text


def test_the_query_behind_an_answer_can_be_run_again(kestrel: Assistant) -> None:
    answer = kestrel.ask("which datasets does the fraud model use?")
    assert answer.query is not None and "VALUES" in answer.query.sparql
    rows = kestrel.store.select(answer.query.sparql)
    assert {r["datasetName"].value for r in rows if r["datasetName"]} == {
        "Card transactions with fraud labels",
        "Lumen device and address enrichment",
    }
    assert answer.query.command == 'aims query system-datasets --param system="Fraud scoring model"'
