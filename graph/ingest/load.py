"""Build the reference graphs (vocabulary, standard, crosswalks) from ``ontology/`` and check them first.

Everything is parsed and validated before the store is touched; the graphs are then swapped in with one
transaction, so a bad file never leaves the store half-written and loading twice gives the same result.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode, Triple

from graph.ingest.rdf_files import read_triples, with_stable_blank_nodes
from graph.ingest.reference import check_against_reference, read_reference
from graph.ingest.shacl import Violation, shacl_violations
from graph.namespaces import AIMS, GRAPH_CROSSWALKS, GRAPH_STANDARD, GRAPH_VOCABULARY
from graph.store import Store
from graph.store.generations import bump

RELATED_TO = NamedNode(AIMS + "relatedTo")


class ValidationFailedError(Exception):
    """The data broke the shapes or the verified reference; ``violations`` says where."""

    def __init__(self, source: str, violations: list[Violation]) -> None:
        super().__init__(f"{source}: {len(violations)} violation(s); nothing was written")
        self.violations = violations


@dataclass(frozen=True)
class OntologyLayout:
    """Where each part of the reference data lives inside an ontology folder."""

    root: Path

    @property
    def vocabulary(self) -> Path:
        """The vocabulary, ``aims.ttl``."""
        return self.root / "aims.ttl"

    @property
    def shapes(self) -> Path:
        """The SHACL shapes, ``shapes.ttl``."""
        return self.root / "shapes.ttl"

    @property
    def reference_table(self) -> Path:
        """The verified ids and titles."""
        return self.root / "reference" / "iso42001-structure.tsv"

    def standard_files(self) -> list[Path]:
        """The standard's Turtle files, in a stable order."""
        return sorted((self.root / "iso42001").glob("*.ttl"))

    def crosswalk_files(self) -> list[Path]:
        """The crosswalk Turtle files."""
        return sorted((self.root / "crosswalks").glob("*.ttl"))


@dataclass(frozen=True)
class LoadReport:
    """What a load wrote: triples per named graph, and how long it took."""

    graphs: dict[str, int]
    seconds: float

    @property
    def total(self) -> int:
        """Triples written across all graphs."""
        return sum(self.graphs.values())


def with_symmetric_relations(triples: list[Triple]) -> list[Triple]:
    """Add the reverse of every ``aims:relatedTo`` so either end finds the other (it is symmetric)."""
    present = set(triples)
    extra = [
        Triple(t.object, t.predicate, t.subject)
        for t in triples
        if t.predicate == RELATED_TO and isinstance(t.object, NamedNode)
    ]
    return triples + sorted({t for t in extra if t not in present}, key=str)


def _read(path: Path) -> list[Triple]:
    """One reference file, its blank nodes (the RDF lists of implementation steps) named the same on every read."""
    return with_stable_blank_nodes(read_triples(path), path.name)


def _read_all(paths: list[Path]) -> list[Triple]:
    triples: list[Triple] = []
    for path in paths:
        triples.extend(_read(path))
    return list(dict.fromkeys(triples))


def read_reference_graphs(
    layout: OntologyLayout, step: Callable[[str], None] = lambda _: None
) -> dict[str, list[Triple]]:
    """Parse and check the vocabulary, standard and crosswalks; raise on the first bad file or violation."""
    step("parsing vocabulary")
    vocabulary = _read(layout.vocabulary)
    step("parsing the standard")
    standard = with_symmetric_relations(_read_all(layout.standard_files()))
    step("parsing crosswalks")
    crosswalks = _read_all(layout.crosswalk_files())
    step("checking ids and titles against the verified list")
    problems = check_against_reference(standard, read_reference(layout.reference_table))
    if problems:
        raise ValidationFailedError(str(layout.root / "iso42001"), problems)
    step("validating against SHACL shapes")
    problems = shacl_violations(standard + crosswalks, vocabulary, layout.shapes)
    if problems:
        raise ValidationFailedError(str(layout.root), problems)
    return {GRAPH_VOCABULARY: vocabulary, GRAPH_STANDARD: standard, GRAPH_CROSSWALKS: crosswalks}


def load_reference(store: Store, layout: OntologyLayout, step: Callable[[str], None] = lambda _: None) -> LoadReport:
    """Rebuild the vocabulary, standard and crosswalk graphs in one transaction; other graphs are untouched."""
    started = time.perf_counter()
    graphs = read_reference_graphs(layout, step)
    step("writing to the store")
    store.replace_graphs(graphs)
    bump(store, "reference")
    return LoadReport({name: len(triples) for name, triples in graphs.items()}, time.perf_counter() - started)


def validate_file(path: Path, layout: OntologyLayout) -> list[Violation]:
    """Check one file as if it replaced the descriptions of the nodes it defines in the reference graph.

    The rest of the standard is the context, so references to nodes defined elsewhere (a control's
    parent objective, a decision's control) resolve; a node the file describes is judged only on what the
    file says about it.
    """
    triples = _read(path)
    graphs = {
        GRAPH_STANDARD: with_symmetric_relations(_read_all(layout.standard_files())),
        GRAPH_CROSSWALKS: _read_all(layout.crosswalk_files()),
    }
    described = {t.subject for t in triples}
    context = [t for part in graphs.values() for t in part if t.subject not in described]
    problems = check_against_reference(triples, read_reference(layout.reference_table))
    problems += shacl_violations(context + triples, read_triples(layout.vocabulary), layout.shapes)
    # Only the problems the file is responsible for: its own nodes, or nodes whose links it broke.
    return [p for p in problems if NamedNode(p.focus) in described or not context]
