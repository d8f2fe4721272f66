"""Several processes on one store (issue 17, "Several processes").

Before: on the embedded store a second process failed ("open in another process"), so the Slack bot,
`aims serve` and the CLI could not run side by side; on a remote store two writers could both revise the
same decision (a fork) and both move the tallies from the same old values. Now the process holding the
store publishes itself and the others talk to it, and a decision on a remote store is one conditional
update, retried. Writers are real processes against real servers: an Oxigraph server and our endpoint.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from concurrent_writers import Target, history_problems, run_writers, tally_problems
from pyoxigraph import Literal, NamedNode, Triple
from virtuoso_server import ensure_installed as ensure_virtuoso
from virtuoso_server import virtuoso_server

from graph.compliance.decisions import DecisionRequest, history, record
from graph.compliance.remote_record import Snapshot, conditional_update, write_decision
from graph.endpoint import EndpointConfig
from graph.endpoint.serving import background_endpoint
from graph.ingest.load import OntologyLayout
from graph.namespaces import AIMS, RDF_TYPE
from graph.settings import Settings
from graph.store import StoreError
from graph.store.embedded import OxigraphStore
from graph.store.factory import open_local, open_store
from graph.store.owner import live_owner, owner_path, published, read_owner
from graph.store.remote import RemoteStore
from tests.conftest import EXAMPLE_INVENTORY, example_store, run_aims

CONTROL, SYSTEM = "A.6.2.4", "Support chatbot"


@pytest.fixture
def served_example(layout: OntologyLayout, oxigraph_server: str) -> str:
    """The example organisation on a real Oxigraph server (emptied first); yields the query URL."""
    store = RemoteStore(oxigraph_server)
    store.update("DROP SILENT ALL")
    example_store(layout, store=store)
    return oxigraph_server


def test_concurrent_writers_on_an_oxigraph_server_do_not_fork_the_history_or_skew_the_tallies(
    served_example: str, tmp_path: Path
) -> None:
    # Oxigraph server evaluates concurrent updates on snapshots and keeps both (a conditional update
    # alone forked the history in 3 x 40: see remote_record), so this machine's writers share a lock.
    target = Target(served_example, served_example.replace("/query", "/update"), lock_dir=tmp_path / "locks")
    run_writers(target, CONTROL, SYSTEM, processes=3, count=40)
    store = RemoteStore(served_example)
    assert history_problems(store, CONTROL, SYSTEM, expected=120) == []
    assert tally_problems(store, CONTROL, SYSTEM) == []


def test_concurrent_writers_through_our_endpoint_do_not_fork_the_history_or_skew_the_tallies(
    layout: OntologyLayout, tmp_path: Path
) -> None:
    # No lock here: the endpoint applies updates one at a time, and the conditional update keeps the
    # writers apart by itself (losers match nothing, read again and retry).
    store = example_store(layout, tmp_path / "store")
    with background_endpoint(store, EndpointConfig(update_token="owner-token")) as url:
        run_writers(Target(url, url, token="owner-token"), CONTROL, SYSTEM, processes=3, count=5)
        remote = RemoteStore(url, url)
        assert history_problems(remote, CONTROL, SYSTEM, expected=15) == []
        assert tally_problems(remote, CONTROL, SYSTEM) == []
    store.close()


def test_the_owner_writing_in_process_and_others_through_its_endpoint_keep_one_chain(
    layout: OntologyLayout, tmp_path: Path
) -> None:
    # The Slack bot records decisions on its own store while CLI processes write through its endpoint:
    # the endpoint applies their updates under the same write lock, never between the bot's read and write.
    store = example_store(layout, tmp_path / "store")
    with background_endpoint(store, EndpointConfig(update_token="owner-token")) as url:
        others = threading.Thread(
            target=run_writers, args=(Target(url, url, token="owner-token"), CONTROL, SYSTEM, 2, 4)
        )
        others.start()
        for i in range(12):
            record(store, _request(f"decided by the owner in process, number {i}"))
        others.join(timeout=600)
        assert history_problems(store, CONTROL, SYSTEM, expected=20) == []
        assert tally_problems(store, CONTROL, SYSTEM) == []
    store.close()


def test_concurrent_writers_on_virtuoso_do_not_fork_the_history_or_skew_the_tallies(
    layout: OntologyLayout, tmp_path: Path
) -> None:
    if (missing := ensure_virtuoso()) is not None:
        pytest.skip(missing)  # no apt or no root: the reason says which
    # At its default isolation (read committed) Virtuoso commits two conflicting conditional updates, like
    # Oxigraph server (3 x 10 forked the history): the writers of this machine take turns through the lock.
    with virtuoso_server(tmp_path / "virtuoso") as url:
        example_store(layout, store=RemoteStore(url, url))
        run_writers(Target(url, url, lock_dir=tmp_path / "locks"), CONTROL, SYSTEM, processes=3, count=20)
        store = RemoteStore(url, url)
        assert history_problems(store, CONTROL, SYSTEM, expected=60) == []
        assert tally_problems(store, CONTROL, SYSTEM) == []


def test_a_decision_that_lost_the_race_writes_nothing_and_is_retried_on_the_new_current(served_example: str) -> None:
    store = RemoteStore(served_example)
    first = record(store, _request("the first decision on this control"))
    stale = Snapshot(previous=None, cell=f"{AIMS}undecidedControl")
    decision, control = (
        NamedNode("https://example.org/decision/late"),
        NamedNode("https://w3id.org/aims-graph/iso42001/2023/" + CONTROL),
    )
    system = NamedNode(first.decision.system)
    # Written as if no decision existed yet: the condition no longer holds, so nothing at all is written.
    typed = [Triple(decision, NamedNode(RDF_TYPE), NamedNode(AIMS + "Decision"))]
    store.update(conditional_update(decision, control, system, f"{AIMS}applicableControl", typed, stale, None))
    assert store.count() == RemoteStore(served_example).count()
    assert [d.iri for d in history(store, CONTROL, SYSTEM)] == [first.decision.iri]
    second = record(store, _request("the second decision, revising the first"))
    assert second.decision.revises == first.decision.iri
    assert tally_problems(store, CONTROL, SYSTEM) == []


def test_hostile_justification_in_a_conditional_update_is_stored_as_text(served_example: str) -> None:
    store = RemoteStore(served_example)
    hostile = 'ok" } } ; DROP ALL ; INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> "pwned" } } # \\ \n >'
    before = store.count()
    written = record(store, _request(hostile))
    assert [d.justification for d in history(store, CONTROL, SYSTEM)] == [hostile.strip()]
    assert store.count() > before and "urn:x" not in store.graph_names()
    assert written.created


def test_a_repeated_key_on_a_remote_store_records_once(served_example: str) -> None:
    store = RemoteStore(served_example)
    first = record(store, _request("recorded once whatever the retries", key="k-1"))
    again = record(store, _request("recorded once whatever the retries", key="k-1"))
    assert first.created and not again.created and again.decision.iri == first.decision.iri
    # The same key reaching the conditional write (a retry that crossed the first call) finds the first too.
    control = NamedNode("https://w3id.org/aims-graph/iso42001/2023/" + CONTROL)
    system = NamedNode(first.decision.system)
    duplicate = NamedNode("https://example.org/decision/dup")
    typed = [Triple(duplicate, NamedNode(RDF_TYPE), NamedNode(AIMS + "Decision"))]
    outcome = write_decision(store, duplicate, control, system, f"{AIMS}applicableControl", typed, Literal("k-1"))
    assert outcome.existing == first.decision.iri
    assert len(history(store, CONTROL, SYSTEM)) == 1


def _request(justification: str, key: str | None = None) -> DecisionRequest:
    return DecisionRequest(CONTROL, SYSTEM, "applicable", "best-practice", justification, "U1", key=key)


# --- one owner, others talk to it ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def serving_home(layout: OntologyLayout, tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """An AIMS_HOME with the example organisation, held by a running `aims serve`; stopped with SIGTERM."""
    home = tmp_path / "home"
    example_store(layout, home / "store").close()
    env = {**os.environ, "AIMS_HOME": str(home)}
    env.pop("AIMS_STORE", None)
    env.pop("AIMS_UPDATE_TOKEN", None)
    exe = Path(sys.executable).parent / "aims"
    server = subprocess.Popen(
        [str(exe), "serve", "--port", str(_free_port())],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while live_owner(home) is None:
        assert server.poll() is None, server.communicate()[1]
        assert time.monotonic() < deadline, "aims serve did not publish itself"
        time.sleep(0.2)
    yield home, server
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def test_cli_commands_run_beside_a_serving_process_instead_of_failing_on_the_lock(
    serving_home: tuple[Path, subprocess.Popen[str]],
) -> None:
    home, server = serving_home
    owner = read_owner(home)
    assert owner is not None and owner.pid == server.pid
    assert stat.S_IMODE(owner_path(home).stat().st_mode) == 0o600
    decided = run_aims(
        home,
        "decide",
        "--control",
        CONTROL,
        "--system",
        SYSTEM,
        "--verdict",
        "not-applicable",
        "--justification",
        "Decided from the CLI while the server runs",
        "--by",
        "lead",
    )
    assert decided.returncode == 0, decided.stderr
    # A second process (this one) writes through the owner too, and each sees the other's decision.
    store = open_store(Settings(home=home))
    assert isinstance(store, RemoteStore)
    record(store, _request("Decided from a second process through the owner"))
    shown = run_aims(home, "history", CONTROL, "--system", SYSTEM, "--json")
    assert shown.returncode == 0, shown.stderr
    justifications = [row["justification"] for row in json.loads(shown.stdout)]
    assert justifications == [
        "Decided from the CLI while the server runs",
        "Decided from a second process through the owner",
    ]
    assert tally_problems(store, CONTROL, SYSTEM) == []
    soa = run_aims(home, "soa", "--system", SYSTEM, "--format", "csv")
    assert soa.returncode == 0 and CONTROL in soa.stdout, soa.stderr
    # A re-import sends the reference graphs and the inventory as one update, well over the 1 MB that
    # callers without the token may send; it must not meet that cap, and it keeps the decisions.
    reloaded = run_aims(home, "load", "--inventory", str(EXAMPLE_INVENTORY))
    assert reloaded.returncode == 0, reloaded.stderr
    assert len(json.loads(run_aims(home, "history", CONTROL, "--system", SYSTEM, "--json").stdout)) == 2
    store.close()
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    assert not owner_path(home).exists(), "the owner file outlived the server"
    # The store is free again: the next command opens it directly.
    assert isinstance(open_store(Settings(home=home)), OxigraphStore)


HOLDER = """
import sys, time
from pathlib import Path
from graph.store.embedded import OxigraphStore
store = OxigraphStore(Path(sys.argv[1]))
print("open", flush=True)
time.sleep(120)
"""


def test_a_locked_store_without_an_owner_gives_one_line_naming_the_holder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(home / "store")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        # A stale owner file, from a process that has exited, is not trusted.
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
        with published(home, "http://127.0.0.1:9/sparql", "old-token"):
            stale = json.loads(owner_path(home).read_text())
            stale["pid"] = int(dead.stdout)
            owner_path(home).write_text(json.dumps(stale))
            assert live_owner(home) is None
            started = time.monotonic()
            with pytest.raises(StoreError) as refused:
                open_local(Settings(home=home), wait_seconds=0.5)
            assert time.monotonic() - started >= 0.5
        message = str(refused.value)
        assert "\n" not in message and f"process {holder.pid}" in message and "aims serve" in message
    finally:
        holder.kill()
        holder.wait()
