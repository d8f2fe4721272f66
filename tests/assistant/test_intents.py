"""Intent rules and question cues, as tables."""

from __future__ import annotations

import pytest

from assistant.intents import Intent, classify, frameworks_in, parse


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
    ("text", "advice", "listing", "subject"),
    [
        ("how should we assess AI risks?", True, False, None),
        ("do we need a fairness impact assessment for the system?", True, False, None),
        ("which systems process personal data?", False, True, "system"),
        ("list all the datasets in our AI inventory", False, True, "dataset"),
        ("how many AI vendors do we work with?", False, True, "supplier"),
        ("any of our evidence already expired?", False, True, "evidence"),
        ("what about our customers' expectations of our AI?", False, False, None),
        ("what is the system for?", False, True, "system"),
    ],
)
def test_what_kind_of_question(text: str, advice: bool, listing: bool, subject: str | None) -> None:
    parsed = parse(text)
    assert (parsed.advice, parsed.listing, parsed.subject) == (advice, listing, subject)


def test_follow_up_cues() -> None:
    parsed = parse("and what evidence for that?")
    assert parsed.intent is Intent.EVIDENCE and parsed.anaphoric and parsed.content_words == 0
    parsed = parse("does it apply to the system?")
    assert parsed.intent is Intent.APPLICABILITY and parsed.content_words == 0
    assert parse("which of those are high risk?").plural and not parse("who owns it?").plural
