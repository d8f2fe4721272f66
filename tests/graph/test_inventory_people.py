"""The inventory's people section: contacts on the owners' agent nodes, and owners that must name them."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.compliance.reminders import people, person_by_name
from graph.ingest.load import OntologyLayout
from graph.ingest.rdf_files import read_triples
from graph.inventory.importer import InventoryError, import_inventory
from graph.namespaces import AIMS, GRAPH_INVENTORY, RDFS, node_iri
from graph.store import text
from graph.store.embedded import OxigraphStore
from tests.conftest import example_store

PEOPLE = """
people:
  - name: Ada Lind
    email: ada@example.com
    slack_id: U0123ABCD
    role: Risk lead
  - name: Platform team
systems:
  - name: Bot
    purpose: Answers questions.
    role: [deployer]
    owner: Ada Lind (Risk lead)
"""


def do_import(store: OxigraphStore, layout: OntologyLayout, path: Path) -> None:
    import_inventory(path, store, read_triples(layout.vocabulary), layout.shapes)


def write(tmp_path: Path, body: str, name: str = "inventory.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def problems_of(store: OxigraphStore, layout: OntologyLayout, path: Path) -> list[str]:
    before = set(store.quads())
    with pytest.raises(InventoryError) as raised:
        do_import(store, layout, path)
    assert set(store.quads()) == before  # nothing written
    return raised.value.problems


def test_example_lists_every_owner_with_how_to_reach_them(layout: OntologyLayout) -> None:
    store = example_store(layout)
    names = {p.name for p in people(store)}
    owners = {text(r["o"]) for r in store.select(f"SELECT ?o WHERE {{ ?s <{AIMS}ownedBy>/<{RDFS}label> ?o }}")}
    assert owners <= names
    priya = person_by_name(store, "Priya Natarajan (Head of Customer Support)")
    assert priya is not None and priya.slack_id == "U07KF1PRN" and priya.email == "priya.natarajan@example.com"
    assert priya.role == "Head of Customer Support" and priya.iri == node_iri("people", "Priya Natarajan")
    legal = person_by_name(store, "Legal")
    assert legal is not None and (legal.slack_id, legal.email) == ("", "")


def test_a_listed_person_is_the_owners_agent_node(layout: OntologyLayout, tmp_path: Path) -> None:
    store = example_store(layout)
    do_import(store, layout, write(tmp_path, PEOPLE))
    ada = node_iri("people", "Ada Lind")
    owned = store.select(f"SELECT ?who WHERE {{ <{node_iri('systems', 'Bot')}> <{AIMS}ownedBy> ?who }}")
    assert [text(r["who"]) for r in owned] == [ada]
    [found] = [p for p in people(store) if p.iri == ada]
    assert (found.email, found.slack_id, found.role) == ("ada@example.com", "U0123ABCD", "Risk lead")
    assert {p.name for p in people(store)} == {"Ada Lind", "Platform team"}


def test_owner_not_in_the_people_section_is_an_error_at_its_line(layout: OntologyLayout, tmp_path: Path) -> None:
    store = example_store(layout)
    body = PEOPLE.replace("owner: Ada Lind (Risk lead)", "owner: Ada Lindt") + (
        "evidence:\n  - title: E\n    owner: Nobody Known\n"
    )
    path = write(tmp_path, body)
    problems = problems_of(store, layout, path)
    assert any(p.startswith(f"{path}:12:") and "did you mean 'Ada Lind'" in p for p in problems), problems
    assert any(p.startswith(f"{path}:15:") and "listed: Ada Lind, Platform team" in p for p in problems), problems


def test_every_people_problem_is_reported_together(layout: OntologyLayout, tmp_path: Path) -> None:
    store = example_store(layout)
    body = (
        PEOPLE.replace("ada@example.com", "ada-at-example")
        .replace("U0123ABCD", "ada")
        .replace("Ada Lind (Risk lead)", "Ghost")
        .replace("  - name: Platform team\n", "  - name: Platform team\n  - name: ada lind\n    slack_id: W0123ABCD\n")
    )
    path = write(tmp_path, body)
    problems = problems_of(store, layout, path)
    assert any(f"{path}:4:" in p and "not an e-mail address" in p for p in problems), problems
    assert any(f"{path}:5:" in p and "not a Slack user id" in p for p in problems), problems
    assert any(f"{path}:14:" in p and "'Ghost', who is not in the people section" in p for p in problems), problems
    assert any(f"{path}:8:" in p and "duplicate name; first defined on line 3" in p for p in problems), problems


def test_without_a_people_section_owners_stay_free_text(layout: OntologyLayout, tmp_path: Path) -> None:
    store = example_store(layout)
    body = PEOPLE.split("systems:", 1)[1].replace("Ada Lind (Risk lead)", "Someone Else (Team)")
    do_import(store, layout, write(tmp_path, "systems:" + body))
    assert people(store) == []
    agents = store.select(f"SELECT ?who WHERE {{ ?s <{AIMS}ownedBy> ?who }}")
    assert [text(r["who"]) for r in agents] == [node_iri("people", "Someone Else")]


def test_models_datasets_and_suppliers_may_name_their_owner(layout: OntologyLayout, tmp_path: Path) -> None:
    store = example_store(layout)
    body = PEOPLE + (
        "models:\n  - name: M\n    owner: Ada Lind\n"
        "datasets:\n  - name: D\n    owner: Platform team\n"
        "suppliers:\n  - name: S\n    owner: Nobody\n"
    )
    path = write(tmp_path, body)
    problems = problems_of(store, layout, path)
    assert len(problems) == 1 and problems[0].startswith(f"{path}:21:") and "suppliers[1] (S).owner" in problems[0]
    do_import(store, layout, write(tmp_path, body.replace("owner: Nobody", "owner: Ada Lind")))
    owned = store.select(f"SELECT ?s WHERE {{ ?s <{AIMS}ownedBy> <{node_iri('people', 'Ada Lind')}> }}")
    assert {text(r["s"]).rsplit("/", 2)[-2] for r in owned} == {"systems", "models", "suppliers"}


def test_csv_people_rows_are_contacts_too(layout: OntologyLayout, tmp_path: Path) -> None:
    store = example_store(layout)
    path = write(
        tmp_path,
        "kind,name,purpose,role,owner,email,slack_id\n"
        "people,Ada Lind,,Risk lead,,ada@example.com,U0123ABCD\n"
        "systems,Bot,Answers questions,deployer,Ada Lind,,\n",
        "inventory.csv",
    )
    do_import(store, layout, path)
    assert [(p.name, p.slack_id, p.role) for p in people(store)] == [("Ada Lind", "U0123ABCD", "Risk lead")]
    bad = write(
        tmp_path,
        path.read_text(encoding="utf-8").replace(
            "Bot,Answers questions,deployer,Ada Lind", "Bot,Answers questions,deployer,Ada"
        ),
        "bad.csv",
    )
    problems = problems_of(store, layout, bad)
    assert len(problems) == 1 and problems[0].startswith(f"{bad}:3:") and "listed: Ada Lind" in problems[0]
    assert len(list(store.quads(GRAPH_INVENTORY))) > 0
