"""Benchmark: retrieval quality per retriever, warm question-to-answer latency, cold start of `aims ask`.

Run: .venv/bin/python bench/retrieval_bench.py [--runs N]
Quality: hit@1, hit@5 and MRR of hybrid, BM25-only and dense-only retrieval on the dev set and on our
two independent hold-out sets (the second, 110 questions, written for issue 14). Warm latency:
`Assistant.ask` (retrieval + intent + composition + grounding check) once per question, after one
warm-up, on a fresh assistant (no cached query vectors). Cold start: wall time of the real `aims ask`
command in a new process, on a loaded store with its index built.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assistant.evaluate import Question, evaluate, read_questions
from assistant.retrieve import Mode
from assistant.service import Assistant
from graph.ingest.load import OntologyLayout, load_reference
from graph.settings import DEFAULT_ONTOLOGY_DIR
from graph.store.embedded import OxigraphStore

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "dev (50)": ROOT / "tests/data/retrieval-dev.jsonl",
    "hold-out (120)": ROOT / "tests/data/retrieval-holdout.jsonl",
    "second hold-out (110)": ROOT / "tests/data/retrieval-holdout2.jsonl",
}


def quantile(values: list[float], q: float) -> float:
    """The q-quantile (inclusive method)."""
    return statistics.quantiles(sorted(values), n=100, method="inclusive")[int(q * 100) - 1]


def warm_latency(store: OxigraphStore, index: Path, questions: list[Question]) -> list[float]:
    """Milliseconds of `ask` per question on a fresh assistant, after one warm-up question."""
    assistant = Assistant(store, index)
    assistant.ask("warm-up: what is an AI policy?")
    times = []
    for q in questions:
        started = time.perf_counter()
        assistant.ask(q.question)
        times.append((time.perf_counter() - started) * 1000)
    return times


def cold_start(runs: int) -> list[float]:
    """Seconds from process start to printed answer for `aims ask`, index already built."""
    aims = Path(sys.executable).parent / "aims"
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "AIMS_HOME": home}
        subprocess.run([str(aims), "load"], env=env, check=True, capture_output=True)
        subprocess.run([str(aims), "index"], env=env, check=True, capture_output=True)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(
                [str(aims), "ask", "do we need to keep logs of what the model did?"],
                env=env,
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - started)
    return times


def main() -> None:
    """Print Markdown tables."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    store = OxigraphStore(None)
    load_reference(store, OntologyLayout(DEFAULT_ONTOLOGY_DIR))
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        started = time.perf_counter()
        assistant = Assistant(store, index)
        build = time.perf_counter() - started
        print("| set | retriever | hit@1 | hit@5 | MRR |")
        print("|---|---|---|---|---|")
        for name, path in SETS.items():
            questions = read_questions(path)
            for mode in Mode:
                report = evaluate(questions, lambda q, m=mode: [r.id for r in assistant.search(q, 5, m)])  # type: ignore[misc]
                print(f"| {name} | {mode.value} | {report.hit_at(1):.3f} | {report.hit_at(5):.3f} | {report.mrr:.3f} |")
        all_questions = [q for path in SETS.values() for q in read_questions(path)]
        times = warm_latency(store, index, all_questions)
    cold = cold_start(args.runs)
    print()
    print("| measure | value |")
    print("|---|---|")
    print(f"| index build (118 nodes, {assistant.retriever.dense.index.ntotal} views embedded) | {build:.1f} s |")
    p50, p95 = quantile(times, 0.5), quantile(times, 0.95)
    print(f"| warm question-to-answer, {len(times)} questions: p50 / p95 | {p50:.1f} ms / {p95:.1f} ms |")
    median, worst = statistics.median(cold), max(cold)
    print(f"| cold start `aims ask`, {args.runs} runs: median / max | {median:.2f} s / {worst:.2f} s |")


if __name__ == "__main__":
    main()
