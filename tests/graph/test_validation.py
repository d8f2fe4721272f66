"""SHACL validation: the standard conforms, and a broken file is reported node by node."""

from __future__ import annotations

from pathlib import Path

import rdflib
from rdflib.namespace import SKOS

from graph.ingest.load import OntologyLayout, validate_file
from graph.namespaces import AIMS, ISO

A_6_2_8 = rdflib.URIRef(ISO + "A.6.2.8")


def test_every_standard_file_conforms_on_its_own(layout: OntologyLayout) -> None:
    for path in layout.standard_files():
        assert validate_file(path, layout) == [], path.name


def test_crosswalks_conform(layout: OntologyLayout) -> None:
    for path in layout.crosswalk_files():
        assert validate_file(path, layout) == []


def _without(layout: OntologyLayout, tmp_path: Path, predicate: rdflib.URIRef, keep: int = 0) -> Path:
    """A copy of the A.6 file where A.6.2.8 keeps only ``keep`` values of ``predicate``."""
    graph = rdflib.Graph().parse(layout.root / "iso42001" / "annex-a-6.ttl")
    for value in sorted(graph.objects(A_6_2_8, predicate), key=str)[keep:]:
        graph.remove((A_6_2_8, predicate, value))
    target = tmp_path / "annex-a-6.ttl"
    graph.serialize(target, format="turtle")
    return target


def test_control_without_parent_objective_is_named(layout: OntologyLayout, tmp_path: Path) -> None:
    problems = validate_file(_without(layout, tmp_path, SKOS.broader), layout)
    rendered = [p.render() for p in problems]
    assert any(r.startswith("iso:A.6.2.8 skos:broader:") and "parent control objective" in r for r in rendered)


def test_control_with_too_little_evidence_is_named(layout: OntologyLayout, tmp_path: Path) -> None:
    problems = validate_file(_without(layout, tmp_path, rdflib.URIRef(AIMS + "typicalEvidence"), keep=2), layout)
    assert [p.render() for p in problems] == [
        "iso:A.6.2.8 aims:typicalEvidence: needs 3 to 6 aims:typicalEvidence items an auditor would accept"
    ]


def test_control_without_summary_is_named(layout: OntologyLayout, tmp_path: Path) -> None:
    problems = validate_file(_without(layout, tmp_path, SKOS.definition), layout)
    assert any(p.focus == str(A_6_2_8) and "skos:definition" in p.message for p in problems)


def test_dangling_relation_is_reported(layout: OntologyLayout, tmp_path: Path) -> None:
    graph = rdflib.Graph().parse(layout.root / "iso42001" / "annex-a-6.ttl")
    graph.add((A_6_2_8, rdflib.URIRef(AIMS + "relatedTo"), rdflib.URIRef(ISO + "A.6.2.9")))
    target = tmp_path / "annex-a-6.ttl"
    graph.serialize(target, format="turtle")
    problems = validate_file(target, layout)
    assert any(p.focus == str(A_6_2_8) and "found: iso:A.6.2.9" in p.render() for p in problems)
