"""Benchmark: durable decision writes, concurrent writers, and SoA / roll-up / gap / saved queries at scale.

Run: .venv/bin/python bench/decisions_bench.py [--systems 10000] [--rdflib-systems 300] [--writes 300]

1. Decision writes on the on-disk store (the example organisation), one `record` call each: p50 / p95.
2. 1,000 decisions from 20 threads on disk: all present, none duplicated, every history chain linear.
3. A synthetic organisation of N AI systems with a current decision for each of the 38 controls (plus a
   risk and an evidence item per system), written in bulk with the same triples `record` and an import
   write (decisions and applicability matrix): load time, store size, then p50 / p95 of a per-system
   SoA and gap, a decision write, the roll-up and the gap analysis each right after a write, and every
   saved query. Then the same with a share of cells undecided (--undecided, default 10%).
4. The same SPARQL queries on rdflib's in-memory graph for a smaller synthetic organisation (rdflib
   needs minutes per query at full size), as a speed ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import rdflib
from pyoxigraph import NamedNode
from synthetic_org import CONTROL_IDS, rdflib_dataset, synthetic

from graph.compliance.applicability import COUNTS
from graph.compliance.decisions import DecisionRequest, record
from graph.compliance.gap import gap_analysis
from graph.compliance.soa import CURRENT_FOR_SYSTEM, controls, soa_for_system, soa_rollup
from graph.ingest.load import OntologyLayout, load_reference
from graph.ingest.rdf_files import read_triples
from graph.inventory.importer import import_inventory
from graph.namespaces import AIMS, ORG, PROV, RDFS
from graph.queries.saved import run_saved_query, saved_queries
from graph.settings import DEFAULT_ONTOLOGY_DIR
from graph.store.embedded import OxigraphStore

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "ontology/examples/kestrel-finance.yaml"
LAYOUT = OntologyLayout(DEFAULT_ONTOLOGY_DIR)
TODAY = dt.date(2026, 11, 25)
NAMES = f"SELECT ?name WHERE {{ ?system a <{AIMS}AISystem> ; <{RDFS}label> ?name }}"


def percentile(values: list[float], q: float) -> float:
    """Inclusive percentile of a list of milliseconds."""
    return (
        statistics.quantiles(sorted(values), n=100, method="inclusive")[int(q * 100) - 1]
        if len(values) > 1
        else values[0]
    )


def timed(action: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds of ``runs`` calls, after one warm-up call."""
    action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def example_store(path: Path) -> OxigraphStore:
    """On-disk store with the reference graphs and the example organisation."""
    store = OxigraphStore(path)
    load_reference(store, LAYOUT)
    import_inventory(EXAMPLE, store, read_triples(LAYOUT.vocabulary), LAYOUT.shapes)
    return store


def bench_writes(writes: int) -> list[str]:
    """Sequential durable writes and 1,000 concurrent ones."""
    rows = []
    systems = ["Support chatbot", "CV screening model", "Fraud scoring model", "Product recommender"]
    with tempfile.TemporaryDirectory() as tmp:
        store = example_store(Path(tmp) / "store")
        ids = [c for c, _ in controls(store)]
        counter = iter(range(10**9))

        def one() -> None:
            i = next(counter)
            record(
                store,
                DecisionRequest(
                    ids[i % 38],
                    systems[i % 4],
                    "applicable",
                    "best-practice",
                    f"Benchmark decision {i}",
                    "U-BENCH",
                ),
            )

        times = timed(one, writes)
        rows.append(
            f"| decision write, on-disk store, {writes} sequential writes: p50 / p95 | {percentile(times, 0.5):.1f} ms / {percentile(times, 0.95):.1f} ms |"
        )
        store.close()
    with tempfile.TemporaryDirectory() as tmp:
        store = example_store(Path(tmp) / "store")

        def write(i: int) -> bool:
            return record(
                store,
                DecisionRequest(
                    ids[i % 38],
                    systems[i % 4],
                    "applicable",
                    "best-practice",
                    f"Concurrent decision {i}",
                    "U-BENCH",
                    key=f"c{i}",
                ),
            ).created

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=20) as pool:
            created = sum(pool.map(write, range(1000)))
        seconds = time.perf_counter() - started
        count = store.select(f"SELECT (COUNT(?d) AS ?n) WHERE {{ ?d a <{AIMS}Decision> }}")[0]["n"]
        forks = store.select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{PROV}wasRevisionOf> ?x . ?b <{PROV}wasRevisionOf> ?x FILTER(?a != ?b) }}"
        )[0]["n"]
        heads = store.select(
            f"""SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT ?c ?s (COUNT(?d) AS ?k) WHERE {{ ?d a <{AIMS}Decision> ;
            <{AIMS}aboutControl> ?c ; <{AIMS}aboutSystem> ?s FILTER NOT EXISTS {{ ?d <{AIMS}supersededBy> ?n2 }} }}
            GROUP BY ?c ?s }} FILTER(?k != 1) }}"""
        )[0]["n"]
        rows.append(
            f"| 1,000 decisions from 20 threads (on disk) | {seconds:.1f} s; created {created}, present "
            f"{count.value}, forked chains {forks.value}, pairs without exactly one current decision {heads.value} |"  # type: ignore[union-attr]
        )
        store.close()
    return rows


