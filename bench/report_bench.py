"""Benchmark: `aims report` build time at the example organisation and at a synthetic 10,000-system one.

Run: .venv/bin/python bench/report_bench.py [--systems 10000] [--runs 3] [--undecided 0.1]

1. The example organisation on disk (as `aims load --inventory` leaves it, plus a few decisions): the report
   gathered and rendered in process (first call, then the median of --runs), and `aims report` in a fresh
   process (imports, opening the store, writing the file).
2. A synthetic organisation on disk (bench/synthetic_org.py: a risk and an evidence item per system,
   decisions for all but --undecided of the cells, the applicability matrix and its tallies), bulk loaded,
   flushed and opened again; then the same measures. Twice: at 200 systems (the largest matrix drawn one
   row per system) and at --systems (counted by tier). The target is under 10 s at 10,000 systems.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from decisions_bench import example_store
from pyoxigraph import NamedNode, Quad
from synthetic_org import CONTROL_IDS, synthetic

from graph.compliance.decisions import DecisionRequest, record
from graph.compliance.soa import controls
from graph.ingest.load import OntologyLayout, load_reference
from graph.publish.html_report import render
from graph.publish.report_data import gather_report
from graph.publish.report_matrix import AGGREGATE_ABOVE
from graph.settings import DEFAULT_ONTOLOGY_DIR
from graph.store.embedded import OxigraphStore

TODAY = dt.date(2026, 12, 3)
AIMS = Path(sys.executable).parent / "aims"


def build(store: OxigraphStore) -> tuple[float, float, int]:
    """Seconds to gather and to render the organisation's report, and the page's size in bytes."""
    started = time.perf_counter()
    report = gather_report(store, TODAY)
    gathered = time.perf_counter()
    page = render(report, TODAY)
    return gathered - started, time.perf_counter() - gathered, len(page.encode("utf-8"))


def measure(label: str, store: OxigraphStore, runs: int) -> list[str]:
    """Table rows: the first build (caches cold), then the median of ``runs`` more."""
    first = build(store)
    again = [build(store) for _ in range(runs)]
    gather = statistics.median(g for g, _, _ in again)
    draw = statistics.median(r for _, r, _ in again)
    return [
        f"| {label}: first report in the process (gather + render) | {first[0] + first[1]:.2f} s "
        f"({first[0]:.2f} + {first[1]:.2f}); {first[2] / 1024:,.0f} KB |",
        f"| {label}: report again, median of {runs} (gather + render) | {gather + draw:.2f} s ({gather:.2f} + {draw:.2f}) |",
    ]


def command(label: str, home: Path) -> str:
    """A table row: `aims report` in a fresh process against ``home``, wall time."""
    target = home / "report.html"
    env = {**os.environ, "AIMS_HOME": str(home)}
    env.pop("AIMS_STORE", None)
    started = time.perf_counter()
    done = subprocess.run(
        [str(AIMS), "report", "-o", str(target), "--today", TODAY.isoformat()],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        return f"| {label}: `aims report`, fresh process | failed: {done.stderr.strip()[:200]} |"
    return f"| {label}: `aims report`, fresh process (wall) | {seconds:.2f} s; {done.stdout.strip()} |"


def example(runs: int) -> list[str]:
    """The example organisation on disk, with decisions on a few cells (one organisation-wide)."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        store = example_store(home / "store")
        for control, system, verdict in (
            ("A.10.3", "Support chatbot", "applicable"),
            ("A.7.4", "Internal coding assistant", "not-applicable"),
            ("A.2.2", None, "applicable"),
        ):
            kind = "risk-treatment" if verdict == "applicable" else "not-relevant"
            record(store, DecisionRequest(control, system, verdict, kind, "Decided for the benchmark.", "U-BENCH"))
        rows = measure("example organisation (6 systems)", store, runs)
        store.close()
        rows.append(command("example organisation", home))
    return rows


def synthetic_org(n_systems: int, runs: int, undecided: float) -> list[str]:
    """A synthetic organisation on disk, bulk loaded (no transaction: it is a benchmark fixture)."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        store = OxigraphStore(home / "store")
        load_reference(store, OntologyLayout(DEFAULT_ONTOLOGY_DIR))
        CONTROL_IDS[:] = [c for c, _ in controls(store)]
        started = time.perf_counter()
        for graph, triples in synthetic(n_systems, undecided=undecided):
            target = NamedNode(graph)
            store._store.bulk_extend(Quad(t.subject, t.predicate, t.object, target) for t in triples)
            del triples
        gc.collect()
        label = f"{n_systems:,} systems ({undecided:.0%} of cells undecided, {store.count():,} quads)"
        rows = [
            f"| synthetic organisation, {label}: generated and bulk loaded | {time.perf_counter() - started:.0f} s |"
        ]
        # Measured as a user meets it: the store written, flushed and opened again by a new reader.
        store.flush()
        store.close()
        store = OxigraphStore(home / "store")
        shown = "drawn row by row" if n_systems <= AGGREGATE_ABOVE else "counted by tier"
        rows += measure(f"{n_systems:,} systems ({shown})", store, runs)
        store.close()
        rows.append(command(f"{n_systems:,} systems", home))
    return rows


def main() -> None:
    """Print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--systems", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--undecided", type=float, default=0.1)
    args = parser.parse_args()
    print("| measure | value |")
    print("|---|---|")
    for row in example(args.runs):
        print(row, flush=True)
    for size in (AGGREGATE_ABOVE, args.systems):  # the largest matrix drawn in full, then the large one
        for row in synthetic_org(size, args.runs, args.undecided):
            print(row, flush=True)


if __name__ == "__main__":
    main()
