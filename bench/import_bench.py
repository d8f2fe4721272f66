"""Benchmark: importing a large inventory file (N systems, N risks, N evidence items), wall time and peak memory.

An enterprise re-imports its inventory often, so the import of a 10,000-system file has a budget (15 s,
1 GB peak RSS; issue 17). Each measurement runs in a fresh child process so its peak RSS is its own,
read with ``resource.getrusage(RUSAGE_CHILDREN)`` after the child ends.

Run: .venv/bin/python bench/import_bench.py N [--mode cli|import]
  cli:    `aims load --inventory FILE` in a fresh AIMS_HOME (reference load + import, the user's command)
  import: only ``import_inventory`` timed, in a child that has already loaded the reference graphs
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROLES = ("provider", "developer", "deployer", "user")
TIERS = ("high", "limited", "minimal")


def inventory(n: int) -> dict[str, object]:
    """A valid inventory with ``n`` systems, ``n`` risks and ``n`` evidence items (deterministic)."""
    systems, risks, evidence = [], [], []
    for i in range(n):
        systems.append(
            {
                "name": f"System {i}",
                "aliases": [f"sys{i}"],
                "purpose": "Does things.",
                "owner": f"Owner {i % 300}",
                "role": [ROLES[i % 4]],
                "lifecycle_stage": "operation and monitoring",
                "eu_ai_act_tier": TIERS[i % 3],
                "trains_in_house": i % 3 == 0,
                "uses_third_party": bool(i % 2),
                "personal_data": bool(i % 2),
                "customer_facing": i % 4 == 0,
                "automation": "human-in-the-loop",
                "human_oversight": "Reviewed.",
                "models": [f"Model {i % 200}"],
                "datasets": [f"Dataset {i % 200}"],
                "suppliers": [f"Supplier {i % 50}"],
            }
        )
        risks.append(
            {
                "id": f"R-{i}",
                "title": f"Risk {i}",
                "description": "A risk.",
                "systems": [f"System {i}"],
                "likelihood": 1 + i % 5,
                "impact": 1 + (i // 5) % 5,
                "risk_source": "C.3.4",
                "owner": f"Owner {i % 300}",
                "controls": ["A.6.2.4"],
            }
        )
        evidence.append(
            {
                "title": f"Evidence {i}",
                "url": f"https://e.example/{i}",
                "owner": f"Owner {i % 300}",
                "effective": "2026-01-01",
                "valid_until": "2027-01-01",
                "controls": ["A.6.2.8"],
                "systems": [f"System {i}"],
            }
        )
    return {
        "organisation": {"name": "Scale Org", "scope": "All"},
        "suppliers": [{"name": f"Supplier {i}", "description": "x", "provides": ["model API"]} for i in range(50)],
        "models": [{"name": f"Model {i}", "supplier": f"Supplier {i % 50}", "third_party": True} for i in range(200)],
        "datasets": [{"name": f"Dataset {i}", "source": "internal", "personal_data": bool(i % 2)} for i in range(200)],
        "systems": systems,
        "risks": risks,
        "evidence": evidence,
    }


def child_import(path: Path) -> None:
    """In this (child) process: load the reference graphs in memory, then time only the import."""
    from graph.ingest.load import OntologyLayout, load_reference
    from graph.ingest.rdf_files import read_triples
    from graph.inventory.importer import import_inventory
    from graph.settings import DEFAULT_ONTOLOGY_DIR
    from graph.store.embedded import OxigraphStore

    layout = OntologyLayout(DEFAULT_ONTOLOGY_DIR)
    store = OxigraphStore(None)
    load_reference(store, layout)
    started = time.perf_counter()
    report = import_inventory(path, store, read_triples(layout.vocabulary), layout.shapes)
    print(f"import_inventory {time.perf_counter() - started:.2f} s, {report.triples} triples", flush=True)


# Runs the command given as arguments and prints its own CPU time and peak RSS (MB) as a last line.
_MEASURE_CHILD = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stderr.write(done.stderr)
sys.stdout.write(done.stdout)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"measured {usage.ru_utime + usage.ru_stime:.2f} {usage.ru_maxrss / 1024:.0f}")
sys.exit(done.returncode)
"""


def main() -> None:
    """Write the file, run one measured child, print a Markdown row."""
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("--mode", choices=("cli", "import"), default="cli")
    parser.add_argument(
        "--reimport", action="store_true", help="cli mode: import once unmeasured, then measure a re-import"
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_import(args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "inventory.yaml"
        path.write_text(yaml.safe_dump(inventory(args.n), sort_keys=False), encoding="utf-8")
        size_mb = path.stat().st_size / 1e6
        if args.mode == "cli":
            home = Path(tmp) / "home"
            command = [str(Path(sys.executable).parent / "aims"), "load", "--inventory", str(path)]
            env = {**os.environ, "AIMS_HOME": str(home)}
        else:
            command = [sys.executable, __file__, str(args.n), "--child", str(path)]
            env = dict(os.environ)
        if args.reimport and args.mode == "cli":
            first = subprocess.run(command, env=env, capture_output=True, text=True)
            if first.returncode != 0:
                sys.exit(f"the first import failed:\n{first.stderr[-2000:]}")
            # A re-import of a changed file: one system's purpose edited (RUSAGE_CHILDREN keeps the
            # largest child's peak, so run this one in a grandchild to measure it alone).
            text = path.read_text(encoding="utf-8").replace("purpose: Does things.", "purpose: Does more.", 1)
            path.write_text(text, encoding="utf-8")
            command = [sys.executable, "-c", _MEASURE_CHILD, *command]
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"the import failed:\n{done.stderr[-2000:]}")
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time beside wall time: on a shared machine the wall time also measures the neighbours.
    cpu, peak_mb = usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
    lines = done.stdout.strip().splitlines()
    if lines and lines[-1].startswith("measured "):
        _, cpu_text, peak_text = lines.pop().split()
        cpu, peak_mb = float(cpu_text), float(peak_text)
        args.mode += " (re-import)"
    detail = lines[-1] if lines else ""
    print("| N systems | file | mode | wall time | CPU time | peak RSS | detail |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {args.n} | {size_mb:.1f} MB | {args.mode} | {wall:.2f} s | {cpu:.2f} s | {peak_mb:.0f} MB | {detail} |")


if __name__ == "__main__":
    main()