def saved_query_params(name: str) -> dict[str, str]:
    """Representative parameters for each saved query."""
    return {
        "controls-without-decision": {"name": "Synthetic system 42"},
        "evidence-expiring": {"days": "30"},
        "decisions-changed-since": {"since": "2026-11-01"},
        "who-decided-what": {"who": "U-BENCH"},
    }.get(name, {})


def bench_scale(n_systems: int, runs: int, undecided: float = 0.0) -> list[str]:
    """Load the synthetic organisation on disk and time the per-system and organisation-wide reads.

    Roll-up and gap are timed right after a real decision write each time: nothing they read from the
    decisions is cached, so this is what every call costs. Saved queries run as `aims query` runs them.
    """
    rows = []
    scenario = f"{undecided:.0%} of cells undecided" if undecided else "every cell decided"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store"
        store = OxigraphStore(path)
        load_reference(store, LAYOUT)
        CONTROL_IDS[:] = [c for c, _ in controls(store)]
        started = time.perf_counter()
        graphs = synthetic(n_systems, undecided=undecided)
        for graph, triples in graphs:
            for i in range(0, len(triples), 200_000):
                store.insert(graph, triples[i : i + 200_000])
        load_seconds = time.perf_counter() - started
        # Four million Triple objects kept alive would make every later garbage collection a long pause.
        del graphs, triples
        gc.collect()
        size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6
        rows.append(
            f"| synthetic organisation ({scenario}): {n_systems:,} systems, {store.count():,} quads | "
            f"generated and written in {load_seconds:.0f} s; {size:.0f} MB on disk |"
        )
        for label, first_read in (
            ("organisation roll-up", lambda: soa_rollup(store, TODAY)),
            ("gap analysis (organisation)", lambda: gap_analysis(store, TODAY)),
        ):
            started = time.perf_counter()
            first_read()
            rows.append(
                f"| {label}, first call after the import (reads and keeps the inventory-only facts) | "
                f"{(time.perf_counter() - started) * 1000:.0f} ms |"
            )
        floor = timed(lambda: store.select(NAMES), max(5, runs // 5))
        rows.append(
            f"| for scale: a bare SELECT of the {n_systems:,} system names, p50 / p95 | "
            f"{percentile(floor, 0.5):.0f} ms / {percentile(floor, 0.95):.0f} ms |"
        )
        rng = random.Random(1)
        names = [f"Synthetic system {rng.randrange(n_systems)}" for _ in range(runs)]
        for label, read in (
            ("SoA for one system", lambda name: soa_for_system(store, name, TODAY)),
            ("gap analysis for one system", lambda name: gap_analysis(store, TODAY, name)),
        ):
            it = iter(names * 2)
            t = timed(lambda r=read, i=it: r(next(i)), runs)  # type: ignore[misc]
            rows.append(
                f"| {label} ({runs} random systems) p50 / p95 | {percentile(t, 0.5):.1f} ms / {percentile(t, 0.95):.1f} ms |"
            )
        counter = iter(range(10**9))

        def write() -> None:
            i = next(counter)
            record(
                store,
                DecisionRequest(
                    CONTROL_IDS[i % 38],
                    names[i % len(names)],
                    "applicable",
                    "best-practice",
                    f"Benchmark decision {i}",
                    "U-BENCH",
                ),
            )

        write_times = timed(write, runs)
        rows.append(
            f"| decision write on this store p50 / p95 | {percentile(write_times, 0.5):.1f} ms / {percentile(write_times, 0.95):.1f} ms |"
        )
        for label, action in (
            ("organisation roll-up", lambda: soa_rollup(store, TODAY)),
            ("gap analysis (organisation)", lambda: gap_analysis(store, TODAY)),
        ):

            def after_a_write(act: Callable[[], object] = action) -> float:
                write()
                started = time.perf_counter()
                act()
                return (time.perf_counter() - started) * 1000

            times = [after_a_write() for _ in range(max(5, runs // 5))]
            rows.append(
                f"| {label}, each call right after a decision write: p50 / p95 | "
                f"{percentile(times, 0.5):.0f} ms / {percentile(times, 0.95):.0f} ms |"
            )
        for name in saved_queries():
            t = timed(lambda n=name: run_saved_query(store, n, saved_query_params(n)), max(5, runs // 5))  # type: ignore[misc]
            count = len(run_saved_query(store, name, saved_query_params(name))[1])
            rows.append(
                f"| saved query `{name}` ({count:,} rows) p50 / p95 | {percentile(t, 0.5):.0f} ms / {percentile(t, 0.95):.0f} ms |"
            )
        store.close()
    return rows


def bench_rdflib_ratio(n_systems: int, runs: int) -> list[str]:
    """The same SPARQL on Oxigraph (in memory) and on rdflib's in-memory graph, same data."""
    store = OxigraphStore(None)
    load_reference(store, LAYOUT)
    CONTROL_IDS[:] = [c for c, _ in controls(store)]
    for graph, triples in synthetic(n_systems):
        store.insert(graph, triples)
    rdf_graph = rdflib_dataset(store)
    system = NamedNode(f"{ORG}systems/synthetic-3")
    rows = []
    for label, query, bindings in (
        ("per-system SoA query", CURRENT_FOR_SYSTEM, {"system": system}),
        ("roll-up counts (applicability matrix)", COUNTS, None),
    ):
        ox = timed(lambda q=query, b=bindings: store.select(q, bindings=b), runs)  # type: ignore[misc]
        rdf_bindings = {k: rdflib.URIRef(v.value) for k, v in (bindings or {}).items()}
        rd = timed(lambda q=query, b=rdf_bindings: list(rdf_graph.query(q, initBindings=b)), max(2, runs // 10))  # type: ignore[misc]
        rows.append(
            f"| {label}, {n_systems} systems ({store.count():,} quads): Oxigraph vs rdflib median | "
            f"{statistics.median(ox):.1f} ms vs {statistics.median(rd):.0f} ms ({statistics.median(rd) / statistics.median(ox):.0f}x) |"
        )
    return rows


def main() -> None:
    """Print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--systems", type=int, default=10_000)
    parser.add_argument("--rdflib-systems", type=int, default=300)
    parser.add_argument("--writes", type=int, default=300)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--undecided", type=float, default=0.1, help="share of undecided cells in a second scale run (0: skip it)"
    )
    args = parser.parse_args()
    print("| measure | value |")
    print("|---|---|")
    sections: list[Callable[[], list[str]]] = [
        lambda: bench_writes(args.writes),
        lambda: bench_scale(args.systems, args.runs),
        lambda: bench_scale(args.systems, args.runs, args.undecided) if args.undecided else [],
        lambda: bench_rdflib_ratio(args.rdflib_systems, 20),
    ]
    for section in sections:
        for row in section():
            print(row, flush=True)


if __name__ == "__main__":
    main()
