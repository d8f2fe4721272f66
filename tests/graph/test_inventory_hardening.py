"""Hostile and broken inventory files (issue 17): each refused with one ``file:line`` line, quickly, writing nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from graph.ingest.load import OntologyLayout, load_reference
from graph.ingest.rdf_files import read_triples
from graph.ingest.shacl import shacl_violations
from graph.ingest.shacl_core import read_shapes, validate
from graph.inventory.importer import InventoryError, import_inventory
from graph.inventory.limits import MAX_ALIAS_VALUES, MAX_FILE_BYTES
from graph.inventory.located_yaml import SourceError
from graph.namespaces import AIMS, DCTERMS, GRAPH_INVENTORY, GRAPH_STANDARD, ORG, RDFS, XSD
from graph.store import text
from graph.store.embedded import OxigraphStore
from tests.conftest import example_store, run_aims

SYSTEM = """systems:
  - name: Bot
    purpose: Answers questions.
    role: [deployer]
"""


@pytest.fixture(scope="module")
def store(layout: OntologyLayout) -> OxigraphStore:
    """The example organisation; every test checks that a refused file leaves it exactly as it was."""
    loaded: OxigraphStore = example_store(layout)
    return loaded


def refused(store: OxigraphStore, layout: OntologyLayout, path: Path, max_bytes: int = MAX_FILE_BYTES) -> list[str]:
    """The problems reported for ``path``, after checking the store was not touched."""
    before = set(store.quads())
    with pytest.raises((InventoryError, SourceError)) as raised:
        import_inventory(path, store, read_triples(layout.vocabulary), layout.shapes, max_bytes=max_bytes)
    assert set(store.quads()) == before
    problems = raised.value.problems if isinstance(raised.value, InventoryError) else [str(raised.value)]
    assert all("\n" not in p and p.startswith(f"{path}:") for p in problems), problems
    return problems


def write(tmp_path: Path, text: str, name: str = "inventory.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_alias_bomb_fails_fast_with_file_line(store: OxigraphStore, layout: OntologyLayout, tmp_path: Path) -> None:
    # "Billion laughs": nine levels of nine aliases each, 387 million strings once expanded.
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    path = write(tmp_path, "\n".join(lines) + "\nsystems: *a9\n")
    started = time.perf_counter()
    [problem] = refused(store, layout, path)
    assert time.perf_counter() - started < 5
    assert f"aliases copy more than {MAX_ALIAS_VALUES:,} values" in problem
    assert problem.startswith(f"{path}:5:"), problem  # a4's aliases are the first to exceed the budget


def test_few_small_aliases_are_still_accepted(store: OxigraphStore, layout: OntologyLayout, tmp_path: Path) -> None:
    text = SYSTEM.replace("role: [deployer]", "role: &roles [deployer]") + (
        "  - name: Other bot\n    purpose: Answers too.\n    role: *roles\n"
    )
    target = OxigraphStore(None)
    from graph.ingest.load import load_reference

    load_reference(target, layout)
    report = import_inventory(write(tmp_path, text), target, read_triples(layout.vocabulary), layout.shapes)
    assert report.records["systems"] == 2


def test_recursive_alias_is_refused_not_a_recursion_error(
    store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    path = write(tmp_path, SYSTEM + "    aliases: &loop\n      - bot\n      - *loop\n")
    [problem] = refused(store, layout, path)
    assert problem.startswith(f"{path}:7:") and "alias *loop is inside the value &loop names" in problem


def test_latin1_file_names_the_line_of_the_bad_byte(
    store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(SYSTEM.replace("Answers questions.", "Répond aux questions.").encode("latin-1"))
    [problem] = refused(store, layout, path)
    assert problem.startswith(f"{path}:3:") and "byte 0xe9" in problem and "save the file as UTF-8" in problem


def test_latin1_csv_names_the_line_of_the_bad_byte(
    store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("kind,name,purpose,role\nsystems,Bot,Répond,deployer\n".encode("latin-1"))
    [problem] = refused(store, layout, path)
    assert problem.startswith(f"{path}:2:") and "is not UTF-8" in problem


def test_custom_tag_is_refused_with_its_line(store: OxigraphStore, layout: OntologyLayout, tmp_path: Path) -> None:
    path = write(tmp_path, SYSTEM.replace("purpose: Answers", "purpose: !custom Answers"))
    problems = refused(store, layout, path)
    assert any(p.startswith(f"{path}:3:") and "unknown YAML tag '!custom'" in p for p in problems), problems


def test_python_object_tag_is_refused(store: OxigraphStore, layout: OntologyLayout, tmp_path: Path) -> None:
    path = write(tmp_path, SYSTEM + "    owner: !!python/object/apply:os.system [echo hi]\n")
    problems = refused(store, layout, path)
    assert any(p.startswith(f"{path}:5:") and "unknown YAML tag" in p for p in problems), problems


def test_impossible_date_has_its_line_and_other_errors_still_reported(
    store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    text = SYSTEM + "    colour: blue\nevidence:\n  - title: Audit\n    effective: 2026-13-45\n    valid_until: soon\n"
    path = write(tmp_path, text)
    problems = refused(store, layout, path)
    assert any(p.startswith(f"{path}:8:") and "expected a date YYYY-MM-DD, got '2026-13-45'" in p for p in problems)
    assert any(p.startswith(f"{path}:5:") and "colour: unknown field" in p for p in problems)
    assert any(p.startswith(f"{path}:9:") and "got 'soon'" in p for p in problems)


def test_risk_ids_that_make_the_same_iri_are_refused(
    store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    risk = "  - id: {id}\n    title: {title}\n    description: d\n"
    text = SYSTEM + "risks:\n" + risk.format(id="R-1", title="Leak") + risk.format(id="R 1", title="Bias")
    path = write(tmp_path, text)
    [problem] = refused(store, layout, path)
    assert problem.startswith(f"{path}:9:") and "'R 1' names the same node as 'R-1' on line 6" in problem


@pytest.mark.parametrize(
    ("kind", "record"),
    [
        ("suppliers", "  - name: {key}\n"),
        ("models", "  - name: {key}\n"),
        ("datasets", "  - name: {key}\n"),
        ("systems", "  - name: {key}\n    purpose: p\n    role: [user]\n"),
        ("evidence", "  - title: {key}\n"),
    ],
)
def test_every_record_kind_refuses_names_that_make_the_same_iri(
    store: OxigraphStore, layout: OntologyLayout, tmp_path: Path, kind: str, record: str
) -> None:
    text = f"{kind}:\n" + record.format(key="Data Room") + record.format(key="data-room")
    problems = refused(store, layout, write(tmp_path, text))
    assert any("'data-room' names the same node as 'Data Room' on line 2" in p for p in problems), problems


def test_names_in_other_scripts_stay_distinct_systems(layout: OntologyLayout, tmp_path: Path) -> None:
    """A name without ASCII letters used to become ``unnamed``: two such systems were refused as a clash."""
    system = "  - name: {name}\n    purpose: p\n    role: [user]\n"
    names = ["客服机器人", "销售机器人", "Ωμέγα σύστημα"]
    path = write(tmp_path, "systems:\n" + "".join(system.format(name=n) for n in names))
    store = OxigraphStore(None)
    load_reference(store, layout)
    import_inventory(path, store, read_triples(layout.vocabulary), layout.shapes)
    labels = {
        text(q.subject): text(q.object)
        for q in store.quads(GRAPH_INVENTORY)
        if text(q.predicate) == RDFS + "label" and text(q.subject).startswith(ORG + "systems/")
    }
    assert sorted(labels.values()) == sorted(names)
    assert ORG + "systems/客服机器人" in labels and ORG + "systems/ωμέγα-σύστημα" in labels


def test_emoji_label_in_the_clash_message_is_printed_as_written(tmp_path: Path) -> None:
    # Rich turns ":robot:" (and the ":label:" of "rdfs:label:") into emoji unless output is literal.
    text = "systems:\n" + "".join(
        f"  - name: {name}\n    purpose: p\n    role: [user]\n" for name in ("'Ops :robot: bot'", "Ops robot bot")
    )
    path = write(tmp_path, text)
    result = run_aims(tmp_path / "home", "load", "--inventory", str(path))
    assert result.returncode == 1
    assert "🤖" not in result.stderr and "🏷" not in result.stderr
    assert f"{path}:5: systems[2] (Ops robot bot): name 'Ops robot bot' names the same node as 'Ops :robot: bot'" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


def test_csv_row_with_more_cells_than_header_is_refused(
    store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    text = "kind,name,purpose,role\nsystems,Bot,Answers questions,deployer\nsystems,Triage,Routes claims, fast,user\n"
    path = write(tmp_path, text, "inventory.csv")
    [problem] = refused(store, layout, path)
    assert problem.startswith(f"{path}:3:") and "5 cells but the header has 4 columns" in problem


def test_file_over_size_cap_is_refused_before_parsing(
    store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    # Not YAML at all: the cap is checked before any parsing.
    path = write(tmp_path, "[" * 5000)
    [problem] = refused(store, layout, path, max_bytes=4096)
    assert problem.startswith(f"{path}:1:") and "over the 4,096-byte limit" in problem


def test_size_cap_comes_from_the_environment(tmp_path: Path) -> None:
    path = write(tmp_path, SYSTEM)
    import os
    import subprocess
    import sys

    env = {**os.environ, "AIMS_HOME": str(tmp_path / "home"), "AIMS_INVENTORY_MAX_BYTES": "20"}
    env.pop("AIMS_STORE", None)
    aims = Path(sys.executable).parent / "aims"
    result = subprocess.run(
        [str(aims), "load", "--inventory", str(path)], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1 and "over the 20-byte limit" in result.stderr, result.stderr


def test_fast_shacl_engine_agrees_with_pyshacl(layout: OntologyLayout) -> None:
    """The Oxigraph engine the import uses reports exactly what pyshacl reports, on good and broken data."""
    good = example_store(layout)
    data = [q.triple for q in good.quads(GRAPH_INVENTORY)]
    system = next(t.subject for t in data if t.object == NamedNode(AIMS + "AISystem"))
    risk = next(t.subject for t in data if t.object == NamedNode(AIMS + "Risk"))
    evidence = next(t.subject for t in data if t.object == NamedNode(AIMS + "Evidence"))
    integer = NamedNode(XSD + "integer")
    data += [
        Triple(system, NamedNode(RDFS + "label"), Literal("A second name")),  # maxCount
        Triple(risk, NamedNode(AIMS + "likelihood"), Literal("9", datatype=integer)),  # maxInclusive, maxCount
        Triple(risk, NamedNode(AIMS + "affectsSystem"), NamedNode(ORG + "systems/ghost")),  # class
        Triple(evidence, NamedNode(DCTERMS + "valid"), Literal("soon")),  # datatype
        Triple(evidence, NamedNode(AIMS + "supportsSystem"), NamedNode(ORG + "systems/ghost")),  # or
    ]
    data = [t for t in data if not (t.subject == system and t.predicate == NamedNode(DCTERMS + "description"))]
    context = [q.triple for q in good.quads(GRAPH_STANDARD)]
    vocabulary = read_triples(layout.vocabulary)
    slow = shacl_violations(data + context, vocabulary, layout.shapes)
    fast = validate([*data, *context, *vocabulary], read_shapes(layout.shapes))
    assert len(slow) >= 6
    assert fast == slow


def test_replacing_a_graph_with_blank_nodes_keeps_them_linked() -> None:
    """Re-imports write only the difference; blank nodes (which SPARQL data cannot name) still replace whole."""
    from pyoxigraph import BlankNode

    store = OxigraphStore(None)
    graph, subject = "urn:test:graph", NamedNode("urn:test:s")
    p, q = NamedNode("urn:test:p"), NamedNode("urn:test:q")
    for value in ("1", "2"):
        node = BlankNode()
        store.replace_graphs({graph: [Triple(subject, p, node), Triple(node, q, Literal(value))]})
    rows = store.select("SELECT ?v WHERE { GRAPH ?g { <urn:test:s> <urn:test:p> ?b . ?b <urn:test:q> ?v } }")
    assert [text(r["v"]) for r in rows] == ["2"]
    store.replace_graphs({graph: [Triple(subject, p, Literal("3"))]})
    assert store.count(graph) == 1


def test_shacl_message_names_the_record_and_has_no_emoji_code(tmp_path: Path) -> None:
    """A shape violation reads ``file:line: systems[1] (Bot): message (rdfs:label)``, never ``rdfs:label:``."""
    from graph.ingest.shacl import Violation
    from graph.inventory.files import Record
    from graph.inventory.importer import _render
    from graph.inventory.located_yaml import Located

    path = tmp_path / "inventory.yaml"
    record = Record("systems", 1, 2, {"name": Located("Bot", 2)})
    focus = ORG + "systems/bot"
    message = _render(path, {focus: record}, Violation(focus, RDFS + "label", "needs exactly one name"))
    assert message == f"{path}:2: systems[1] (Bot): needs exactly one name (rdfs:label)"
    assert ":label:" not in message
