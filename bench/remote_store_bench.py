"""Benchmark: the store protocol over HTTP, on a real Oxigraph server, call by call.

Run: .venv/bin/python bench/remote_store_bench.py [--runs 300]
Starts `oxigraph serve` (PyPI `oxigraph`) on 127.0.0.1, loads the standard and the example organisation
through RemoteStore, then times what the product does most against a remote store: small SELECTs with
bound values, ASKs, membership checks (`present`), decision writes, and a whole SoA for one system.
Each figure is p50 / p95 over --runs calls; the client reuses connections, so most of a call is the
server's work and one round trip.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oxigraph_server import oxigraph_server  # noqa: E402

from graph.compliance.decisions import DecisionRequest, record  # noqa: E402
from graph.compliance.soa import soa_for_system  # noqa: E402
from graph.ingest.load import OntologyLayout, load_reference  # noqa: E402
from graph.ingest.rdf_files import read_triples  # noqa: E402
from graph.inventory.importer import import_inventory  # noqa: E402
from graph.namespaces import GRAPH_APPLICABILITY, ISO, ORG  # noqa: E402
from graph.settings import DEFAULT_ONTOLOGY_DIR  # noqa: E402
from graph.store.remote import RemoteStore  # noqa: E402

CONTROL = "SELECT ?id ?control WHERE { ?control a <https://w3id.org/aims-graph/ontology#Control> ; <http://www.w3.org/2004/02/skos/core#notation> ?id }"


def timed(action: Callable[[], object], runs: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples), cuts[94]


def main() -> None:
    """Start a server, load, time, stop."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    layout = OntologyLayout(DEFAULT_ONTOLOGY_DIR)
    with tempfile.TemporaryDirectory() as tmp, oxigraph_server(Path(tmp)) as url:
        store = RemoteStore(url)
        load_reference(store, layout)
        inventory = ROOT / "ontology" / "examples" / "kestrel-finance.yaml"
        import_inventory(inventory, store, read_triples(layout.vocabulary), layout.shapes)
        cells = [
            Quad(
                NamedNode(f"{ORG}systems/support-chatbot"),
                NamedNode(p),
                NamedNode(ISO + "A.6.2.8"),
                NamedNode(GRAPH_APPLICABILITY),
            )
            for p in ("https://w3id.org/aims-graph/ontology#undecidedControl",)
        ] * 2000
        counter = iter(range(10**9))

        def decide() -> None:
            n = next(counter)
            verdict = "applicable" if n % 2 else "not-applicable"
            request = DecisionRequest(
                "A.9.3", "Support chatbot", verdict, "best-practice", f"Benchmark decision {n}.", "U-BENCH"
            )
            record(store, request)

        rows = [
            (
                "SELECT with a bound value (control by id)",
                lambda: store.select(CONTROL, bindings={"id": Literal("A.6.2.8")}),
            ),
            ("ASK", lambda: store.ask("ASK { ?s ?p ?o }")),
            ("present(): 2,000 quads", lambda: store.present(cells)),
            ("decision write (validate + one update)", decide),
            ("SoA for one system", lambda: soa_for_system(store, "Support chatbot", dt.date(2026, 12, 2))),
        ]
        print("| remote store call (Oxigraph server on loopback) | p50 | p95 |")
        print("|---|---|---|")
        for label, action in rows:
            runs = args.runs if "SoA" not in label else max(20, args.runs // 10)
            p50, p95 = timed(action, runs)
            print(f"| {label} | {p50:.2f} ms | {p95:.2f} ms |", flush=True)
        store.close()


if __name__ == "__main__":
    main()
