"""Benchmark: decisions per second with several writer processes on one control and system of a remote store.

Run: .venv/bin/python bench/concurrent_writers_bench.py [--processes 3] [--count 300]
     [--backend oxigraph|endpoint|virtuoso|all]

``oxigraph``: a real Oxigraph server (``oxigraph serve``) with the example organisation; the writers share
a lock file, since that server does not keep concurrent updates apart. ``endpoint``: our own endpoint as
the owner of an on-disk store (``create_endpoint`` with an update token), no lock: the conditional update
alone (``--endpoint-lock``: with the lock file, as the `aims` commands that reach an owner use it). ``virtuoso`` (when installed): Virtuoso at its default isolation, with the lock file. Each writer records ``--count`` decisions (every tenth sent twice with the same key). Afterwards
the history must be one unbroken chain of processes x count decisions and the tallies exact; the script
exits non-zero otherwise.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from concurrent_writers import Target, history_problems, run_writers, tally_problems
from oxigraph_server import oxigraph_server
from virtuoso_server import ensure_installed as ensure_virtuoso
from virtuoso_server import virtuoso_server

from graph.endpoint import EndpointConfig
from graph.endpoint.serving import background_endpoint
from graph.ingest.load import OntologyLayout
from graph.ingest.rdf_files import read_triples
from graph.inventory.importer import import_inventory
from graph.settings import DEFAULT_ONTOLOGY_DIR
from graph.store import Store
from graph.store.embedded import OxigraphStore
from graph.store.remote import RemoteStore

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "ontology/examples/kestrel-finance.yaml"
CONTROL, SYSTEM = "A.6.2.4", "Support chatbot"


def load_example(store: Store) -> None:
    """The standard and the example organisation."""
    from graph.ingest.load import load_reference

    layout = OntologyLayout(DEFAULT_ONTOLOGY_DIR)
    load_reference(store, layout)
    import_inventory(EXAMPLE, store, read_triples(layout.vocabulary), layout.shapes)


def measure(name: str, target: Target, processes: int, count: int) -> bool:
    """Run the writers, print decisions/s and the checks; whether the history and tallies are sound."""
    started = time.perf_counter()
    figures = run_writers(target, CONTROL, SYSTEM, processes, count)
    elapsed = time.perf_counter() - started
    check = RemoteStore(target.url, target.update_url)
    problems = history_problems(check, CONTROL, SYSTEM, processes * count)
    problems += tally_problems(check, CONTROL, SYSTEM)
    slowest = max(f["seconds"] for f in figures)
    print(
        f"{name}: {processes} processes x {count} decisions in {elapsed:.1f} s = "
        f"{processes * count / elapsed:.1f} decisions/s (slowest writer {slowest:.1f} s); "
        f"history and tallies: {'ok' if not problems else '; '.join(problems)}"
    )
    return not problems


def main() -> None:
    """Run the chosen backends; exit 1 if any left a broken history or wrong tallies."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--backend", choices=["oxigraph", "endpoint", "virtuoso", "all"], default="all")
    parser.add_argument(
        "--endpoint-lock", action="store_true", help="endpoint: writers also share the lock file, as `aims` clients do"
    )
    args = parser.parse_args()
    sound = True
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        if args.backend in {"oxigraph", "all"}:
            with oxigraph_server(work / "oxigraph") as url:
                load_example(RemoteStore(url))
                target = Target(url, url.replace("/query", "/update"), lock_dir=work / "locks")
                sound &= measure("oxigraph server", target, args.processes, args.count)
        if args.backend in {"endpoint", "all"}:
            store = OxigraphStore(work / "store")
            load_example(store)
            with background_endpoint(store, EndpointConfig(update_token="bench-token")) as url:
                locks = work / "endpoint-locks" if args.endpoint_lock else None
                target = Target(url, url, token="bench-token", lock_dir=locks)
                name = "our endpoint as owner" + (" (lock file)" if locks else " (conditional update alone)")
                sound &= measure(name, target, args.processes, args.count)
            store.close()
        missing = ensure_virtuoso() if args.backend in {"virtuoso", "all"} else "not asked for"
        if args.backend in {"virtuoso", "all"} and missing is not None:
            print(f"Virtuoso skipped: {missing}", file=sys.stderr)
        if missing is None:
            with virtuoso_server(work / "virtuoso") as url:
                load_example(RemoteStore(url, url))
                target = Target(url, url, lock_dir=work / "virtuoso-locks")
                sound &= measure("Virtuoso (read committed, lock file)", target, args.processes, args.count)
    sys.exit(0 if sound else 1)


if __name__ == "__main__":
    main()
