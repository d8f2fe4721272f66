"""The document control of an SoA file: whose statement it is, for what, when, and which version.

An SoA handed to an auditor is a controlled document: a CSV, Markdown or xlsx file separated from the
command that made it must still say which organisation and scope it covers, which AI system (or the
roll-up) it is about, the day it was generated and a fingerprint of what it states, so two copies can
be told apart and a copy checked against the graph by generating it again.

The fingerprint hashes the document's own content (subject, organisation, scope, every row), not the
whole graph: hashing the graph reads every quad of the inventory and decisions (millions for 10,000
systems, all of them over HTTP on a remote store), and a per-system SoA would change version whenever
any other system got a decision.

The approver and approval date come from the approval in force (``graph.compliance.approvals``), which
names the fingerprint it approved. The header shows it as approved only while that fingerprint is this
document's: an SoA changed since (a new decision, evidence that lapsed, a renamed scope) says plainly that
the approved version differs and must be re-approved, so no copy of a changed SoA passes for an approved one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from pyoxigraph import NamedNode

from graph.compliance import approvals, assessment_status
from graph.compliance.decisions import system_iri
from graph.compliance.soa import SoaRow, requirement_rows, soa_for_system, soa_rollup
from graph.namespaces import DCTERMS, GRAPH_INVENTORY, ORGANISATION, RDFS, control_order
from graph.store import Store, text

# The organisation record of the inventory (``organisation: name, scope``); both may be missing. The node is
# written in, not bound: Oxigraph does not pass an outer binding into OPTIONAL, so with ``?organisation``
# bound it read every label and description of the inventory (10.8 s at 10,000 systems; 1 ms now).
ORGANISATION_RECORD = f"""
PREFIX rdfs: <{RDFS}>
PREFIX dcterms: <{DCTERMS}>
SELECT ?name ?scope WHERE {{
  GRAPH <{GRAPH_INVENTORY}> {{
    OPTIONAL {{ <{ORGANISATION}> rdfs:label ?name }}
    OPTIONAL {{ <{ORGANISATION}> dcterms:description ?scope }}
  }}
}} LIMIT 1"""

SYSTEM_NAME = f"""
PREFIX rdfs: <{RDFS}>
SELECT ?name WHERE {{ ?system rdfs:label ?name }} LIMIT 1"""

ROLLUP = "organisation roll-up"
NOT_APPROVED = "not yet approved"


@dataclass(frozen=True)
class SoaHeader:
    """What an SoA file says about itself.

    Args:
        subject: the AI system's name, or ``organisation roll-up``.
        organisation: the organisation's name from the inventory ("" when the inventory has none).
        scope: the scope of the management system from the inventory ("" when not given).
        generated: the day the file was generated (ISO 8601).
        fingerprint: SHA-256 of what the document states (``document_fingerprint``), the date excluded.
        approver: who approved the SoA of this subject last ("" when nobody has), whatever version it was.
        approved_on: the day of that approval ("" when none).
        approved_fingerprint: the fingerprint that approval approved ("" when none).
        impact_assessment: the AI system's impact assessment status in one line, or the roll-up's count of
            systems by status (``graph.compliance.assessment_status``). Not part of the fingerprint: it is
            another record with its own approver, and it goes overdue with the calendar alone.
    """

    subject: str
    organisation: str
    scope: str
    generated: str
    fingerprint: str
    approver: str = ""
    approved_on: str = ""
    approved_fingerprint: str = ""
    impact_assessment: str = ""

    @property
    def title(self) -> str:
        """The document's title, naming its AI system or the roll-up."""
        return f"Statement of Applicability: {self.subject}"

    @property
    def approved(self) -> bool:
        """Whether this very version is the one approved (an approval of other content does not count)."""
        return bool(self.approver) and self.approved_fingerprint == self.fingerprint

    @property
    def approval(self) -> str:
        """The approval status in words, first what an auditor must know: is *this* document approved?"""
        if not self.approver:
            return NOT_APPROVED
        if self.approved:
            return f"approved by {self.approver} on {self.approved_on} (this version)"
        return (
            f"NOT APPROVED: the approved version (sha256:{self.approved_fingerprint[:12]}..., approved by "
            f"{self.approver} on {self.approved_on}) differs from this one; re-approve"
        )

    def fields(self) -> list[tuple[str, str]]:
        """(name, value) pairs, in the order every format shows them.

        ``approved by`` and ``approved on`` name the approver of *this* version, so they are blank when
        the approval in force is of other content (``approval`` then says whose and when, and that it
        differs); ``approved version`` is the fingerprint that approval approved, to compare.
        """
        return [
            ("document", self.title),
            ("organisation", self.organisation),
            ("scope", self.scope),
            ("generated", self.generated),
            ("content fingerprint", f"sha256:{self.fingerprint}"),
            ("approval", self.approval),
            ("approved by", self.approver if self.approved else ""),
            ("approved on", self.approved_on if self.approved else ""),
            ("approved version", f"sha256:{self.approved_fingerprint}" if self.approved_fingerprint else ""),
            ("impact assessment", self.impact_assessment),
        ]

    def as_dict(self) -> dict[str, object]:
        """The header for JSON: every field, the approval facts as recorded, and ``approved`` as a boolean."""
        return {**asdict(self), "title": self.title, "approved": self.approved, "approval": self.approval}


