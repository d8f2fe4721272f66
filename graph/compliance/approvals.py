"""Approvals of Statements of Applicability: who approved which version of whose SoA, and when.

An SoA handed to an auditor is a controlled document, and a controlled document names its approver and
approval date. An approval is recorded like a decision: a PROV entity (``aims:SoaApproval``) in its own
graph, so a re-import of the inventory never loses it, with who recorded it (``prov:wasAttributedTo``),
when (``prov:generatedAtTime``), from where (``aims:approvedVia``) and the approval it replaces
(``prov:wasRevisionOf``); nothing is deleted, the approval in force is the newest one not revised.

What is approved is a *version*: the content fingerprint of the SoA at the moment of approval
(``graph.publish.soa_header.document_fingerprint``, which the caller computes: this layer cannot render
documents). A reader compares it with the fingerprint of the SoA it is showing, so an SoA changed after
its approval (a new decision, evidence that lapsed) is never presented as approved. The approver is a
person of the inventory's ``people`` section, so an approval names someone the organisation knows; the
person recording it (``--by``, a Slack user id) may be someone else, as for decisions.

The approval keeps its own properties (``aims:approvalOf``, ``aims:approvedVia`` ...) rather than the
decision's, so no query about decisions ever counts one.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import uuid
from dataclasses import dataclass
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Quad, Triple

from graph.compliance.decisions import DecisionError, FieldError, system_iri
from graph.compliance.reminders import Person, people, person_by_name
from graph.namespaces import AIMS, DCTERMS, GRAPH_APPROVALS, ORG, PROV, RDF_TYPE, RDFS, XSD
from graph.store import Row, Store, text
from graph.store.generations import bump, write_lock

# How many of the inventory's people an "unknown approver" message lists before saying how many more.
LISTED_PEOPLE = 12
_FINGERPRINT = re.compile(r"[0-9a-f]{64}")

# Every approval of one subject (an AI system or the organisation), with what it revises and whether a
# newer one revises it. The OPTIONALs stay outside the GRAPH block so the bound subject is pushed into it.
APPROVALS_OF = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
PREFIX prov: <{PROV}>
PREFIX rdfs: <{RDFS}>
SELECT ?approval ?approver ?name ?on ?fingerprint ?who ?when ?via WHERE {{
  GRAPH <{GRAPH_APPROVALS}> {{
    ?approval aims:approvalOf ?subject ; a aims:SoaApproval ; aims:approvedBy ?approver ;
              aims:approverName ?name ; dcterms:dateAccepted ?on ; aims:approvedFingerprint ?fingerprint ;
              prov:wasAttributedTo/rdfs:label ?who ; prov:generatedAtTime ?when ; aims:approvedVia ?via .
  }}
}}"""

REVISIONS = f"""
PREFIX aims: <{AIMS}>
PREFIX prov: <{PROV}>
SELECT ?approval ?revises WHERE {{
  GRAPH <{GRAPH_APPROVALS}> {{ ?approval aims:approvalOf ?subject ; prov:wasRevisionOf ?revises }}
}}"""


class ApprovalError(ValueError):
    """An approval was refused; ``errors`` says which fields are wrong and what to do. Nothing was written."""

    def __init__(self, *errors: FieldError) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Approval:
    """A recorded approval of one SoA version, as read back from the graph.

    Args:
        iri: the approval's IRI.
        subject: IRI of the AI system, or of the organisation for the roll-up.
        approver: the approving person's name, as the inventory's people section gives it.
        approver_iri: that person's node in the inventory.
        approved_on: the day of the approval (ISO 8601 date).
        fingerprint: the content fingerprint (SHA-256, hex) of the SoA approved.
        recorded_by: who recorded the approval (a person id, e.g. a Slack user id).
        recorded_at: when it was recorded (ISO 8601 date-time, UTC).
        recorded_via: where it was recorded (``cli``, or a Slack permalink).
        revises: the approval of the same subject it replaces, if any.
    """

    iri: str
    subject: str
    approver: str
    approver_iri: str
    approved_on: str
    fingerprint: str
    recorded_by: str
    recorded_at: str
    recorded_via: str
    revises: str | None = None


@dataclass(frozen=True)
class ApprovalResult:
    """The approval in force after ``approve`` and whether that call wrote it (False: the same was in force)."""

    approval: Approval
    created: bool


def history(store: Store, subject: str) -> list[Approval]:
    """Every approval of the SoA of ``subject`` (an IRI), oldest recorded first."""
    bound = {"subject": NamedNode(subject)}
    revises = {text(r["approval"]): text(r["revises"]) for r in store.select(REVISIONS, bindings=bound)}
    found = [_approval(subject, row, revises) for row in store.select(APPROVALS_OF, bindings=bound)]
    return sorted(found, key=lambda a: (dt.datetime.fromisoformat(a.recorded_at), a.iri))


def current(store: Store, subject: str) -> Approval | None:
    """The approval in force for ``subject`` (an IRI): the newest one no other approval revises.

    Two writers on a remote store may both revise the same approval; the newest recorded then holds.
    """
    found = history(store, subject)
    revised = {a.revises for a in found if a.revises}
    in_force = [a for a in found if a.iri not in revised]
    return in_force[-1] if in_force else None


def _approval(subject: str, row: Row, revises: dict[str, str]) -> Approval:
    iri = text(row["approval"])
    return Approval(
        iri=iri,
        subject=subject,
        approver=text(row["name"]),
        approver_iri=text(row["approver"]),
        approved_on=text(row["on"]),
        fingerprint=text(row["fingerprint"]),
        recorded_by=text(row["who"]),
        recorded_at=text(row["when"]),
        recorded_via=text(row["via"]),
        revises=revises.get(iri) or None,
    )


