"""Intent rules and AI-system linking, as tables."""

from __future__ import annotations

import pytest

from assistant.intents import Intent, classify, frameworks_in, link_system, parse
from graph.compliance.organisation import SystemRef

SYSTEMS = [
    SystemRef("urn:s:chatbot", "Support chatbot", ("support bot", "helpdesk assistant")),
    SystemRef("urn:s:cv", "CV screening model", ("HR screener",)),
]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("what is A.6.2.8 about", Intent.EXPLAIN),
        ("do we need to keep logs of what the model did?", Intent.EXPLAIN),
        ("what evidence do we need for 9.2", Intent.EVIDENCE),
        ("how do we prove we did the impact assessment?", Intent.EVIDENCE),
        ("does A.7.4 apply to our support chatbot", Intent.APPLICABILITY),
        ("is A.10.3 applicable for the HR screener?", Intent.APPLICABILITY),
        ("what does A.5.2 map to in the EU AI Act", Intent.MAPPING),
        ("NIST AI RMF equivalent of 6.1.2?", Intent.MAPPING),
        ("which controls have no decision yet for the HR screener", Intent.STATUS),
        ("what is still open for the support chatbot?", Intent.STATUS),
        ("help", Intent.HELP),
        ("hello!", Intent.HELP),
    ],
)
def test_intents(text: str, intent: Intent) -> None:
    assert classify(text) is intent


def test_frameworks() -> None:
    assert frameworks_in("map A.5.2 to the EU AI Act and NIST") == ("EU AI Act", "NIST AI RMF")
    assert frameworks_in("what about logging") == ()


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("does A.7.4 apply to our support chatbot?", "Support chatbot"),
        ("and for the HR screener?", "CV screening model"),
        ("is the Helpdesk Assistant in scope", "Support chatbot"),
        ("what about the fraud model", None),
        ("support", None),
    ],
)
def test_system_linking_by_name_and_alias(text: str, name: str | None) -> None:
    found = link_system(text, SYSTEMS)
    assert (found.name if found else None) == name


def test_follow_up_cues() -> None:
    parsed = parse("and what evidence for that?", SYSTEMS)
    assert parsed.intent is Intent.EVIDENCE and parsed.anaphoric and parsed.content_words == 0
    parsed = parse("does it apply to the HR screener?", SYSTEMS)
    assert parsed.system is not None and parsed.system.name == "CV screening model"
    assert parsed.content_words == 0