# Row fields added after SoAs were approved: hashed only when they say something, so an unchanged SoA keeps
# its fingerprint (and its approval) across the upgrade that added them.
LATER_FIELDS = ("risks",)


def document_fingerprint(subject: str, organisation: str, scope: str, rows: Sequence[SoaRow]) -> str:
    """SHA-256 of an SoA's content: equal for two documents exactly when they state the same thing."""
    ordered = sorted(rows, key=lambda r: control_order(r.control))
    stated = [{k: v for k, v in asdict(r).items() if v or k not in LATER_FIELDS} for r in ordered]
    content = [subject, organisation, scope, stated]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def soa_header(store: Store, system: str | None, today: dt.date, rows: Sequence[SoaRow]) -> SoaHeader:
    """The header of ``rows``, the SoA of ``system`` (name or alias; None for the roll-up) generated ``today``.

    The approval is the one in force for the subject, whatever version it approved: ``SoaHeader.approved``
    compares its fingerprint with this document's.
    """
    subject, iri = ROLLUP, ORGANISATION
    if system is not None:
        iri = system_iri(store, system)
        if iri != ORGANISATION:
            found = store.select(SYSTEM_NAME, bindings={"system": NamedNode(iri)})
            subject = text(found[0]["name"]) if found else system
    record = store.select(ORGANISATION_RECORD)
    name = text(record[0].get("name")) if record else ""
    scope = text(record[0].get("scope")) if record else ""
    fingerprint = document_fingerprint(subject, name, scope, rows)
    assessed = _assessed(store, iri, today)
    header = SoaHeader(subject, name, scope, today.isoformat(), fingerprint, impact_assessment=assessed)
    approval = approvals.current(store, iri)
    if approval is None:
        return header
    return dataclasses.replace(
        header,
        approver=approval.approver,
        approved_on=approval.approved_on,
        approved_fingerprint=approval.fingerprint,
    )


def _assessed(store: Store, subject: str, today: dt.date) -> str:
    """The impact assessment line of the header: the system's status, or the roll-up's counts."""
    if subject == ORGANISATION:
        return assessment_status.rollup(assessment_status.assessment_status(store, today))
    found = assessment_status.status_of(store, today, subject)
    return found.summary() if found is not None else ""


@dataclass(frozen=True)
class SoaDocument:
    """An SoA as a file states it: its header and its rows."""

    header: SoaHeader
    rows: list[SoaRow]


def soa_document(store: Store, system: str | None, today: dt.date) -> SoaDocument:
    """The SoA ``aims soa`` shows for ``system`` (name or alias), with its header; the roll-up for None.

    A name that means the organisation (``organisation``, ``org``) is the roll-up too, so what the header
    calls "organisation roll-up", and what an approval of the organisation approves, is one document.
    """
    rollup = system is None or system_iri(store, system) == ORGANISATION
    # The roll-up is the organisation's SoA pack: the clauses of 4-10 with their implementation, then Annex A.
    rows = requirement_rows(store, today) + soa_rollup(store, today) if rollup else soa_for_system(store, system, today)
    return SoaDocument(soa_header(store, None if rollup else system, today, rows), rows)


def approve_soa(
    store: Store,
    system: str | None,
    *,
    approver: str,
    today: dt.date,
    approved_on: dt.date | None = None,
    by: str | None = None,
    via: str = "cli",
    now: dt.datetime | None = None,
) -> tuple[approvals.ApprovalResult, SoaDocument]:
    """Approve the SoA of ``system`` (None: the roll-up) as it stands ``today``; the result and the document.

    The fingerprint approved is the one of the document generated here, so what was approved is exactly
    what ``aims soa`` shows now. Should a decision land between generating and recording, the approval
    names the earlier version and the next SoA says it differs: the failure is "re-approve", never a
    changed SoA shown as approved. Raises ``ApprovalError`` (nothing written) for an unknown approver or a
    future date.
    """
    document = soa_document(store, system, today)
    result = approvals.approve(
        store,
        system=system,
        approver=approver,
        fingerprint=document.header.fingerprint,
        today=today,
        approved_on=approved_on,
        by=by,
        via=via,
        now=now,
    )
    header = dataclasses.replace(
        document.header,
        approver=result.approval.approver,
        approved_on=result.approval.approved_on,
        approved_fingerprint=result.approval.fingerprint,
    )
    return result, SoaDocument(header, document.rows)
