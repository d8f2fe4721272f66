"""Retrieval evaluation over JSONL question sets: hit@1, hit@k, MRR and warm latency per question."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Question:
    """One line of an evaluation file: the question and the ids that count as right."""

    question: str
    expected: tuple[str, ...]
    id: str = ""


@dataclass(frozen=True)
class QuestionResult:
    """What the system returned for one question and how long it took."""

    question: Question
    ranked: tuple[str, ...]
    millis: float

    @property
    def rank(self) -> int | None:
        """1-based rank of the first expected id, or None if none was returned."""
        for i, node in enumerate(self.ranked, start=1):
            if node in self.question.expected:
                return i
        return None


@dataclass(frozen=True)
class EvalReport:
    """Aggregate metrics over a question set."""

    k: int
    results: tuple[QuestionResult, ...] = field(default_factory=tuple)

    @property
    def n(self) -> int:
        """Number of questions."""
        return len(self.results)

    def hit_at(self, k: int) -> float:
        """Share of questions with an expected id in the top ``k``."""
        if not self.results:
            return 0.0
        return sum(1 for r in self.results if r.rank is not None and r.rank <= k) / self.n

    @property
    def mrr(self) -> float:
        """Mean reciprocal rank of the first expected id (0 when absent from the top k)."""
        if not self.results:
            return 0.0
        return sum(1.0 / r.rank for r in self.results if r.rank is not None and r.rank <= self.k) / self.n

    def latency(self, quantile: float) -> float:
        """Latency quantile in milliseconds (0.5 = median, 0.95 = p95)."""
        times = sorted(r.millis for r in self.results)
        if not times:
            return 0.0
        if len(times) == 1:
            return times[0]
        return statistics.quantiles(times, n=100, method="inclusive")[int(quantile * 100) - 1]

    def summary_line(self) -> str:
        """The stable last line other tools parse."""
        return (
            f"hit@1={self.hit_at(1):.3f} hit@{self.k}={self.hit_at(self.k):.3f} mrr={self.mrr:.3f} "
            f"n={self.n} p50_ms={self.latency(0.5):.1f} p95_ms={self.latency(0.95):.1f}"
        )

    def to_dict(self) -> dict[str, object]:
        """Metrics and per-question results, for ``--json``."""
        return {
            "hit@1": self.hit_at(1),
            f"hit@{self.k}": self.hit_at(self.k),
            "mrr": self.mrr,
            "n": self.n,
            "p50_ms": self.latency(0.5),
            "p95_ms": self.latency(0.95),
            "questions": [
                {
                    "id": r.question.id,
                    "question": r.question.question,
                    "expected": list(r.question.expected),
                    "ranked": list(r.ranked),
                    "rank": r.rank,
                    "ms": round(r.millis, 2),
                }
                for r in self.results
            ],
        }


class EvalFileError(ValueError):
    """An evaluation file line is not valid; the message names file and line."""


def read_questions(path: Path) -> list[Question]:
    """Questions from a JSONL file of ``{"question": ..., "expected": [ids]}`` lines (blank lines skipped)."""
    questions: list[Question] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            expected = data["expected"]
            if not isinstance(data["question"], str) or not isinstance(expected, list):
                raise TypeError("question must be a string and expected a list of ids")
            questions.append(Question(data["question"], tuple(str(e) for e in expected), str(data.get("id", number))))
        except (ValueError, KeyError, TypeError) as exc:
            raise EvalFileError(f"{path}:{number}: {exc}") from exc
    return questions


def evaluate(questions: Sequence[Question], rank: Callable[[str], Sequence[str]], k: int = 5) -> EvalReport:
    """Run ``rank`` on every question (after one warm-up call) and measure quality and latency."""
    if questions:
        rank(questions[0].question)
    results = []
    for q in questions:
        started = time.perf_counter()
        ranked = tuple(rank(q.question))[:k]
        results.append(QuestionResult(q, ranked, (time.perf_counter() - started) * 1000))
    return EvalReport(k, tuple(results))
