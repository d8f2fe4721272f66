"""What employees get back: grounded answers for each kind of question, follow-ups, and odd input."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from assistant.answer import Answer, Citation, SuggestedAction, UngroundedAnswerError, ensure_grounded
from assistant.conversation import Conversation
from assistant.service import Assistant
from graph.compliance.decisions import DecisionRequest, record
from graph.ingest.load import OntologyLayout, load_reference
from graph.namespaces import AIMS, GRAPH_INVENTORY, RDF_TYPE, RDFS, SKOS
from graph.store.embedded import OxigraphStore

CHATBOT = "https://example.org/acme/system/support-chatbot"
XSD_BOOL = NamedNode("http://www.w3.org/2001/XMLSchema#boolean")


def t(s: str, p: str, o: NamedNode | Literal) -> Triple:
    return Triple(NamedNode(s), NamedNode(p), o)


@pytest.fixture(scope="module")
def org_assistant(
    layout: OntologyLayout, index_dir: Path, tmp_path_factory: pytest.TempPathFactory, assistant: Assistant
) -> Assistant:
    """The assistant over a store that also holds one AI system and one decision."""
    store = OxigraphStore(None)
    load_reference(store, layout)
    store.insert(
        GRAPH_INVENTORY,
        [
            t(CHATBOT, RDF_TYPE, NamedNode(AIMS + "AISystem")),
            t(CHATBOT, RDFS + "label", Literal("Support chatbot")),
            t(CHATBOT, SKOS + "altLabel", Literal("support bot")),
            t(CHATBOT, AIMS + "concernsRole", NamedNode(AIMS + "DeployerRole")),
            t(CHATBOT, AIMS + "usesThirdPartyModel", Literal("true", datatype=XSD_BOOL)),
            t(CHATBOT, AIMS + "customerFacing", Literal("true", datatype=XSD_BOOL)),
        ],
    )
    record(
        store,
        DecisionRequest(
            "A.10.3",
            "Support chatbot",
            "applicable",
            "risk-treatment",
            "The chatbot runs on a vendor's LLM API.",
            "U024BE7LH",
        ),
        now=dt.datetime(2026, 7, 1, 9, tzinfo=dt.UTC),
    )
    folder = tmp_path_factory.mktemp("org") / "index"
    shutil.copytree(index_dir, folder)
    return Assistant(store, folder)


def cited(answer: Answer) -> list[str]:
    return [c.id for c in answer.citations]


def test_logging_question_lands_on_a_6_2_8(assistant: Assistant) -> None:
    answer = assistant.ask("do we need to keep logs of what the model did?")
    assert answer.intent == "explain"
    assert cited(answer)[0] == "A.6.2.8"
    assert "A.6.2.8 AI system recording of event logs" in answer.text
    assert answer.confidence >= 0.5
    assert any(a.kind == "record_decision" and a.control == "A.6.2.8" for a in answer.actions)


def test_evidence_answer_lists_typical_evidence(assistant: Assistant) -> None:
    answer = assistant.ask("what evidence do we need for 9.2?")
    node = assistant.nodes["9.2"]
    assert answer.intent == "evidence" and cited(answer) == ["9.2"]
    assert all(item in answer.text for item in node.evidence)
    assert "No evidence has been recorded" in answer.text


def test_mapping_answer_names_source_and_licence(assistant: Assistant) -> None:
    answer = assistant.ask("What does A.5.2 map to in the EU AI Act?")
    assert answer.intent == "mapping" and cited(answer) == ["A.5.2"]
    assert "Art. 27" in answer.text and "licence: MIT" in answer.text
    assert "NIST" not in answer.text


def test_unknown_control_is_named_with_neighbours(assistant: Assistant) -> None:
    answer = assistant.ask("What is A.6.2.9 about?")
    assert answer.intent == "unknown_id"
    assert "A.6.2.9 is not part of ISO/IEC 42001:2023" in answer.text
    assert cited(answer)[:2] == ["A.6.2.8", "A.6.2.7"]


def test_off_topic_question_says_it_does_not_know(assistant: Assistant) -> None:
    for question in ("what's the weather in Paris tomorrow?", "order me a pizza", "how do I reset my VPN password?"):
        answer = assistant.ask(question)
        assert answer.intent == "out_of_scope", question
        assert answer.citations == () and "don't know" in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "",
        "   ",
        "x" * 10_000,
        "Wer ist für KI-Risiken verantwortlich?",
        "¿Quién aprueba los modelos?",
        "\x00\x07abc\x1b[31m",
        "A." * 5000,
    ],
)
def test_odd_input_gets_a_sensible_reply(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.text
    assert answer.intent in {"help", "out_of_scope", "unsure", "explain", "unknown_id"}
    assert all(c.id in assistant.nodes for c in answer.citations)


def test_follow_ups_resolve_against_the_previous_turn(org_assistant: Assistant) -> None:
    thread = Conversation()
    first = org_assistant.ask("What does the standard say about AI suppliers?", conversation=thread)
    assert cited(first)[0] == "A.10.3"
    evidence = org_assistant.ask("and what evidence for that?", conversation=thread)
    assert evidence.intent == "evidence" and cited(evidence) == ["A.10.3"]
    applies = org_assistant.ask("does it apply to the support bot?", conversation=thread)
    assert applies.intent == "applicability" and cited(applies)[0] == "A.10.3"
    assert applies.system == "Support chatbot"
    assert [c.title for c in applies.citations[1:]] == ["Support chatbot"]


def test_applicability_shows_the_recorded_decision(org_assistant: Assistant) -> None:
    answer = org_assistant.ask("Does A.10.3 apply to the support chatbot?")
    assert "Recorded decision for Support chatbot: applicable." in answer.text
    assert "U024BE7LH" in answer.text and "Suggestion" not in answer.text
    # The answer rests on the organisation's system as well as the control: both are cited.
    system = answer.citations[1]
    assert (system.title, system.kind) == ("Support chatbot", "AI system") and system.id.startswith("http")


def test_applicability_without_decision_is_a_marked_suggestion(org_assistant: Assistant) -> None:
    answer = org_assistant.ask("is A.8.2 relevant for the support chatbot?")
    assert "No decision has been recorded for A.8.2 on Support chatbot." in answer.text
    assert "*Suggestion, not a decision:* it probably applies" in answer.text
    assert "customer-facing" in answer.text
    assert (
        SuggestedAction("record_decision", "Record a decision for A.8.2 on Support chatbot", "A.8.2", "Support chatbot")
        in answer.actions
    )


def test_applicability_without_a_known_system_asks_which(org_assistant: Assistant) -> None:
    answer = org_assistant.ask("does A.7.4 apply to the payroll robot?")
    assert "Which AI system do you mean?" in answer.text and "Support chatbot" in answer.text


def test_status_lists_controls_without_decision(org_assistant: Assistant) -> None:
    answer = org_assistant.ask("which controls have no decision yet for the support chatbot?")
    assert answer.intent == "organisation" and answer.query is not None and answer.query.name == "open-controls"
    assert answer.text.startswith("37 Annex A controls have no decision yet for Support chatbot")
    assert answer.citations[0].title == "Support chatbot" and answer.citations[0].kind == "AI system"
    standard = [c for c in cited(answer) if not c.startswith("http")]
    assert "A.10.3" not in standard and standard[0] == "A.2.2"


def test_system_option_sets_the_system(org_assistant: Assistant) -> None:
    answer = org_assistant.ask("does A.8.4 apply here?", system="Support chatbot")
    assert answer.system == "Support chatbot"


TITLES = {"A.6.2.8": "AI system recording of event logs", "9.2": "Internal audit"}


def test_guard_rejects_a_citation_not_in_the_graph() -> None:
    answer = Answer("See A.6.2.9.", (Citation("A.6.2.9", "Invented"),), "explain", 1.0)
    with pytest.raises(UngroundedAnswerError, match=r"A\.6\.2\.9"):
        ensure_grounded(answer, TITLES)


def test_guard_rejects_a_wrong_title() -> None:
    answer = Answer("About logging.", (Citation("A.6.2.8", "Logging"),), "explain", 1.0)
    with pytest.raises(UngroundedAnswerError, match="wrong title"):
        ensure_grounded(answer, TITLES)


def test_guard_rejects_an_unknown_id_in_the_text() -> None:
    answer = Answer("Also see A.11.2 and 9.2.", (Citation("9.2", "Internal audit"),), "explain", 1.0)
    with pytest.raises(UngroundedAnswerError, match=r"A\.11\.2"):
        ensure_grounded(answer, TITLES)


def test_guard_allows_echoing_only_what_the_user_wrote() -> None:
    answer = Answer("A.6.2.9 does not exist.", (), "unknown_id", 0.0, unknown_ids=("A.6.2.9",))
    assert ensure_grounded(answer, TITLES, ["A.6.2.9"]) is answer
    with pytest.raises(UngroundedAnswerError, match="did not write"):
        ensure_grounded(answer, TITLES, [])


def test_guard_rejects_an_action_on_an_unknown_control() -> None:
    answer = Answer("ok", (), "explain", 1.0, (SuggestedAction("record_decision", "x", "A.99.1"),))
    with pytest.raises(UngroundedAnswerError, match=r"A\.99\.1"):
        ensure_grounded(answer, TITLES)


def test_guidance_for_a_named_system_cites_the_system(org_assistant: Assistant) -> None:
    answer = org_assistant.ask("how do we implement A.6.2.8 for the support chatbot?")
    assert answer.intent == "implementation" and cited(answer)[0] == "A.6.2.8"
    assert "Support chatbot" in answer.text
    assert "Support chatbot" in [c.title for c in answer.citations if c.kind == "AI system"]
