"""The document control of an SoA file: whose statement it is, for what, when, and which version.

An SoA handed to an auditor is a controlled document: a CSV, Markdown or xlsx file separated from the
command that made it must still say which organisation and scope it covers, which AI system (or the
roll-up) it is about, the day it was generated and a fingerprint of what it states, so two copies can
be told apart and a copy checked against the graph by generating it again.

The fingerprint hashes the document's own content (subject, organisation, scope, every row), not the
whole graph: hashing the graph reads every quad of the inventory and decisions (millions for 10,000
systems, all of them over HTTP on a remote store), and a per-system SoA would change version whenever
any other system got a decision.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from pyoxigraph import NamedNode

from graph.compliance.decisions import system_iri
from graph.compliance.soa import SoaRow
from graph.namespaces import DCTERMS, GRAPH_INVENTORY, ORGANISATION, RDFS, control_order
from graph.store import Store, text

# The organisation record of the inventory (``organisation: name, scope``); both may be missing.
ORGANISATION_RECORD = f"""
PREFIX rdfs: <{RDFS}>
PREFIX dcterms: <{DCTERMS}>
SELECT ?name ?scope WHERE {{
  GRAPH <{GRAPH_INVENTORY}> {{
    OPTIONAL {{ ?organisation rdfs:label ?name }}
    OPTIONAL {{ ?organisation dcterms:description ?scope }}
  }}
}} LIMIT 1"""

SYSTEM_NAME = f"""
PREFIX rdfs: <{RDFS}>
SELECT ?name WHERE {{ ?system rdfs:label ?name }} LIMIT 1"""

ROLLUP = "organisation roll-up"


@dataclass(frozen=True)
class SoaHeader:
    """What an SoA file says about itself.

    Args:
        subject: the AI system's name, or ``organisation roll-up``.
        organisation: the organisation's name from the inventory ("" when the inventory has none).
        scope: the scope of the management system from the inventory ("" when not given).
        generated: the day the file was generated (ISO 8601).
        fingerprint: SHA-256 of what the document states (``document_fingerprint``), the date excluded.
    """

    subject: str
    organisation: str
    scope: str
    generated: str
    fingerprint: str

    @property
    def title(self) -> str:
        """The document's title, naming its AI system or the roll-up."""
        return f"Statement of Applicability: {self.subject}"

    def fields(self) -> list[tuple[str, str]]:
        """(name, value) pairs, in the order every format shows them."""
        return [
            ("document", self.title),
            ("organisation", self.organisation),
            ("scope", self.scope),
            ("generated", self.generated),
            ("content fingerprint", f"sha256:{self.fingerprint}"),
        ]


def document_fingerprint(subject: str, organisation: str, scope: str, rows: Sequence[SoaRow]) -> str:
    """SHA-256 of an SoA's content: equal for two documents exactly when they state the same thing."""
    ordered = sorted(rows, key=lambda r: control_order(r.control))
    content = [subject, organisation, scope, [asdict(r) for r in ordered]]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def soa_header(store: Store, system: str | None, today: dt.date, rows: Sequence[SoaRow]) -> SoaHeader:
    """The header of ``rows``, the SoA of ``system`` (name or alias; None for the roll-up) generated ``today``."""
    subject = ROLLUP
    if system is not None:
        iri = system_iri(store, system)
        if iri != ORGANISATION:
            found = store.select(SYSTEM_NAME, bindings={"system": NamedNode(iri)})
            subject = text(found[0]["name"]) if found else system
    record = store.select(ORGANISATION_RECORD, bindings={"organisation": NamedNode(ORGANISATION)})
    name = text(record[0].get("name")) if record else ""
    scope = text(record[0].get("scope")) if record else ""
    return SoaHeader(subject, name, scope, today.isoformat(), document_fingerprint(subject, name, scope, rows))
