"""What a question asks for (intent), which frameworks it names, and follow-up cues.

Rules over words, kept pure and table-tested; no external language model is involved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Intent(StrEnum):
    """The kinds of question the assistant answers."""

    EXPLAIN = "explain"
    EVIDENCE = "evidence"
    APPLICABILITY = "applicability"
    MAPPING = "mapping"
    STATUS = "status"
    IMPLEMENTATION = "implementation"
    HELP = "help"
    OUT_OF_SCOPE = "out_of_scope"


class Aspect(StrEnum):
    """The part of a control's implementation guidance a question asks for; the answer leads with it."""

    STEPS = "steps"
    OWNER = "owner"
    ARTEFACTS = "artefacts"
    PITFALLS = "pitfalls"
    PROPORTIONATE = "proportionate"


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

# Cues that a question asks how to put a control into practice, by the aspect it leads with; the first
# aspect that matches wins. Narrow on purpose: "how do we verify a model?" asks what the standard expects
# (an explanation), so a bare "how do we ..." is no cue; "implemented" (past) asks about our own status, and
# "our implementation partner" is no request for guidance.
_ROLE_WORDS = r"(owns?|owner|responsible|accountable|in charge|leads?|runs?|handles?|looks? after|takes? care)"
_ASPECTS: list[tuple[Aspect, re.Pattern[str]]] = [
    (
        Aspect.PITFALLS,
        re.compile(
            r"(?i)\bpitfalls?\b|\bgotchas?\b|\banti-?patterns?\b|\bwatch out for\b|\bwhat to avoid\b"
            r"|\b(common|typical|usual|frequent|classic|biggest)\s+(mistakes?|errors?|problems|traps?)\b"
            r"|\bmistakes?\s+(to avoid|(people|teams|organi[sz]ations|companies|firms) (often )?make|with\b"
            r"|when (implementing|doing|setting up|applying|meeting))"
            r"|\bwhat (usually |often |typically )?goes wrong (with|when|in)\b|\b(usually|often|typically) goes wrong\b"
            r"|\b(teams|people|organi[sz]ations|companies|firms) (often |usually )?get (it|this|that) wrong\b"
        ),
    ),
    (
        Aspect.OWNER,
        re.compile(
            rf"(?i)\b(usual|typical|natural|normal|default)\s+owners?\b"
            rf"|\b(who|which (teams?|roles?|functions?|departments?|people|person))\b[^?!]{{0,30}}"
            rf"\b(usually|typically|normally|generally|commonly|ordinarily|tends? to)\b[^?!]{{0,20}}\b{_ROLE_WORDS}"
            rf"|\bwho\s+(should|would|ought to|needs? to)\s+"
            rf"(own|be (responsible|accountable|in charge)|lead|run|handle)\b"
            rf"|\bwho\s+(owns|is (responsible|accountable|in charge)( for| of)?|looks after|runs)\s+"
            rf"(A\s?\.?\d|(the|this|that)\s+([\w-]+\s+)?control\b)"
        ),
    ),
    (
        Aspect.PROPORTIONATE,
        re.compile(
            r"(?i)\bsmall(er)?\s+(organi[sz]ations?|companies|company|firms?|teams?|business(es)?|shops?|orgs?|start-?ups?)\b"
            r"|\bstart-?ups?\b|\bsmes?\b|\bproportionate(ly)?\b|\blightweight\b|\bminimum viable\b"
            r"|\bon a (small|tight|limited|shoestring) budget\b|\bwithout a (big|large|whole|dedicated|huge)\b"
        ),
    ),
    (
        Aspect.ARTEFACTS,
        re.compile(
            r"(?i)\bdeliverables?\b|\bleaves? behind\b"
            r"|\bwhat (records?|documents?|outputs?) (does|do|will|should) [^?!]{0,40}\b(produce|create|leave)\b"
        ),
    ),
    (
        Aspect.STEPS,
        re.compile(
            r"(?i)\bimplement(s|ing)?\b|\bimplementation\s+(of|for|guidance|steps?|approach|advice|tips|help|checklist)\b"
            r"|\boperationali[sz](e|ing)\b"
            r"|\b(put|putting|turn|turning)\b[^?!]{0,40}\b(into (practice|place|action|effect|operation)|in place)\b"
            r"|\b(in|into) practice\b|\bsteps?\b|\bstep-by-step\b|\bchecklist\b|\bplaybook\b|\bhow-to\b"
            r"|\bget(ting)? started\b|\bwhere (do|should|can) (we|i) (start|begin)\b"
            r"|\bhow\s+(do|can|should|would|could|might|to)\s+(we|i|you|one|teams?|an? \w+|our \w+)?\s*(go about|start"
            r"|begin|tackle|meet|satisfy|fulfil+|comply with|roll out|set up)\b"
            r"|\bguidance\s+(for|on|about)\s+(A\s?\.?\d|(the|this|that)\s+control\b|it\b)"
        ),
    ),
]

