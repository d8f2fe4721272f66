"""Matching a question to a question pattern (``ontology/questions``) and filling its parameters.

A question is compared with every pattern's phrasings after the things it names are replaced by the
kind of thing they are ("who is responsible for the fraud model?" -> "who is responsible for the
system?"), so the comparison is about the question's shape, not its names. Two signals: BM25 over the
phrasings and the embedding of each phrasing (the best phrasing counts). A pattern is only a candidate
when its required parameters can be filled from what the question names (or, for a follow-up, from the
previous answer); a candidate that leaves a strongly named thing unused is marked down, since the
question was about that thing.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents import NodeDocument
from assistant.embeddings import Encoder, Vector
from assistant.index import open_index
from assistant.lexical import LexicalIndex
from assistant.link import Mention
from graph.queries.catalog import NamedQuery, Parameter

# What stands in for a named thing, in the question and in the phrasings alike.
PLACEHOLDERS = {
    "system": "the system",
    "model": "the model",
    "dataset": "the dataset",
    "supplier": "the supplier",
    "risk": "the risk",
    "evidence": "the document",
    "person": "the person",
    "control": "the control",
    "risk_source": "the risk source",
    "tier": "high risk",
    "automation": "fully automated",
    "stage": "deployment",
    "organisation": "for the whole organisation",
    "date": "July",
    "integer": "30",
}
_SLOT = re.compile(r"\{(\w+)\}")
# Marking-down for a strongly named thing (or an id of the standard) the pattern has no place for.
UNUSED_PENALTY = 0.12
# A list question asking for the kind the pattern lists (+1), or for another kind (-1).
SUBJECT_WEIGHTS = {1: 0.08, 0: 0.0, -1: -0.15}
# A pattern whose things are all named only weakly ("the chatbot") needs its phrasing to fit this well.
WEAK_ONLY_DENSE = 0.7


@dataclass(frozen=True)
class Slot:
    """A parameter's value: the kind of thing, the IRIs or literal values, and how to show them."""

    kind: str
    values: tuple[str, ...]
    label: str


@dataclass
class Candidate:
    """A pattern as an answer to one question: how well it matches, and its parameters."""

    pattern: NamedQuery
    dense: float
    lexical: float
    slots: dict[str, Slot] = field(default_factory=dict)
    needs_control: bool = False
    unused: int = 0
    weak_only: bool = False
    names_a_thing: bool = False
    subject: int = 0

    @property
    def score(self) -> float:
        """Dense similarity of the best phrasing, nudged by BM25 and by the kind of thing asked for.

        Marked down for each named thing the pattern leaves unused.
        """
        return self.dense + 0.05 * min(self.lexical, 4.0) + SUBJECT_WEIGHTS[self.subject] - UNUSED_PENALTY * self.unused


def phrasings(pattern: NamedQuery) -> list[str]:
    """The pattern's phrasings with each parameter replaced by its kind's placeholder (one per kind)."""
    found: list[str] = []
    for ask in pattern.asks:
        slots = _SLOT.findall(ask)
        choices = []
        for slot in slots:
            parameter = pattern.parameter(slot)
            kinds = parameter.types if parameter else ("text",)
            choices.append([PLACEHOLDERS.get("date" if k == "date" else k, k) for k in kinds])
        for combination in itertools.product(*choices):
            text = ask
            for slot, value in zip(slots, combination, strict=True):
                text = text.replace("{" + slot + "}", value, 1)
            found.append(text)
    return list(dict.fromkeys(found))


_ARTICLE_BEFORE = re.compile(r"(?i)\b(the|our|a|an|this|that)\s+$")
_NOUN_AFTER = re.compile(r"(?i)^\s+(system|model|tool|app|application|bot|service)\b")


def delexicalise(question: str, mentions: Sequence[Mention], extra: Sequence[tuple[int, int, str]] = ()) -> str:
    """The question with each named thing (and each ``(start, end, kind)`` in ``extra``) replaced by its kind.

    An article before the name and a kind noun after it go with it ("the eye screening system" -> "the
    system", not "the the system system").
    """
    spans = sorted([(m.start, m.end, m.kind) for m in mentions] + list(extra), key=lambda s: (s[0], -(s[1] - s[0])))
    out, last = [], 0
    for start, end, kind in spans:
        if start < last:
            continue
        before = question[last:start]
        placeholder = PLACEHOLDERS.get(kind, kind)
        if placeholder.startswith("the ") and (article := _ARTICLE_BEFORE.search(before)):
            before = before[: article.start()]
        if noun := _NOUN_AFTER.match(question[end:]):
            end += noun.end()
        out.append(before)
        out.append(placeholder)
        last = end
    out.append(question[last:])
    return "".join(out)


