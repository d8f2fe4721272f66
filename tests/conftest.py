"""Shared fixtures: the ontology layout, the verified reference list and a loaded in-memory store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.service import Assistant
from graph.ingest.load import OntologyLayout, load_reference
from graph.ingest.reference import ReferenceEntry, read_reference
from graph.settings import DEFAULT_ONTOLOGY_DIR
from graph.store.embedded import OxigraphStore

ROOT = Path(__file__).resolve().parent.parent
# The benchmarks and the tests start the same server the same way: one helper, in bench/.
sys.path.insert(0, str(ROOT / "bench"))
from oxigraph_server import oxigraph_server as serve_oxigraph  # noqa: E402


@pytest.fixture(scope="session")
def layout() -> OntologyLayout:
    return OntologyLayout(DEFAULT_ONTOLOGY_DIR)


@pytest.fixture(scope="session")
def reference(layout: OntologyLayout) -> dict[str, ReferenceEntry]:
    return read_reference(layout.reference_table)


@pytest.fixture(scope="session")
def loaded_store(layout: OntologyLayout) -> OxigraphStore:
    """One in-memory store with the reference graphs, shared by read-only tests."""
    store = OxigraphStore(None)
    load_reference(store, layout)
    return store


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("index") / "index"


@pytest.fixture(scope="session")
def assistant(loaded_store: OxigraphStore, index_dir: Path) -> Assistant:
    """The assistant over the reference graphs; builds the semantic index once per test session."""
    return Assistant(loaded_store, index_dir)


def home_with_index(home: Path, index_dir: Path) -> Path:
    """Give an AIMS_HOME a copy of the session's index, so CLI tests do not embed everything again."""
    if index_dir.exists() and not (home / "index").exists():
        shutil.copytree(index_dir, home / "index")
    return home


def run_aims(home: Path, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the real ``aims`` console script with ``AIMS_HOME`` pointing at ``home``."""
    env = {**os.environ, "AIMS_HOME": str(home), "COLUMNS": "200"}
    env.pop("AIMS_STORE", None)
    exe = Path(sys.executable).parent / "aims"
    return subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, check=check, timeout=120)


EXAMPLE_INVENTORY = ROOT / "ontology" / "examples" / "kestrel-finance.yaml"


def example_store(layout: OntologyLayout, path: Path | None = None, store: Any = None) -> Any:
    """A store (given, in memory, or on disk at ``path``) with the reference graphs and the example organisation.

    An empty Oxigraph server gets the same quads in one Graph Store Protocol request: loading through
    SPARQL queries and updates, as the import does, cost about 2 s of every remote test's set-up. The
    import itself on a remote store is still tested where that is the point (test_store_backends).
    """
    from graph.ingest.rdf_files import read_triples
    from graph.inventory.importer import import_inventory

    if store is not None and _posted_to_oxigraph_server(store, layout):
        return store
    store = store if store is not None else OxigraphStore(path)
    load_reference(store, layout)
    import_inventory(EXAMPLE_INVENTORY, store, read_triples(layout.vocabulary), layout.shapes)
    return store


_EXAMPLE_NQUADS: dict[Path, bytes] = {}


def _posted_to_oxigraph_server(store: Any, layout: OntologyLayout) -> bool:
    """Fill an empty Oxigraph server (``.../query``, whose ``.../store`` takes N-Quads) with the example's quads."""
    import urllib3
    from pyoxigraph import RdfFormat, serialize

    from graph.store.remote import RemoteStore

    if not isinstance(store, RemoteStore) or not store.query_url.endswith("/query") or store.count() != 0:
        return False
    if layout.root not in _EXAMPLE_NQUADS:
        built = example_store(layout)
        _EXAMPLE_NQUADS[layout.root] = serialize(built.quads(), format=RdfFormat.N_QUADS) or b""
    reply = urllib3.request(
        "POST",
        store.query_url.removesuffix("/query") + "/store",
        body=_EXAMPLE_NQUADS[layout.root],
        headers={"Content-Type": "application/n-quads"},
        timeout=60,
    )
    return reply.status in {200, 201, 204}


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph SPARQL server (PyPI package ``oxigraph``) on 127.0.0.1; yields its query URL."""
    with serve_oxigraph(tmp_path_factory.mktemp("oxigraph-server")) as url:
        yield url


@pytest.fixture(params=["embedded", "oxigraph-server"])
def fresh_store(request: pytest.FixtureRequest) -> Callable[[], Any]:
    """Makes an empty store on each backend: embedded Oxigraph, and a real Oxigraph server over HTTP."""
    if request.param == "embedded":
        return lambda: OxigraphStore(None)
    from graph.store.remote import RemoteStore

    url = request.getfixturevalue("oxigraph_server")

    def make() -> Any:
        store = RemoteStore(url)
        store.update("DROP SILENT ALL")
        return store

    return make


ARTEFACTS = ROOT / "test-artifacts"  # git-ignored: screenshots and the like, kept for a person to look at


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Name the files tests kept for a person (``record_property("artefact", path)``), on xdist workers too."""
    kept = sorted(
        {
            str(value)
            for reports in terminalreporter.stats.values()
            for report in reports
            for name, value in getattr(report, "user_properties", ())
            if name == "artefact"
        }
    )
    if kept:
        terminalreporter.section("test artefacts")
        for path in kept:
            terminalreporter.write_line(path)