_HELP = re.compile(r"(?i)^\s*(help|hi|hello|hey|what can you do|how do i use (you|this))\b[\s?!.]*$")
_ANAPHORA = re.compile(r"(?i)\b(that|it|this|those|these|the same|that one|this one|the control|the clause)\b")
# Asking what to do ("how should we...", "do we need to...") rather than what we have or decided.
_ADVICE = re.compile(
    r"(?i)\b(should|shall|must|ought|need to|needs to|have to|has to|required?|requirements?|how to|what counts"
    r"|how (do|can|should|would) (we|i|you)|supposed to|expected to|is it (ok|okay|enough|necessary)"
    r"|(do|does) [\w' ]{0,40}\bneed)\b"
)
_PLURAL = re.compile(r"(?i)\b(those|these|them|they|all of (them|those))\b")
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
        "system",
        "model",
        "dataset",
        "supplier",
        "risk",
        "document",
        "person",
        "organisation",
    ]
)


# The kinds of thing a question may ask to list, by the nouns people use for them.
KIND_NOUNS: dict[str, re.Pattern[str]] = {
    "dataset": re.compile(r"(?i)\b(data ?sets?|training data|data sources?|corpus|corpora)\b"),
    "supplier": re.compile(r"(?i)\b(suppliers?|vendors?|providers?|third[- ]part(y|ies)|companies)\b"),
    "evidence": re.compile(r"(?i)\b(evidence|documents?|certificates?|contracts?|reports?|proofs?)\b"),
    "risk": re.compile(r"(?i)\brisks?\b"),
    "control": re.compile(r"(?i)\bcontrols?\b"),
    "model": re.compile(r"(?i)\b(models?|llms?)\b"),
    "system": re.compile(r"(?i)\b((ai )?systems?|tools?|applications?|apps?|bots?|inventory|everything|anything)\b"),
}
# Where a list question names what it lists: after "which", "list", "how many" ...
_LIST_HEAD = re.compile(
    r"(?i)^\W*(?:which|what|list|show(?: me)?|how many|name|are there(?: any)?|any|give me)\b(?P<head>.{0,40})"
)


# A question asking for a list or a count: "which ...", "list ...", "how many ...", "any ... expired?".
_LISTING = re.compile(
    r"(?i)^\W*(\w+\W+){0,3}?(which|list|show|name|how many|are there|is there|do we have|any|anything|everything"
    r"|give me)\b"
    r"|^\W*what\b(?!\s+(about|if|should|does the standard|do we need|is an?\b|are the\b))"
)


def subject_kind(text: str) -> str | None:
    """The kind of thing a list question asks for ("list all the datasets ..." -> ``dataset``), if it says."""
    match = _LIST_HEAD.search(text)
    if match is None:
        return None
    head = match["head"]
    found = [(m.start(), kind) for kind, noun in KIND_NOUNS.items() if (m := noun.search(head))]
    return min(found)[1] if found else None


@dataclass(frozen=True)
class ParsedQuestion:
    """The rule-based reading of a question."""

    intent: Intent
    frameworks: tuple[str, ...]
    anaphoric: bool
    plural: bool
    content_words: int
    advice: bool = False
    subject: str | None = None
    listing: bool = False
    aspect: Aspect | None = None


def classify(text: str) -> Intent:
    """The intent of ``text`` by the first rule that matches; plain questions are explanations.

    Asking how to put a control into practice comes after the other rules: "what evidence do we need when
    implementing A.6.2.8?" is about evidence, and "does A.7.4 apply to a small company?" about applicability.
    """
    if _HELP.match(text):
        return Intent.HELP
    for intent, pattern in _RULES:
        if pattern.search(text):
            return intent
    if aspect_of(text) is not None:
        return Intent.IMPLEMENTATION
    return Intent.EXPLAIN


def aspect_of(text: str) -> Aspect | None:
    """Which part of a control's implementation guidance ``text`` asks for, if it asks for guidance at all."""
    return next((aspect for aspect, pattern in _ASPECTS if pattern.search(text)), None)


def frameworks_in(text: str) -> tuple[str, ...]:
    """Frameworks the text names (``EU AI Act``, ``NIST AI RMF``, ``FINOS``), in a fixed order."""
    return tuple(name for name, pattern in FRAMEWORKS.items() if pattern.search(text))


def parse(text: str) -> ParsedQuestion:
    """Intent, frameworks and follow-up cues of a question (its names already replaced by their kinds)."""
    content = [w for w in _WORD.findall(text) if w.lower() not in _FUNCTION_WORDS]
    intent = classify(text)
    return ParsedQuestion(
        intent=intent,
        frameworks=frameworks_in(text),
        anaphoric=bool(_ANAPHORA.search(text)),
        plural=bool(_PLURAL.search(text)),
        content_words=len(content),
        advice=bool(_ADVICE.search(text)),
        subject=subject_kind(text),
        listing=bool(_LISTING.search(text)),
        aspect=aspect_of(text) if intent is Intent.IMPLEMENTATION else None,
    )
