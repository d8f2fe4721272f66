"""The weekly digest's content: lapsing evidence, the week's decisions, what is undecided and overdue.

Only data; the bot renders it. Evidence is listed whether or not its owner was reminded (the digest is the
compliance team's view), and owners who cannot be reached are named, never skipped silently. A digest is
posted once per ISO week and channel; what was posted is kept in the reminders graph.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Triple

from graph.compliance import gap_risks
from graph.compliance.gap import gap_analysis
from graph.compliance.reminders import EXPIRED, Reminder, lapsing
from graph.compliance.soa import soa_progress
from graph.namespaces import AIMS, GRAPH_REMINDERS, ORG, PROV, RDF_TYPE, RDFS, SKOS, XSD
from graph.store import Store, text
from graph.store.generations import bump

DIGEST_DAYS = 7
# Lines of the digest that could grow with the organisation stop here; the bot says how many more.
UNDECIDED_SHOWN = 20
OVERDUE_SHOWN = 10
# The gap's lines that are overdue rather than merely open: applicable controls without current evidence,
# untreated risks, risks above the appetite nobody accepted and treatment actions past their due date
# (expired evidence and undecided controls have their own parts of the digest).
# Always overdue: what should already exist. Other lines are overdue once their due date has passed
# (unfinished work past its target date).
_OVERDUE_KINDS = (
    "no current evidence",
    "untreated risk",
    "implemented without evidence",
    gap_risks.ABOVE,
    gap_risks.OVERDUE_ACTION,
)

# The decisions stamped within the window: the stamps first (one range scan), then details for those only.
RECENT = f"""
PREFIX aims: <{AIMS}>
PREFIX prov: <{PROV}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
SELECT ?when ?control ?system ?verdict ?who WHERE {{
  {{ SELECT ?d ?when WHERE {{ ?d prov:generatedAtTime ?when FILTER(?when >= ?start && ?when < ?end) }} }}
  ?d a aims:Decision ; aims:aboutControl/skos:notation ?control ;
     aims:aboutSystem ?s ; aims:verdict/skos:prefLabel ?verdict ; prov:wasAttributedTo/rdfs:label ?who .
  OPTIONAL {{ ?s rdfs:label ?name FILTER NOT EXISTS {{ ?s a aims:Organisation }} }}
  BIND(COALESCE(?name, "the whole organisation") AS ?system)
}} ORDER BY ?when"""

SENT = f"""
PREFIX aims: <{AIMS}>
ASK {{ GRAPH <{GRAPH_REMINDERS}> {{ ?digest a aims:DigestSent ; aims:week ?week ; aims:sentTo ?channel }} }}"""


@dataclass(frozen=True)
class DigestDecision:
    """A decision recorded in the digest's week."""

    control: str
    system: str
    verdict: str
    decided_by: str
    when: str


@dataclass(frozen=True)
class Digest:
    """What the weekly digest says; rendering is the bot's job."""

    today: str
    week: str
    expired: tuple[Reminder, ...]
    expiring: tuple[Reminder, ...]
    decisions: tuple[DigestDecision, ...]
    undecided: tuple[tuple[str, int], ...]
    overdue: tuple[str, ...]
    unreachable: tuple[str, ...]


def iso_week(day: dt.date) -> str:
    """``2026-W49``: the ISO week a digest is named and deduplicated by."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _stamp(moment: dt.datetime) -> Literal:
    return Literal(moment.isoformat(), datatype=NamedNode(XSD + "dateTime"))


def week_decisions(store: Store, today: dt.date) -> list[DigestDecision]:
    """Decisions recorded in the ``DIGEST_DAYS`` days up to and including ``today`` (UTC), oldest first."""
    start = dt.datetime.combine(today - dt.timedelta(days=DIGEST_DAYS - 1), dt.time(), dt.UTC)
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), dt.UTC)
    rows = store.select(RECENT, bindings={"start": _stamp(start), "end": _stamp(end)})
    return [
        DigestDecision(text(r["control"]), text(r["system"]), text(r["verdict"]), text(r["who"]), text(r["when"]))
        for r in rows
    ]


def _overdue(store: Store, today: dt.date) -> list[str]:
    """The highest-ranked gap lines that are past due, in our words, one line each."""
    lines = []
    for item in gap_analysis(store, today):
        if item.kind in _OVERDUE_KINDS or (item.kind == "not implemented" and item.due < today.isoformat()):
            lines.append(f"{item.subject}: {item.reason} (owner {item.owner})")
        if len(lines) == OVERDUE_SHOWN:
            break
    return lines


def _unreachable(items: list[Reminder]) -> list[str]:
    """Owners of lapsing evidence the bot cannot message: no Slack id, and no e-mail to find one by."""
    names = set()
    for item in items:
        person = item.person
        if person is None or not (person.slack_id or person.email):
            names.add(person.name if person else (item.owner or f"(no owner) {item.title}"))
    return sorted(names, key=str.lower)


def weekly_digest(store: Store, today: dt.date, within_days: int = 30) -> Digest:
    """The digest for the ISO week of ``today``."""
    items = lapsing(store, today, within_days)
    progress = soa_progress(store, UNDECIDED_SHOWN)
    return Digest(
        today.isoformat(),
        iso_week(today),
        tuple(r for r in items if r.threshold == EXPIRED),
        tuple(r for r in items if r.threshold != EXPIRED),
        tuple(week_decisions(store, today)),
        tuple((name, open_) for _, name, open_ in progress.least_advanced if open_),
        tuple(_overdue(store, today)),
        tuple(_unreachable(items)),
    )


def digest_sent(store: Store, week: str, channel: str) -> bool:
    """Whether the digest of ``week`` was already posted to ``channel``."""
    return store.ask(SENT, bindings={"week": Literal(week), "channel": Literal(channel)})


def record_digest(store: Store, week: str, channel: str, where: str, now: dt.datetime | None = None) -> None:
    """Keep that the digest of ``week`` went to ``channel`` (at ``where``), so it is posted once."""
    iri = NamedNode(f"{ORG}reminders/{uuid.uuid4()}")
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    store.insert(
        GRAPH_REMINDERS,
        [
            Triple(iri, NamedNode(RDF_TYPE), NamedNode(AIMS + "DigestSent")),
            Triple(iri, NamedNode(RDF_TYPE), NamedNode(PROV + "Entity")),
            Triple(iri, NamedNode(AIMS + "week"), Literal(week)),
            Triple(iri, NamedNode(AIMS + "sentTo"), Literal(channel)),
            Triple(iri, NamedNode(AIMS + "sentAt"), Literal(where)),
            Triple(iri, NamedNode(PROV + "generatedAtTime"), _stamp(moment)),
        ],
    )
    bump(store, "reminders")