def _unknown_approver(name: str, listed: list[Person]) -> FieldError:
    """Why ``name`` cannot approve, and how to fix it: the close names, the listed names, or the file to edit."""
    add = "add them under `people:` in the inventory file (name, email, role) and run `aims load --inventory FILE`"
    if not listed:
        return FieldError("approver", f"{name!r} cannot be checked: the inventory lists no people; {add}")
    names = [p.name for p in listed]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(close)}? " if close else ""  # the likeliest fix first
    shown = ", ".join(names[:LISTED_PEOPLE])
    if len(names) > LISTED_PEOPLE:
        shown += f" and {len(names) - LISTED_PEOPLE:,} more"
    return FieldError(
        "approver", f"{name!r} is not in the inventory's people section; {hint}the people listed: {shown}; or {add}"
    )


def _checked(
    store: Store, system: str | None, approver: str, fingerprint: str, approved_on: dt.date, today: dt.date
) -> tuple[list[FieldError], str, Person | None]:
    """Every reason to refuse the approval, the subject's IRI and the approving person (when known)."""
    errors: list[FieldError] = []
    subject = ""
    try:
        subject = system_iri(store, system)
    except DecisionError as exc:
        errors.extend(exc.errors)
    person = None
    if not approver.strip():
        errors.append(FieldError("approver", "required: the person who approves, as the inventory's people name them"))
    elif (person := person_by_name(store, approver.strip())) is None:
        errors.append(_unknown_approver(approver.strip(), people(store)))
    if approved_on > today:
        errors.append(
            FieldError("date", f"{approved_on.isoformat()} is in the future; give the day the SoA was approved")
        )
    if not _FINGERPRINT.fullmatch(fingerprint):
        errors.append(FieldError("fingerprint", f"{fingerprint!r} is not a SHA-256 fingerprint (64 hex digits)"))
    return errors, subject, person


def approve(
    store: Store,
    *,
    system: str | None,
    approver: str,
    fingerprint: str,
    today: dt.date,
    approved_on: dt.date | None = None,
    by: str | None = None,
    via: str = "cli",
    now: dt.datetime | None = None,
) -> ApprovalResult:
    """Record that ``approver`` approved the SoA of ``system`` whose content fingerprint is ``fingerprint``.

    Args:
        store: the store to record in.
        system: AI system name or alias; ``None`` for the organisation roll-up.
        approver: a person of the inventory's people section (name, any case, with or without their role).
        fingerprint: ``document_fingerprint`` of the SoA as it stands (hex): the version approved.
        today: the day it is; the approval date may not be later.
        approved_on: the day of the approval (a meeting's date); default ``today``.
        by: who records it (a person id); default the approver, recording their own approval.
        via: where it is recorded (``cli``, or a Slack permalink).
        now: when it is recorded; default the current time.

    Raises:
        ApprovalError: with every refused field; nothing was written.

    The previous approval of the same subject is revised, never deleted. Approving again the version in
    force, by the same person on the same day, writes nothing (so a retried command is harmless).
    """
    day = approved_on or today
    errors, subject, person = _checked(store, system, approver, fingerprint, day, today)
    recorder = (by if by is not None else (person.name if person else approver)).strip()
    if not recorder:
        errors.append(FieldError("by", "empty: give who records the approval (a person id), or omit it"))
    if errors or person is None:
        raise ApprovalError(*errors)
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    iri = NamedNode(f"{ORG}approval/{uuid.uuid4()}")
    agent = NamedNode(f"{ORG}person/{quote(recorder, safe='')}")
    a = NamedNode(RDF_TYPE)
    triples = [
        Triple(iri, a, NamedNode(AIMS + "SoaApproval")),
        Triple(iri, a, NamedNode(PROV + "Entity")),
        Triple(iri, NamedNode(AIMS + "approvalOf"), NamedNode(subject)),
        Triple(iri, NamedNode(AIMS + "approvedBy"), NamedNode(person.iri)),
        Triple(iri, NamedNode(AIMS + "approverName"), Literal(person.name)),
        Triple(iri, NamedNode(DCTERMS + "dateAccepted"), Literal(day.isoformat(), datatype=NamedNode(XSD + "date"))),
        Triple(iri, NamedNode(AIMS + "approvedFingerprint"), Literal(fingerprint)),
        Triple(iri, NamedNode(PROV + "wasAttributedTo"), agent),
        Triple(agent, a, NamedNode(PROV + "Agent")),
        Triple(agent, NamedNode(RDFS + "label"), Literal(recorder)),
        Triple(
            iri,
            NamedNode(PROV + "generatedAtTime"),
            Literal(stamp.isoformat(timespec="microseconds"), datatype=NamedNode(XSD + "dateTime")),
        ),
        Triple(iri, NamedNode(AIMS + "approvedVia"), Literal(via.strip() or "cli")),
    ]
    with write_lock(store):
        previous = current(store, subject)
        same = (fingerprint, person.iri, day.isoformat())
        if previous is not None and (previous.fingerprint, previous.approver_iri, previous.approved_on) == same:
            return ApprovalResult(previous, created=False)
        if previous is not None:
            triples.append(Triple(iri, NamedNode(PROV + "wasRevisionOf"), NamedNode(previous.iri)))
        graph = NamedNode(GRAPH_APPROVALS)
        store.change([], [Quad(t.subject, t.predicate, t.object, graph) for t in triples])
    bump(store, "approvals")
    # Read back, so the caller holds the approval exactly as every reader sees it (the store's own form of
    # the timestamp), and the written one even if another writer's landed in the same instant.
    written = next(found for found in reversed(history(store, subject)) if found.iri == iri.value)
    return ApprovalResult(written, created=True)
