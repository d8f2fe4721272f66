"""What a question asks for (intent), which frameworks and AI systems it names, and follow-up cues.

Rules over words, kept pure and table-tested; no external language model is involved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from graph.compliance.organisation import SystemRef


class Intent(StrEnum):
    """The kinds of question the assistant answers."""

    EXPLAIN = "explain"
    EVIDENCE = "evidence"
    APPLICABILITY = "applicability"
    MAPPING = "mapping"
    STATUS = "status"
    HELP = "help"
    OUT_OF_SCOPE = "out_of_scope"


FRAMEWORKS: dict[str, re.Pattern[str]] = {
    "EU AI Act": re.compile(r"(?i)\b(eu\s+)?ai\s+act\b|\beuropean\b|\baia\b"),
    "NIST AI RMF": re.compile(r"(?i)\bnist\b|\brmf\b"),
    "FINOS": re.compile(r"(?i)\bfinos\b"),
}

_RULES: list[tuple[Intent, re.Pattern[str]]] = [
    (
        Intent.STATUS,
        re.compile(
            r"(?i)\b(no|without|missing|open|pending|outstanding)\s+(a\s+)?decisions?\b|\bnot\s+(yet\s+)?decided\b|"
            r"\bundecided\b|\bgaps?\b|\bstatus\b|\bprogress\b|\bstill\s+open\b"
        ),
    ),
    (
        Intent.MAPPING,
        re.compile(
            r"(?i)\bmaps?\b|\bmapping\b|\bcrosswalk\b|\bcorrespond|\bequivalent\b|\bin\s+the\s+(eu\s+)?ai\s+act\b|"
            r"\b(nist|rmf|finos)\b|\bai\s+act\b"
        ),
    ),
    (
        Intent.EVIDENCE,
        re.compile(
            r"(?i)\bevidence\b|\bproof\b|\bprove\b|\bartefacts?\b|\bartifacts?\b|\bdemonstrate\b|\bwhat\s+do\s+"
            r"(we|i)\s+(need\s+to\s+)?show\b|\bauditors?\s+(want|ask|expect|look)"
        ),
    ),
    (
        Intent.APPLICABILITY,
        re.compile(
            r"(?i)\bappl(y|ies|icable|icability)\s+(to|for)\b|\bapplicable\b|\brelevant\s+(to|for)\b|\bin\s+scope\s+for\b|"
            r"\bdoes\s+(it|this|that|[a-z0-9.]+)\s+apply\b|\bneed\s+to\s+comply\b"
        ),
    ),
]

_HELP = re.compile(r"(?i)^\s*(help|hi|hello|hey|what can you do|how do i use (you|this))\b[\s?!.]*$")
_ANAPHORA = re.compile(r"(?i)\b(that|it|this|those|these|the same|that one|this one|the control|the clause)\b")
_WORD = re.compile(r"[a-zA-Z][a-zA-Z'-]+")
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "me",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "this",
        "those",
        "these",
        "to",
        "us",
        "we",
        "what",
        "which",
        "who",
        "why",
        "will",
        "with",
        "about",
        "also",
        "any",
        "apply",
        "applies",
        "applicable",
        "evidence",
        "need",
        "needs",
        "show",
        "tell",
        "there",
        "their",
        "they",
        "them",
        "then",
        "than",
        "does",
        "did",
        "done",
        "same",
        "one",
        "control",
        "clause",
        "what's",
        "whats",
        "and",
        "also",
        "please",
        "thanks",
        "ok",
        "okay",
        "yes",
        "no",
        "map",
        "maps",
        "mapping",
    ]
)


@dataclass(frozen=True)
class ParsedQuestion:
    """The rule-based reading of a question."""

    intent: Intent
    frameworks: tuple[str, ...]
    system: SystemRef | None
    anaphoric: bool
    content_words: int


def classify(text: str) -> Intent:
    """The intent of ``text`` by the first rule that matches; plain questions are explanations."""
    if _HELP.match(text):
        return Intent.HELP
    for intent, pattern in _RULES:
        if pattern.search(text):
            return intent
    return Intent.EXPLAIN


def frameworks_in(text: str) -> tuple[str, ...]:
    """Frameworks the text names (``EU AI Act``, ``NIST AI RMF``, ``FINOS``), in a fixed order."""
    return tuple(name for name, pattern in FRAMEWORKS.items() if pattern.search(text))


def _normalise(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", text.lower()).strip() + " "


def link_system(text: str, systems: Sequence[SystemRef]) -> SystemRef | None:
    """The AI system whose name or alias appears in ``text`` (longest match wins), if any."""
    haystack = _normalise(text)
    best: tuple[int, str, SystemRef] | None = None
    for system in systems:
        for name in (system.name, *system.aliases):
            needle = _normalise(name)
            if needle.strip() and needle in haystack:
                candidate = (len(needle), system.name, system)
                if best is None or candidate[:2] > best[:2]:
                    best = candidate
    return best[2] if best else None


def parse(text: str, systems: Sequence[SystemRef]) -> ParsedQuestion:
    """Intent, frameworks, linked AI system and follow-up cues of a question."""
    system = link_system(text, systems)
    remainder = _normalise(text)
    if system:
        for name in (system.name, *system.aliases):
            remainder = remainder.replace(_normalise(name), " ")
    content = [w for w in _WORD.findall(remainder) if w.lower() not in _FUNCTION_WORDS]
    return ParsedQuestion(
        intent=classify(text),
        frameworks=frameworks_in(text),
        system=system,
        anaphoric=bool(_ANAPHORA.search(text)),
        content_words=len(content),
    )
