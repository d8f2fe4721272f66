"""Answers on putting a control into practice: the intent, the steps in order, and a plain "none recorded"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.answer import Answer
from assistant.conversation import Conversation
from assistant.intents import Aspect, Intent, parse
from assistant.service import Assistant
from graph.ingest.load import OntologyLayout, load_reference
from graph.namespaces import AIMS, GRAPH_STANDARD, ISO
from graph.standard import guidance_for
from graph.store.embedded import OxigraphStore

GUIDANCE_PREDICATES = "aims:implementationSteps aims:usualOwner aims:producesArtefact aims:commonPitfall"


def remove_guidance(control: str) -> str:
    """A test-only update deleting one control's guidance (``control`` is our own IRI, never user text)."""
    return f"""
PREFIX aims: <{AIMS}>
DELETE {{ GRAPH <{GRAPH_STANDARD}> {{ <{control}> ?p ?o }} }}
WHERE {{
  GRAPH <{GRAPH_STANDARD}> {{
    VALUES ?p {{ {GUIDANCE_PREDICATES} aims:proportionateApproach }}
    <{control}> ?p ?o
  }}
}}"""


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        ("how do we implement A.6.2.8?", Aspect.STEPS),
        ("how do I put A.7.4 into practice", Aspect.STEPS),
        ("what are the steps for A.9.2", Aspect.STEPS),
        ("implementation guidance for A.8.2 please", Aspect.STEPS),
        ("where do we start with impact assessments?", Aspect.STEPS),
        ("who usually owns A.6.2.6", Aspect.OWNER),
        ("which team typically looks after supplier checks?", Aspect.OWNER),
        ("who should own A.2.2?", Aspect.OWNER),
        ("what are common mistakes with A.10.3", Aspect.PITFALLS),
        ("any pitfalls with data provenance?", Aspect.PITFALLS),
        ("how can a small company meet A.4.2?", Aspect.PROPORTIONATE),
        ("what deliverables does A.5.3 leave us with?", Aspect.ARTEFACTS),
    ],
)
def test_implementation_questions(text: str, aspect: Aspect) -> None:
    parsed = parse(text)
    assert (parsed.intent, parsed.aspect) == (Intent.IMPLEMENTATION, aspect)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("have we implemented A.6.2.8 yet?", Intent.EXPLAIN),
        ("what is the implementation status of A.6.2.8?", Intent.STATUS),
        ("what evidence do we need when implementing A.6.2.8?", Intent.EVIDENCE),
        ("does A.7.4 apply to a small company?", Intent.APPLICABILITY),
        ("who owns the fraud model?", Intent.EXPLAIN),
        ("how do we verify and validate a model?", Intent.EXPLAIN),
        ("what happens when the AI makes mistakes?", Intent.EXPLAIN),
        ("where is the split of duties with our implementation partner written down?", Intent.EXPLAIN),
    ],
)
def test_other_questions_keep_their_intent(text: str, intent: Intent) -> None:
    parsed = parse(text)
    assert parsed.intent is intent and parsed.aspect is None


def cited(answer: Answer) -> list[str]:
    return [c.id for c in answer.citations]


def test_how_do_we_implement_lists_the_steps_in_order(assistant: Assistant) -> None:
    answer = assistant.ask("how do we implement A.6.2.8?")
    guidance = guidance_for(assistant.store, assistant.nodes["A.6.2.8"])
    assert answer.intent == "implementation" and cited(answer)[0] == "A.6.2.8"
    assert assistant.nodes["A.6.2.8"].iri == ISO + "A.6.2.8"
    numbered = [f"{n}. {step}" for n, step in enumerate(guidance.steps, 1)]
    positions = [answer.text.find(line) for line in numbered]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    for text in (*guidance.owners, *guidance.artefacts, *guidance.pitfalls, *guidance.approaches):
        assert text in answer.text
    assert any(a.kind == "record_decision" and a.control == "A.6.2.8" for a in answer.actions)


def test_the_part_asked_for_comes_first(assistant: Assistant) -> None:
    owner = assistant.ask("who usually owns A.6.2.6")
    guidance = guidance_for(assistant.store, assistant.nodes["A.6.2.6"])
    assert owner.intent == "implementation" and cited(owner)[0] == "A.6.2.6"
    assert owner.text.split("\n")[2].startswith("**Usually owned by:** " + guidance.owners[0])
    pitfalls = assistant.ask("what are common mistakes with A.10.3")
    first_pitfall = pitfalls.text.find(guidance_for(assistant.store, assistant.nodes["A.10.3"]).pitfalls[0])
    assert 0 < first_pitfall < pitfalls.text.find(assistant.nodes["A.10.3"].summary)


def test_described_control_gets_its_guidance(assistant: Assistant) -> None:
    answer = assistant.ask("how do we implement event logging for our AI systems?")
    assert answer.intent == "implementation" and cited(answer)[0] == "A.6.2.8"
    assert "1. " in answer.text


def test_follow_up_asks_how_to_implement_the_previous_control(assistant: Assistant) -> None:
    thread = Conversation()
    assistant.ask("what is A.7.4 about?", conversation=thread)
    answer = assistant.ask("and how do we put that into practice?", conversation=thread)
    assert answer.intent == "implementation" and cited(answer)[0] == "A.7.4"


def test_a_clause_named_by_id_says_guidance_is_per_control(assistant: Assistant) -> None:
    answer = assistant.ask("how do we implement A.6.2?")
    assert answer.intent == "explain" and cited(answer)[0] == "A.6.2"
    assert "recorded for the Annex A controls only" in answer.text
    assert "A.6.2.8 AI system recording of event logs" in answer.text


def test_every_control_answer_is_grounded(assistant: Assistant) -> None:
    """Guidance text is shown as written, so an id it mentions must exist, or the grounding guard refuses it."""
    for node in assistant.controls:
        answer = assistant.ask(f"how do we implement {node.id}?")
        assert answer.intent == "implementation" and cited(answer)[0] == node.id, node.id


@pytest.fixture(scope="module")
def bare_assistant(layout: OntologyLayout, index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """An assistant over its own store, so a test may remove guidance without touching the shared one."""
    store = OxigraphStore(None)
    load_reference(store, layout)
    folder = tmp_path_factory.mktemp("guidance") / "index"
    if index_dir.exists():
        shutil.copytree(index_dir, folder)
    return Assistant(store, folder)


def test_a_control_without_guidance_says_so_plainly(bare_assistant: Assistant) -> None:
    """The guidance is read from the store when asked: remove it, and the same assistant says none is recorded."""
    store = bare_assistant.store
    node = bare_assistant.nodes["A.6.2.8"]
    before = bare_assistant.ask("how do we implement A.6.2.8?")
    assert "1. " in before.text
    count = store.count(GRAPH_STANDARD)
    # The steps hang off a blank node, which DELETE DATA cannot name; a pattern can.
    store.update(remove_guidance(node.iri))
    assert store.count(GRAPH_STANDARD) < count
    answer = bare_assistant.ask("how do we implement A.6.2.8?")
    assert answer.intent == "implementation" and cited(answer)[0] == "A.6.2.8"
    assert "No implementation guidance is recorded for A.6.2.8" in answer.text
    assert node.summary in answer.text
    assert "1. " not in answer.text and "Usually owned by" not in answer.text
