"""Benchmark: `aims load` wall time (cold process, on-disk store) and the reference graph's size.

Run: .venv/bin/python bench/load_bench.py [--runs N]
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

from graph.ingest.load import OntologyLayout, load_reference
from graph.settings import DEFAULT_ONTOLOGY_DIR
from graph.store.embedded import OxigraphStore


def time_cli_load(runs: int) -> list[float]:
    """Wall time of the real `aims load` command, each run in a fresh process on one on-disk store."""
    aims = Path(sys.executable).parent / "aims"
    times: list[float] = []
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "AIMS_HOME": home}
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([str(aims), "load"], env=env, check=True, capture_output=True)
            times.append(time.perf_counter() - started)
    return times


def main() -> None:
    """Print a Markdown table of load figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    store = OxigraphStore(None)
    report = load_reference(store, OntologyLayout(DEFAULT_ONTOLOGY_DIR))
    in_process = []
    for _ in range(args.runs):
        in_process.append(load_reference(store, OntologyLayout(DEFAULT_ONTOLOGY_DIR)).seconds)
    cli = time_cli_load(args.runs)
    print("| measure | value |")
    print("|---|---|")
    for graph, n in report.graphs.items():
        print(f"| triples in <{graph.rsplit('/', 1)[-1]}> | {n} |")
    print(f"| triples in total | {report.total} |")
    print(
        f"| load, in process (parse + SHACL + write), median of {args.runs} | {statistics.median(in_process):.2f} s |"
    )
    print(f"| `aims load` wall time, fresh process, median of {args.runs} | {statistics.median(cli):.2f} s |")


if __name__ == "__main__":
    main()
