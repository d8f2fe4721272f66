"""Implementation guidance per Annex A control: complete for every control, read in list order, in the OSCAL catalog."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from graph.ingest.load import OntologyLayout
from graph.namespaces import AIMS, GRAPH_STANDARD, ISO, RDF, SKOS
from graph.publish.export import ExportFormat, export
from graph.publish.oscal import unmarkdown
from graph.standard import Guidance, Node, all_guidance, guidance_for, standard_nodes
from graph.store.embedded import OxigraphStore

# The authoring rules of ontology/iso42001/AUTHORING.md ("Implementation guidance"), as (field, min, max).
COUNTS = (("steps", 3, 6), ("owners", 1, 1), ("artefacts", 2, 5), ("pitfalls", 2, 4), ("approaches", 1, 1))


def _controls(store: OxigraphStore) -> list[Node]:
    return sorted((n for n in standard_nodes(store).values() if n.kind == "Control"), key=lambda n: n.id)


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def test_every_annex_a_control_has_complete_guidance(loaded_store: OxigraphStore) -> None:
    controls = _controls(loaded_store)
    assert len(controls) == 38
    found = all_guidance(loaded_store)
    problems = []
    for node in controls:
        guidance = found.get(node.id, Guidance(node.id))
        for field, low, high in COUNTS:
            count = len(getattr(guidance, field))
            if not low <= count <= high:
                problems.append(f"{node.id}: {count} {field}, expected {low}-{high}")
    assert not problems, "\n".join(problems)


def test_no_guidance_step_repeats_a_summary_sentence(loaded_store: OxigraphStore) -> None:
    """Guidance says how to do the work; a step that restates the summary adds nothing (issue 10)."""
    found = all_guidance(loaded_store)
    repeats = []
    for node in _controls(loaded_store):
        sentences = [_words(s) for s in re.split(r"(?<=[.!?])\s+", node.summary) if len(s.split()) >= 6]
        for step in found.get(node.id, Guidance(node.id)).steps:
            said = _words(step)
            repeats += [f"{node.id}: {step!r}" for s in sentences if s in said or said in s]
    assert not repeats, "\n".join(repeats)


def _list_in_file(path: Path, subject: str) -> list[str]:
    """The steps of ``subject`` as written in a Turtle file, walked cell by cell (independent of our SPARQL)."""
    triples = [q.triple for q in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)]
    by_subject: dict[Any, dict[str, Any]] = {}
    for t in triples:
        by_subject.setdefault(t.subject, {})[t.predicate.value] = t.object
    cell = by_subject[NamedNode(subject)][AIMS + "implementationSteps"]
    steps = []
    while cell != NamedNode(RDF + "nil"):
        steps.append(by_subject[cell][RDF + "first"].value)
        cell = by_subject[cell][RDF + "rest"]
    return steps


def test_steps_come_back_in_the_order_of_the_turtle_list(loaded_store: OxigraphStore, layout: OntologyLayout) -> None:
    node = standard_nodes(loaded_store)["A.6.2.8"]
    written = _list_in_file(layout.root / "iso42001" / "guidance-a-6.ttl", ISO + "A.6.2.8")
    assert len(written) >= 3
    assert guidance_for(loaded_store, node).steps == tuple(written)
    assert all_guidance(loaded_store)["A.6.2.8"].steps == tuple(written)


def test_list_order_survives_many_steps_on_both_backends(fresh_store: Callable[[], Any]) -> None:
    """Twelve steps whose alphabetical and numeric-as-text orders both differ from the list's own order."""
    store = fresh_store()
    control = NamedNode(ISO + "A.6.2.8")
    steps = [f"{chr(ord('z') - n)} step {n + 1}" for n in range(12)]
    cells = [BlankNode() for _ in steps]
    triples = [
        Triple(control, NamedNode(SKOS + "notation"), Literal("A.6.2.8")),
        Triple(control, NamedNode(AIMS + "implementationSteps"), cells[0]),
        Triple(control, NamedNode(AIMS + "usualOwner"), Literal("The engineering lead", language="en")),
    ]
    for n, (cell, step) in enumerate(zip(cells, steps, strict=True)):
        rest = cells[n + 1] if n + 1 < len(cells) else NamedNode(RDF + "nil")
        triples += [
            Triple(cell, NamedNode(RDF + "first"), Literal(step, language="en")),
            Triple(cell, NamedNode(RDF + "rest"), rest),
        ]
    store.insert(GRAPH_STANDARD, triples)
    node = Node("A.6.2.8", control.value, "Control", "AI system recording of event logs", "")
    guidance = guidance_for(store, node)
    assert guidance.steps == tuple(steps)
    assert guidance.owners == ("The engineering lead",) and guidance.recorded


def test_a_node_without_guidance_reads_as_empty(loaded_store: OxigraphStore) -> None:
    nodes = standard_nodes(loaded_store)
    assert guidance_for(loaded_store, nodes["6.1.2"]) == Guidance("6.1.2")
    assert not guidance_for(loaded_store, nodes["6.1.2"]).recorded
    assert "6.1.2" not in all_guidance(loaded_store)


def _find_control(containers: list[Any] | None, token: str) -> Any:
    """The control ``token`` at any depth of groups and controls."""
    for item in containers or []:
        if getattr(item, "id", None) == token and hasattr(item, "class_") and item.class_ in {"control", "requirement"}:
            return item
        for inner in (getattr(item, "groups", None), getattr(item, "controls", None)):
            if (found := _find_control(inner, token)) is not None:
                return found
    return None


def test_oscal_catalog_carries_the_guidance_as_parts(loaded_store: OxigraphStore, tmp_path: Path) -> None:
    from trestle.oscal.catalog import Catalog

    target = tmp_path / "catalog.json"
    assert export(loaded_store, ExportFormat.OSCAL, target) == 38
    document = Catalog.oscal_read(target)
    assert isinstance(document, Catalog)
    control = _find_control(document.groups, "a.6.2.8")
    guidance = next(p for p in control.parts if p.name == "guidance")
    assert "not the standard's text" in guidance.prose
    parts = {p.name: p for p in guidance.parts}
    expected = guidance_for(loaded_store, standard_nodes(loaded_store)["A.6.2.8"])
    steps = parts["implementation-steps"].parts
    assert tuple(unmarkdown(p.prose) for p in steps) == expected.steps
    assert [p.props[0].value for p in steps] == [f"{n}." for n in range(1, len(expected.steps) + 1)]
    assert all(p.name == "item" for p in steps)
    assert unmarkdown(parts["usual-owner"].prose) == expected.owners[0]
    assert tuple(unmarkdown(p.prose) for p in parts["artefacts"].parts) == expected.artefacts
    assert tuple(unmarkdown(p.prose) for p in parts["common-pitfalls"].parts) == expected.pitfalls
    assert unmarkdown(parts["proportionate-approach"].prose) == expected.approaches[0]
    assert "not the standard's text" in target.read_text(encoding="utf-8")
    # Clauses have no guidance, so no empty guidance part is written for them.
    clause = _find_control(document.groups, "clause-6.1.2")
    assert clause is not None and all(p.name != "guidance" for p in clause.parts)
