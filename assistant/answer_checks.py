"""Answer checks: question files whose lines say what a right answer cites, mentions and must not mention.

The format of ``../shared/eval/answers-dev.jsonl``: ``cite_any`` / ``cite_none`` (ids among the
citations), ``mention_all`` / ``mention_any`` (in the text or the cited ids, any case) and ``forbid``
(not in the text). Used by the regression tests and the answer benchmark, in process, with the
decisions ``answers-dev.sh`` records first (``read_decisions``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.answer import Answer
from graph.compliance.decisions import DecisionRequest


@dataclass(frozen=True)
class AnswerCase:
    """One line of an answer-check file."""

    id: str
    question: str
    expect: Mapping[str, Sequence[str]]


def read_cases(path: Path) -> list[AnswerCase]:
    """The cases of a JSONL file, in order."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            cases.append(AnswerCase(data.pop("id"), data.pop("question"), data))
    return cases


def read_decisions(path: Path) -> list[DecisionRequest]:
    """The decisions of a JSONL file (one ``DecisionRequest``'s fields per line), in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [DecisionRequest(**json.loads(line)) for line in lines if line.strip()]


def failures(case: AnswerCase, answer: Answer) -> list[str]:
    """Why ``answer`` does not pass ``case`` (empty when it does)."""
    text = answer.text.lower()
    cited = {c.id for c in answer.citations}
    blob = text + " " + " ".join(cited).lower()
    expect = case.expect
    why = []
    if expect.get("cite_any") and not cited & set(expect["cite_any"]):
        why.append(f"cites none of {list(expect['cite_any'])}")
    if cited & set(expect.get("cite_none", ())):
        why.append(f"cites {sorted(cited & set(expect['cite_none']))}")
    why += [f"does not mention {m!r}" for m in expect.get("mention_all", ()) if m.lower() not in blob]
    if expect.get("mention_any") and not any(m.lower() in blob for m in expect["mention_any"]):
        why.append(f"mentions none of {list(expect['mention_any'])}")
    why += [f"mentions {m!r}" for m in expect.get("forbid", ()) if m.lower() in text]
    return why


def check_all(cases: Sequence[AnswerCase], ask: Callable[[str], Answer]) -> dict[str, list[str]]:
    """Each case's failures (an empty list for a pass), asking every question through ``ask``."""
    return {case.id: failures(case, ask(case.question)) for case in cases}
