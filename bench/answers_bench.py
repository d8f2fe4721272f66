"""Benchmark: questions about the organisation, on the example organisation and on a 10,000-system store.

Run: .venv/bin/python bench/answers_bench.py [--systems 10000] [--runs 5] [--skip-scale]
1. The example organisation with the three decisions of ``answers-dev.sh``: how many of the dev answer
   checks pass (tests/data/answers-dev.jsonl) and of our independent organisation's (Northwind Health,
   tests/data/answers-holdout.jsonl), and the warm question-to-answer latency over both sets: p50 / p95.
2. The benchmarks' synthetic organisation (bench/synthetic_org.py: N systems, each with a risk, an
   evidence item and 38 decisions; on disk): the time to open the assistant the first time (reading
   30,000 entities and embedding them) and again (index loaded), then warm ``Assistant.ask`` over a mix
   of questions about one thing, lists of thousands, decisions, risks and the standard: p50 / p95, and
   the slowest questions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import synthetic_org  # noqa: E402

from assistant.answer_checks import failures, read_cases, read_decisions  # noqa: E402
from assistant.service import Assistant  # noqa: E402
from graph.compliance.decisions import record  # noqa: E402
from graph.compliance.soa import controls  # noqa: E402
from graph.ingest.load import OntologyLayout, load_reference  # noqa: E402
from graph.ingest.rdf_files import read_triples  # noqa: E402
from graph.inventory.importer import import_inventory  # noqa: E402
from graph.settings import DEFAULT_ONTOLOGY_DIR  # noqa: E402
from graph.store.embedded import OxigraphStore  # noqa: E402

LAYOUT = OntologyLayout(DEFAULT_ONTOLOGY_DIR)
DATA = ROOT / "tests" / "data"
TODAY = dt.date(2026, 12, 2)
SCALE_QUESTIONS = [
    "who owns Synthetic system 4242?",
    "what is Synthetic system 77 for?",
    "what EU AI Act tier is Synthetic system 9000 in?",
    "what risks are recorded for Synthetic system 123?",
    "which controls are still open for Synthetic system 8?",
    "what did we decide about A.7.4 for Synthetic system 12?",
    "is Synthetic evidence 55 still valid?",
    "which controls treat SR-100?",
    "which systems are high risk?",
    "which systems use a third-party model?",
    "how many customer-facing systems do we have?",
    "which risks have no treatment yet?",
    "what is our highest rated AI risk?",
    "list the evidence that has expired",
    "what evidence do we have for logging on Synthetic system 5?",
    "does A.10.3 apply to Synthetic system 31?",
    "do we need to keep logs of what the model did?",
    "what does A.5.2 map to in the EU AI Act?",
]


def pct(values: list[float], q: float) -> float:
    """Inclusive percentile."""
    return statistics.quantiles(sorted(values), n=100, method="inclusive")[int(q * 100) - 1]


def example(index: Path, inventory: Path, decisions: bool) -> Assistant:
    store = OxigraphStore(None)
    load_reference(store, LAYOUT)
    import_inventory(inventory, store, read_triples(LAYOUT.vocabulary), LAYOUT.shapes)
    for request in read_decisions(DATA / "answers-dev-decisions.jsonl") if decisions else ():
        record(store, request)
    return Assistant(store, index, today=lambda: TODAY)


def warm_latencies(assistant: Assistant, questions: list[str], runs: int) -> dict[str, list[float]]:
    """Milliseconds per question over ``runs`` passes, after a first pass that warms the process.

    The question's embedding is forgotten before each ask, as it would be for a question never asked
    before: a repeated question would otherwise skip its 15-20 ms forward pass.
    """
    for q in questions:
        assistant.ask(q)
    found: dict[str, list[float]] = {q: [] for q in questions}
    for _ in range(runs):
        for q in questions:
            assistant.retriever.forget()
            started = time.perf_counter()
            assistant.ask(q)
            found[q].append((time.perf_counter() - started) * 1000)
    return found


def bench_example(index: Path, runs: int) -> None:
    rows: list[str] = []
    every: list[float] = []
    for label, inventory, file, decisions in (
        ("dev (Kestrel Finance)", ROOT / "ontology/examples/kestrel-finance.yaml", DATA / "answers-dev.jsonl", True),
        ("our hold-out (Northwind Health)", DATA / "northwind-health.yaml", DATA / "answers-holdout.jsonl", False),
    ):
        assistant = example(index, inventory, decisions)
        gc.collect()
        cases = read_cases(file)
        passed = sum(not failures(c, assistant.ask(c.question)) for c in cases)
        latencies = warm_latencies(assistant, [c.question for c in cases], runs)
        flat = [ms for values in latencies.values() for ms in values]
        every += flat
        del assistant
        rows.append(f"| {label} | {passed}/{len(cases)} | {pct(flat, 0.5):.1f} ms | {pct(flat, 0.95):.1f} ms |")
    print("| answer checks | passed | warm p50 | warm p95 |")
    print("|---|---|---|---|")
    print("\n".join(rows))
    print(f"| both sets together | | {pct(every, 0.5):.1f} ms | {pct(every, 0.95):.1f} ms |", flush=True)


def bench_scale(systems: int, index: Path, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = OxigraphStore(Path(tmp) / "store")
        load_reference(store, LAYOUT)
        synthetic_org.CONTROL_IDS[:] = [control for control, _ in controls(store)]
        started = time.perf_counter()
        for graph, triples in synthetic_org.synthetic(systems):
            for i in range(0, len(triples), 200_000):
                store.insert(graph, triples[i : i + 200_000])
        print(
            f"\nsynthetic organisation: {systems:,} systems, {store.count():,} quads, written in {time.perf_counter() - started:.0f} s"
        )
        folder = Path(tmp) / "index"
        for label in ("first open (entities read and embedded)", "second open (index loaded)"):
            started = time.perf_counter()
            assistant = Assistant(store, folder, today=lambda: TODAY)
            seconds = time.perf_counter() - started
            print(
                f"{label}: {seconds:.1f} s; {assistant.entities.last.entities:,} entities, {assistant.entities.last.embedded:,} embedded",
                flush=True,
            )
        latencies = warm_latencies(assistant, SCALE_QUESTIONS, runs)
        flat = [ms for values in latencies.values() for ms in values]
        print("\n| question on the synthetic store | answered by | median |")
        print("|---|---|---|")
        for q, values in sorted(latencies.items(), key=lambda kv: -statistics.median(kv[1])):
            answer = assistant.ask(q)
            by = answer.query.name if answer.query else answer.intent
            print(f"| {q} | {by} | {statistics.median(values):.1f} ms |")
        print(
            f"\nwarm question-to-answer over {len(flat)} asks: p50 {pct(flat, 0.5):.1f} ms, p95 {pct(flat, 0.95):.1f} ms"
        )
        store.close()


def main() -> None:
    """Run both parts."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--systems", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-scale", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_example(Path(tmp) / "index", args.runs)
        if not args.skip_scale:
            bench_scale(args.systems, Path(tmp) / "scale-index", args.runs)


if __name__ == "__main__":
    main()
