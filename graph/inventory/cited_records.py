"""Organisation nodes an answer may cite that are not things people name: risk criteria, actions, assessments.

The assistant links systems, risks, people ... by name (``graph.inventory.entities``); these records are
never linked from a question's words, but an answer that relies on one (the appetite comes from the risk
criteria, an overdue action is the subject of the line) cites it like any node, with its label and kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.namespaces import AIMS, RDF_TYPE, RDFS
from graph.store import Store, text

RECORD_CLASSES = (AIMS + "RiskCriteria", AIMS + "TreatmentAction", AIMS + "ImpactAssessment")
_VALUES = " ".join(f"<{c}>" for c in RECORD_CLASSES)
RECORDS = f"""
SELECT ?node ?class ?label WHERE {{ VALUES ?class {{ {_VALUES} }} ?node <{RDF_TYPE}> ?class ; <{RDFS}label> ?label }}"""


@dataclass(frozen=True)
class CitedRecord:
    """A citable record: its node, its label and its class (an IRI of ``RECORD_CLASSES``)."""

    iri: str
    label: str
    kind: str


def cited_records(store: Store) -> dict[str, CitedRecord]:
    """Every citable record by IRI (one label each: the smallest, so the choice is the same every run)."""
    found: dict[str, CitedRecord] = {}
    for row in store.select(RECORDS):
        iri, label = text(row["node"]), text(row["label"])
        if iri not in found or label < found[iri].label:
            found[iri] = CitedRecord(iri, label, text(row["class"]))
    return found