class PatternIndex:
    """Every question pattern's phrasings, for BM25 and for embedding similarity."""

    def __init__(self, patterns: Sequence[NamedQuery], encoder: Encoder, folder: Path) -> None:
        """Embed the phrasings (kept under ``folder``; only changed patterns are embedded again)."""
        self.patterns = {p.name: p for p in patterns}
        docs = [
            NodeDocument(p.name, p.answers, " ".join(phrasings(p)), tuple(phrasings(p)), "Pattern") for p in patterns
        ]
        fingerprint = hashlib.sha256("\n".join(f"{d.node_id}\t{d.digest}" for d in docs).encode()).hexdigest()
        self.dense, _ = open_index(folder, docs, fingerprint, encoder)
        owners = [d.node_id for d in docs for _ in d.views]
        self.lexical = LexicalIndex(owners, [view for d in docs for view in d.views])

    def scores(self, delexicalised: str, vector: Vector) -> dict[str, tuple[float, float]]:
        """Per pattern: (dense similarity of its best phrasings, best BM25 score of a phrasing)."""
        dense = dict(self.dense.search(vector, len(self.patterns), best_only=True))
        lexical: dict[str, float] = {}
        for name, score in self.lexical.search(delexicalised, 200):
            lexical[name] = max(lexical.get(name, 0.0), score)
        return {name: (dense.get(name, 0.0), lexical.get(name, 0.0)) for name in self.patterns}


def fill(
    pattern: NamedQuery,
    question: str,
    mentions: Sequence[Mention],
    given: dict[str, Slot],
    previous: dict[str, Slot],
    follow_up: bool,
    ids: int = 0,
    subject: str | None = None,
    listing: bool = True,
) -> Candidate | None:
    """The pattern with its parameters filled, or None when it cannot answer the question.

    Args:
        pattern: the question pattern.
        question: the question as asked (for the pattern's cue words).
        mentions: what the question names, best first.
        given: values found in the question other than entities (control, dates, days, today ...).
        previous: values of the previous answer in the thread, by kind (for "and who owns it?").
        follow_up: whether the question points back ("it", "those") or is too short to stand alone.
        ids: how many ids of the standard the question names (each unused one marks the pattern down).
        subject: the kind of thing a list question asks for, if it says.
        listing: whether the question asks for a list or a count ("which ...", "how many ..."); a list
            pattern that no named thing narrows answers only such questions.
    """
    if pattern.cue is not None and not pattern.cue.search(question):
        return None
    if pattern.unless is not None and pattern.unless.search(question):
        return None
    candidate = Candidate(pattern, 0.0, 0.0)
    if pattern.lists and subject:
        candidate.subject = 1 if subject == pattern.lists else -1
    used: set[Mention] = set()
    for parameter in pattern.parameters:
        slot = _slot_for(parameter, mentions, used, given, previous, follow_up)
        if slot is not None:
            candidate.slots[parameter.name] = slot
        elif "control" in parameter.types and not parameter.optional:
            candidate.needs_control = True
        elif not parameter.optional:
            return None
    spans = [(m.start, m.end) for m in used]
    candidate.unused = len(
        {
            (m.start, m.end)
            for m in mentions
            if m.strong and m.kind != "organisation" and not any(s <= m.start < e for s, e in spans)
        }
    )
    if pattern.lists and not listing and not any(m.strong for m in used) and not follow_up:
        return None
    consumes_ids = any(k in {"control", "risk_source"} for p in pattern.parameters for k in p.types)
    candidate.unused += 0 if consumes_ids else ids
    named = [m for m in used if m.kind not in {"tier", "automation", "stage"}]
    candidate.weak_only = bool(named) and not any(m.strong for m in named)
    ours = [m for m in named if m.kind != "risk_source"]
    candidate.names_a_thing = any(m.strong for m in ours) or (follow_up and not mentions and bool(previous))
    return candidate


def _slot_for(
    parameter: Parameter,
    mentions: Sequence[Mention],
    used: set[Mention],
    given: dict[str, Slot],
    previous: dict[str, Slot],
    follow_up: bool,
) -> Slot | None:
    if parameter.name in given:
        return given[parameter.name]
    for kind in parameter.types:
        if kind in given:
            return given[kind]
    kinds = set(parameter.types) | ({"organisation"} if "system" in parameter.types else set())
    fitting = [m for m in mentions if m.kind in kinds and m not in used]
    # An optional parameter is filled only by a strong mention: a weak one is too unsure to narrow a list.
    if parameter.optional:
        fitting = [m for m in fitting if m.strong]
    if fitting:
        best = fitting[0]
        used.update(m for m in mentions if m.start < best.end and best.start < m.end)
        return Slot(best.kind, (best.value,), best.label)
    if follow_up:
        for kind in parameter.types:
            if kind in previous:
                return previous[kind]
    return None
