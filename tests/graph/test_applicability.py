"""The applicability matrix stays equal to what the decisions and the inventory say, through every write path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pyoxigraph import NamedNode, Quad

from graph.compliance.applicability import (
    APPLICABLE,
    CELL_OF_TALLY,
    CELL_PREDICATES,
    COUNTS,
    NOT_APPLICABLE,
    TALLY_OF,
    UNDECIDED,
    cells_of,
    matrix_triples,
    organisation_cells,
    systems_in_scope,
)
from graph.compliance.decisions import DecisionRequest, record, system_iri
from graph.compliance.soa import soa_rollup
from graph.ingest.load import OntologyLayout
from graph.ingest.rdf_files import read_triples
from graph.inventory.importer import import_inventory
from graph.namespaces import GRAPH_APPLICABILITY, GRAPH_DECISIONS, ISO, ORGANISATION
from graph.store import text
from tests.conftest import EXAMPLE_INVENTORY, example_store


def decide(store: Any, control: str, system: str | None, verdict: str = "applicable") -> None:
    record(
        store,
        DecisionRequest(control, system, verdict, "best-practice", "A reason long enough.", "U1"),
    )


def matrix(store: Any) -> set[tuple[str, str, str]]:
    return {(text(q.subject), text(q.predicate), text(q.object)) for q in store.quads(GRAPH_APPLICABILITY)}


def recomputed(store: Any) -> set[tuple[str, str, str]]:
    triples = matrix_triples(store, systems_in_scope(store))
    return {(text(t.subject), text(t.predicate), text(t.object)) for t in triples}


@pytest.fixture
def store(layout: OntologyLayout, fresh_store: Callable[[], Any]) -> Any:
    return example_store(layout, store=fresh_store())


def cells_only(store: Any) -> set[tuple[str, str, str]]:
    return {cell for cell in matrix(store) if cell[1] in CELL_PREDICATES}


def tallies(store: Any) -> dict[tuple[str, str], int]:
    return {(c, p): int(n) for c, p, n in matrix(store) if p in CELL_OF_TALLY}


def test_import_gives_every_system_one_undecided_cell_per_control(store: Any) -> None:
    cells = cells_only(store)
    systems = systems_in_scope(store)
    assert len(systems) == 6 and len(cells) == 6 * 38
    assert {p for _, p, _ in cells} == {UNDECIDED}
    counted = tallies(store)
    assert len(counted) == 3 * 38 and len(matrix(store)) == len(cells) + len(counted)
    assert {n for (_, p), n in counted.items() if p == TALLY_OF[UNDECIDED]} == {6}
    assert {n for (_, p), n in counted.items() if p != TALLY_OF[UNDECIDED]} == {0}


def test_decisions_move_cells_in_the_same_write(store: Any) -> None:
    decide(store, "A.10.3", "Support chatbot")
    decide(store, "A.10.3", "Support chatbot", "not-applicable")  # a revision moves the cell again
    decide(store, "A.7.4", "CV screening model")
    decide(store, "A.2.2", None)  # organisation-wide
    assert matrix(store) == recomputed(store)
    chatbot = system_iri(store, "Support chatbot")
    assert cells_of(store, [chatbot])[chatbot]["A.10.3"] == NOT_APPLICABLE
    assert cells_of(store, [ORGANISATION])[ORGANISATION] == {"A.2.2": APPLICABLE}
    counts = organisation_cells(store)
    assert counts.count(UNDECIDED, "A.10.3") == 5 and counts.count(NOT_APPLICABLE, "A.10.3") == 1
    assert counts.count(APPLICABLE, "A.10.3") == 0  # the first decision's tally moved on with the revision
    assert counts.count(APPLICABLE, "A.2.2") == 0 and counts.organisation == {"A.2.2": APPLICABLE}
    assert counts.count(UNDECIDED, "A.2.2") == 6  # an organisation-wide decision leaves the systems' cells alone
    # The tallies say what counting every cell says (the organisation's own cells aside).
    scanned = {(text(r["cell"]), text(r["control"]).removeprefix(ISO)): int(text(r["n"])) for r in store.select(COUNTS)}
    scanned[(APPLICABLE, "A.2.2")] -= 1
    assert +counts.counts == {k: n for k, n in scanned.items() if n}


def test_reimport_drops_removed_systems_and_restores_them_with_their_decisions(
    store: Any, layout: OntologyLayout, tmp_path: Path
) -> None:
    decide(store, "A.7.4", "CV screening model")
    cv = system_iri(store, "CV screening model")
    text = EXAMPLE_INVENTORY.read_text(encoding="utf-8")
    smaller = tmp_path / "smaller.yaml"
    smaller.write_text(_without_system(text, "CV screening model"), encoding="utf-8")
    vocabulary = read_triples(layout.vocabulary)
    decisions_before = set(store.quads(GRAPH_DECISIONS))
    import_inventory(smaller, store, vocabulary, layout.shapes)
    assert cv not in {s for s, _, _ in matrix(store)}
    assert set(store.quads(GRAPH_DECISIONS)) == decisions_before
    rollup = {r.control: r for r in soa_rollup(store, dt.date(2026, 11, 25))}
    assert rollup["A.7.4"].verdict == "no decision"  # out of scope: its decision no longer counts
    import_inventory(EXAMPLE_INVENTORY, store, vocabulary, layout.shapes)
    assert cells_of(store, [cv])[cv]["A.7.4"] == APPLICABLE
    assert matrix(store) == recomputed(store)


def test_a_missing_matrix_is_rebuilt_on_first_read(store: Any) -> None:
    decide(store, "A.10.3", "Support chatbot")
    expected = matrix(store)
    store.update(f"DROP GRAPH <{GRAPH_APPLICABILITY}>")
    assert matrix(store) == set()
    assert organisation_cells(store).count(APPLICABLE, "A.10.3") == 1
    assert matrix(store) == expected


def test_change_removes_then_adds_in_one_write(store: Any) -> None:
    graph = NamedNode(GRAPH_APPLICABILITY)
    chatbot = NamedNode(system_iri(store, "Support chatbot"))
    control = NamedNode("https://w3id.org/aims-graph/iso42001/2023/A.5.2")
    undecided = Quad(chatbot, NamedNode(UNDECIDED), control, graph)
    applicable = Quad(chatbot, NamedNode(APPLICABLE), control, graph)
    absent = Quad(chatbot, NamedNode(NOT_APPLICABLE), control, graph)
    store.change([undecided, absent], [applicable])
    cells = set(store.quads(GRAPH_APPLICABILITY))
    assert applicable in cells and undecided not in cells


def _without_system(text: str, name: str) -> str:
    """The example inventory minus one system and the records that refer to it."""
    data = yaml.safe_load(text)
    data["systems"] = [s for s in data["systems"] if s["name"] != name]
    for kind in ("risks", "evidence"):
        for item in data.get(kind, []):
            for field in ("systems", "system"):
                if isinstance(item.get(field), list):
                    item[field] = [s for s in item[field] if s != name]
                elif item.get(field) == name:
                    del item[field]
        data[kind] = [i for i in data.get(kind, []) if i.get("systems", ["x"]) != []]
    # Its impact assessments name it too (their revisions stay in the graph: records are never deleted).
    dropped = {a["id"] for a in data.get("impact_assessments", []) if a["system"] == name}
    data["impact_assessments"] = [a for a in data.get("impact_assessments", []) if a["id"] not in dropped]
    data["impacts"] = [i for i in data.get("impacts", []) if i["assessment"] not in dropped]
    return yaml.safe_dump(data, sort_keys=False)
