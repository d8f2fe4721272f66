"""The verified list of ISO/IEC 42001:2023 ids and titles, and the check that the graph matches it."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from graph.ingest.shacl import Violation
from graph.namespaces import ISO, SKOS

NOTATION = NamedNode(SKOS + "notation")
PREF_LABEL = NamedNode(SKOS + "prefLabel")
BROADER = NamedNode(SKOS + "broader")


@dataclass(frozen=True)
class ReferenceEntry:
    """One verified row: the id, its kind (clause, annex_a_control ...), its parent id and exact title."""

    id: str
    kind: str
    parent: str
    title: str


def read_reference(path: Path) -> dict[str, ReferenceEntry]:
    """Entries of ``iso42001-structure.tsv`` keyed by id, in file order."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["id"]: ReferenceEntry(row["id"], row["kind"], row["parent"] or "", row["title"])
            for row in csv.DictReader(handle, delimiter="\t")
        }


def check_against_reference(triples: Iterable[Triple], reference: dict[str, ReferenceEntry]) -> list[Violation]:
    """Violations where a node of the standard has an id, title or parent that the verified list does not."""
    notations: dict[str, str] = {}
    titles: dict[str, list[str]] = {}
    parents: dict[str, list[str]] = {}
    for t in triples:
        if not isinstance(t.subject, NamedNode) or not t.subject.value.startswith(ISO):
            continue
        subject = t.subject.value
        if t.predicate == NOTATION and isinstance(t.object, Literal):
            notations[subject] = t.object.value
        elif t.predicate == PREF_LABEL and isinstance(t.object, Literal):
            titles.setdefault(subject, []).append(t.object.value)
        elif t.predicate == BROADER and isinstance(t.object, NamedNode):
            parents.setdefault(subject, []).append(t.object.value.removeprefix(ISO))
    problems: list[Violation] = []
    for subject, notation in sorted(notations.items()):
        entry = reference.get(notation)
        if entry is None:
            problems.append(Violation(subject, "skos:notation", f"'{notation}' is not an id of ISO/IEC 42001:2023"))
            continue
        if subject != ISO + notation:
            problems.append(
                Violation(subject, "skos:notation", f"node for '{notation}' must have IRI <{ISO}{notation}>")
            )
        if titles.get(subject, [entry.title]) != [entry.title]:
            problems.append(
                Violation(subject, "skos:prefLabel", f"title of {notation} must be exactly '{entry.title}'")
            )
        expected_parent = [entry.parent] if entry.parent else []
        if subject in parents and parents[subject] != expected_parent:
            problems.append(
                Violation(subject, "skos:broader", f"parent of {notation} must be '{entry.parent or 'none'}'")
            )
    return problems
