"""Several processes recording decisions on one control and system of a remote store, and the checks after.

Shared by ``bench/concurrent_writers_bench.py`` and ``tests/graph/test_several_writers.py``. A writer is
a separate process (``python bench/concurrent_writers.py --url ...``), so the writers share nothing but
the server (and, when asked, the lock directory), as separate users' commands would.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode

from graph.compliance.applicability import CELLS, TALLIES, TALLY_OF, systems_in_scope
from graph.compliance.decisions import DecisionRequest, history_by_iri, record, system_iri
from graph.namespaces import ISO, ORGANISATION
from graph.store import Store, text
from graph.store.remote import RemoteStore

VERDICTS = ("applicable", "not-applicable")
# Every tenth decision is sent twice with the same key: the second must find the first, not write again.
REPEAT_EVERY = 10


@dataclass(frozen=True)
class Target:
    """Where the writers write: the server's URLs, its update token, and the lock directory (or none)."""

    url: str
    update_url: str
    token: str | None = None
    lock_dir: Path | None = None

    def store(self) -> RemoteStore:
        """A remote store on the target."""
        return RemoteStore(self.url, self.update_url, update_token=self.token, lock_dir=self.lock_dir)


def write(target: Target, control: str, system: str, count: int, tag: str) -> dict[str, float]:
    """Record ``count`` decisions, alternating the verdict so the tallies move; the figures as a dict."""
    store = target.store()
    started = time.perf_counter()
    repeats = 0
    for i in range(count):
        request = DecisionRequest(
            control=control,
            system=system,
            verdict=VERDICTS[i % 2],
            justification_type="best-practice",
            justification=f"writer {tag} decision {i}: reviewed with the owner",
            decided_by=f"writer-{tag}",
            key=f"{tag}-{i}",
        )
        first = record(store, request)
        if not first.created:
            raise SystemExit(f"writer {tag}: key {request.key} was new but found a decision")
        if i % REPEAT_EVERY == 0:
            again = record(store, request)
            if again.created or again.decision.iri != first.decision.iri:
                raise SystemExit(f"writer {tag}: repeating key {request.key} wrote a second decision")
            repeats += 1
    seconds = time.perf_counter() - started
    store.close()
    return {"written": count, "repeats": repeats, "seconds": seconds}


def run_writers(target: Target, control: str, system: str, processes: int, count: int) -> list[dict[str, float]]:
    """Start ``processes`` writer processes at once, wait for all; each one's figures (failures raise)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--url", target.url, "--update-url", target.update_url]
    command += ["--control", control, "--system", system, "--count", str(count)]
    if target.token:
        command += ["--token", target.token]
    if target.lock_dir:
        command += ["--lock-dir", str(target.lock_dir)]
    running = [
        subprocess.Popen([*command, "--tag", f"p{n}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(processes)
    ]
    results, failures = [], []
    for proc in running:
        stdout, stderr = proc.communicate(timeout=900)
        if proc.returncode != 0:
            failures.append(f"writer exited {proc.returncode}: {stderr.strip()[-2000:]}")
        else:
            results.append(json.loads(stdout.strip().splitlines()[-1]))
    if failures:
        raise RuntimeError("\n".join(failures))
    return results


def history_problems(store: Store, control: str, system: str, expected: int) -> list[str]:
    """What is wrong with the history of (control, system): it must be one chain of ``expected`` decisions."""
    decisions = history_by_iri(store, NamedNode(ISO + control), NamedNode(system_iri(store, system)))
    problems = []
    if len(decisions) != expected:
        problems.append(f"{len(decisions)} decisions, expected {expected}")
    current = [d.iri for d in decisions if d.current]
    if len(current) != 1:
        problems.append(f"{len(current)} current decisions, expected exactly one")
    firsts = [d.iri for d in decisions if d.revises is None]
    if len(firsts) != 1:
        problems.append(f"{len(firsts)} decisions revise nothing, expected exactly one (the first)")
    revised = Counter(d.revises for d in decisions if d.revises is not None)
    forks = [iri for iri, n in revised.items() if n > 1]
    if forks:
        problems.append(f"{len(forks)} decisions were revised more than once (forks), e.g. {forks[0]}")
    known = {d.iri for d in decisions}
    dangling = [iri for iri in revised if iri not in known]
    if dangling:
        problems.append(f"{len(dangling)} revisions point outside the history")
    # Walk the chain from the first decision: it must reach every decision and end at the current one.
    successor = {d.revises: d.iri for d in decisions if d.revises is not None}
    seen: list[str] = []
    at = firsts[0] if len(firsts) == 1 else None
    while at is not None and len(seen) <= len(decisions):
        seen.append(at)
        at = successor.get(at)
    if len(seen) != len(decisions) or (current and seen[-1] != current[0]):
        problems.append(f"the chain from the first decision reaches {len(seen)} of {len(decisions)} decisions")
    return problems


def tally_problems(store: Store, control: str, system: str) -> list[str]:
    """Whether the control's tallies equal the cells counted, and the system's cell the current verdict."""
    problems = []
    control_iri = NamedNode(ISO + control)
    cells = store.select(CELLS, bindings={"control": control_iri})
    counted = Counter(text(r["cell"]) for r in cells if text(r["system"]) != ORGANISATION)
    tallies = {text(r["tally"]): int(text(r["n"])) for r in store.select(TALLIES, bindings={"control": control_iri})}
    for cell, tally in TALLY_OF.items():
        if tallies.get(tally) != counted[cell]:
            problems.append(f"tally {tally.rsplit('#', 1)[-1]} = {tallies.get(tally)}, cells counted = {counted[cell]}")
    in_scope = len(systems_in_scope(store))
    if sum(tallies.values()) != in_scope:
        problems.append(f"the tallies add up to {sum(tallies.values())}, not the {in_scope} systems in scope")
    target = system_iri(store, system)
    mine = [text(r["cell"]) for r in cells if text(r["system"]) == target]
    decisions = history_by_iri(store, control_iri, NamedNode(target))
    current = [d for d in decisions if d.current]
    if len(mine) != 1:
        problems.append(f"{len(mine)} matrix cells for the system, expected one")
    elif current:
        verdict = "applicableControl" if current[-1].verdict == "applicable" else "notApplicableControl"
        if not mine[0].endswith(verdict):
            problems.append(f"the system's cell is {mine[0]}, but the current verdict is {current[-1].verdict}")
    return problems


def main() -> None:
    """Writer process entry point: record decisions, print the figures as one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--update-url", required=True)
    parser.add_argument("--token")
    parser.add_argument("--lock-dir", type=Path)
    parser.add_argument("--control", required=True)
    parser.add_argument("--system", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--tag", required=True)
    args = parser.parse_args()
    target = Target(args.url, args.update_url, args.token, args.lock_dir)
    print(json.dumps(write(target, args.control, args.system, args.count, args.tag)))


if __name__ == "__main__":
    main()
