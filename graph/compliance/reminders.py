"""Evidence reminders: who owns lapsing evidence, what was sent, snoozed, disowned or renewed.

Everything here is kept in the graph (``GRAPH_REMINDERS``), not in the bot's memory, so a second run, a
cron run beside the bot, or a restart sends nothing new: a reminder is due once per evidence item,
threshold (``expiring``, ``expired``) and validity date, so a renewal that lapses in turn is reminded
again. Snoozes and "Not mine" are PROV entities with who and when, like decisions. Renewals live in
``graph.compliance.renewals``, which makes their dates the validity every reader sees.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Quad, Triple

from graph.compliance.contacts import SLACK_USER_ID, split_owner
from graph.compliance.renewals import is_evidence, write_renewal
from graph.namespaces import (
    AIMS,
    DCTERMS,
    GRAPH_INVENTORY,
    GRAPH_REMINDERS,
    ORG,
    PROV,
    RDF_TYPE,
    RDFS,
    SKOS,
    XSD,
    control_order,
    node_iri,
)
from graph.store import Store, text
from graph.store.generations import bump, write_lock

EXPIRING = "expiring"
EXPIRED = "expired"

# Items whose validity in force ends by ``until``: the dates first (an index scan), details for those only.
LAPSING = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
SELECT ?evidence ?valid ?title ?url ?owner ?agent ?control ?systemName WHERE {{
  {{ SELECT ?evidence ?valid WHERE {{ ?evidence dcterms:valid ?valid FILTER(?valid <= ?until) }} }}
  ?evidence a aims:Evidence ; dcterms:title ?title .
  OPTIONAL {{ ?evidence dcterms:source ?url }}
  OPTIONAL {{ ?evidence aims:owner ?owner }}
  OPTIONAL {{ ?evidence aims:ownedBy ?agent }}
  OPTIONAL {{ ?evidence aims:supportsControl/skos:notation ?control }}
  OPTIONAL {{ ?evidence aims:supportsSystem ?system . ?system a aims:AISystem ; rdfs:label ?systemName }}
}}"""

SENT = f"""
PREFIX aims: <{AIMS}>
SELECT ?evidence ?threshold ?until WHERE {{
  GRAPH <{GRAPH_REMINDERS}> {{
    ?sent a aims:ReminderSent ; aims:remindedAbout ?evidence ; aims:threshold ?threshold ;
          aims:remindedValidUntil ?until
  }}
}}"""

SNOOZED = f"""
PREFIX aims: <{AIMS}>
SELECT ?evidence ?until WHERE {{
  GRAPH <{GRAPH_REMINDERS}> {{ ?snooze a aims:Snooze ; aims:remindedAbout ?evidence ; aims:snoozedUntil ?until }}
}}"""

# Only the inventory's people section makes an aims:Contact; owners not listed stay plain agents.
PEOPLE = f"""
PREFIX aims: <{AIMS}>
PREFIX rdfs: <{RDFS}>
SELECT ?person ?name ?email ?slack ?role ?found WHERE {{
  GRAPH <{GRAPH_INVENTORY}> {{
    ?person a aims:Contact ; rdfs:label ?name .
    OPTIONAL {{ ?person aims:email ?email }}
    OPTIONAL {{ ?person aims:slackId ?slack }}
    OPTIONAL {{ ?person aims:position ?role }}
  }}
  OPTIONAL {{ GRAPH <{GRAPH_REMINDERS}> {{ ?person aims:foundSlackId ?found }} }}
}}"""

FOUND_SLACK_ID = f"""
PREFIX aims: <{AIMS}>
SELECT ?found WHERE {{ GRAPH <{GRAPH_REMINDERS}> {{ ?person aims:foundSlackId ?found }} }}"""

# The owner of one evidence item, as the inventory writes it.
OWNER_OF = f"""
PREFIX aims: <{AIMS}>
SELECT ?owner WHERE {{ ?evidence a aims:Evidence ; aims:owner ?owner }} LIMIT 1"""

IS_CONTACT = f"ASK {{ GRAPH <{GRAPH_INVENTORY}> {{ ?person a <{AIMS}Contact> }} }}"


@dataclass(frozen=True)
class Person:
    """A person (or team) of the inventory's ``people`` section; ``""`` for what was not given.

    ``slack_id`` is the one the inventory gives or, failing that, the one found by e-mail and cached.
    """

    iri: str
    name: str
    email: str
    slack_id: str
    role: str


@dataclass(frozen=True)
class Reminder:
    """One evidence item due a reminder: what it is, when it lapses, who owns it and what it supports."""

    evidence: str
    title: str
    url: str
    valid_until: str
    threshold: str
    owner: str
    person: Person | None
    controls: tuple[str, ...]
    systems: tuple[str, ...]


class ReminderError(ValueError):
    """Bad input to a reminder action (unknown evidence, dates in the wrong order); the message says which."""


def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)


def _stamp(moment: dt.datetime) -> Literal:
    return Literal(moment.isoformat(), datatype=NamedNode(XSD + "dateTime"))


def _date(day: dt.date) -> Literal:
    return Literal(day.isoformat(), datatype=NamedNode(XSD + "date"))


def _attributed(subject: NamedNode, by: str) -> list[Triple]:
    """Who did it, as decisions name their deciders (an agent per id, labelled with it)."""
    if not by.strip():
        raise ReminderError("by: say who did it (a Slack user id or a name)")
    agent = NamedNode(f"{ORG}person/{quote(by.strip(), safe='')}")
    return [
        Triple(subject, NamedNode(PROV + "wasAttributedTo"), agent),
        Triple(agent, NamedNode(RDF_TYPE), NamedNode(PROV + "Agent")),
        Triple(agent, NamedNode(RDFS + "label"), Literal(by.strip())),
    ]


def _known(store: Store, evidence: str) -> NamedNode:
    if not evidence.strip() or not is_evidence(store, evidence):
        raise ReminderError(f"evidence: {evidence!r} is not an evidence item of the inventory")
    return NamedNode(evidence)


def _insert(store: Store, triples: list[Triple]) -> None:
    """One transaction into the reminders graph, counted so caches and endpoint workers see it."""
    store.insert(GRAPH_REMINDERS, triples)
    bump(store, "reminders")


# ----- people -------------------------------------------------------------------------------------------


def people(store: Store) -> list[Person]:
    """The inventory's people, by name."""
    found: dict[str, dict[str, str]] = {}
    for row in store.select(PEOPLE):
        entry = found.setdefault(text(row["person"]), {})
        for field, var in (
            ("name", "name"),
            ("email", "email"),
            ("given", "slack"),
            ("role", "role"),
            ("found", "found"),
        ):
            value = text(row[var])
            if value and (field not in entry or value < entry[field]):
                entry[field] = value  # the smallest of repeated values, so the choice is the same every run
    return sorted(
        (
            Person(iri, e.get("name", ""), e.get("email", ""), e.get("given") or e.get("found", ""), e.get("role", ""))
            for iri, e in found.items()
        ),
        key=lambda p: p.name.lower(),
    )


def person_by_name(store: Store, name: str) -> Person | None:
    """The listed person an owner's text names (``Amara Okafor`` or ``Amara Okafor (Fraud Analytics)``)."""
    iri = node_iri("people", split_owner(name)[0])
    return next((p for p in people(store) if p.iri == iri), None)


def owner_of(store: Store, evidence: str) -> str:
    """The owner of the evidence item ``evidence`` as the inventory names them ("" if none or no such item).

    Who may act on a reminder is decided from this, never from what a button carries.
    """
    rows = store.select(OWNER_OF, bindings={"evidence": NamedNode(evidence)})
    return text(rows[0]["owner"]) if rows else ""


def cache_slack_id(store: Store, person_iri: str, slack_id: str) -> None:
    """Keep the Slack id ``users.lookupByEmail`` found for a listed person, replacing an older one."""
    if not SLACK_USER_ID.match(slack_id):
        raise ReminderError(f"slack_id: {slack_id!r} is not a Slack user id (U0123ABCD)")
    person = NamedNode(person_iri)
    if not store.ask(IS_CONTACT, bindings={"person": person}):
        raise ReminderError(f"person: {person_iri!r} is not in the inventory's people section")
    graph = NamedNode(GRAPH_REMINDERS)
    predicate = NamedNode(AIMS + "foundSlackId")
    with write_lock(store):
        old = [
            Quad(person, predicate, found, graph)
            for r in store.select(FOUND_SLACK_ID, bindings={"person": person})
            if (found := r["found"]) is not None
        ]
        store.change(old, [Quad(person, predicate, Literal(slack_id), graph)])
    bump(store, "reminders")


# ----- what is due ----------------------------------------------------------------------------------------


def lapsing(store: Store, today: dt.date, within_days: int = 30) -> list[Reminder]:
    """Every item expired or expiring within ``within_days``, whatever was sent; expired first, then by date."""
    if within_days < 0:
        raise ReminderError(f"within_days: {within_days} is negative; give how many days ahead to look")
    until = _date(today + dt.timedelta(days=within_days))
    rows = store.select(LAPSING, bindings={"until": until})
    listed = {p.iri: p for p in people(store)} if rows else {}
    items: dict[str, dict[str, str]] = {}
    controls: dict[str, set[str]] = defaultdict(set)
    systems: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        iri = text(row["evidence"])
        entry = items.setdefault(iri, {})
        for var in ("valid", "title", "url", "owner", "agent"):
            entry.setdefault(var, text(row[var]))
        if control := text(row["control"]):
            controls[iri].add(control)
        if system := text(row["systemName"]):
            systems[iri].add(system)
    found = []
    for iri, e in items.items():
        valid = dt.date.fromisoformat(e["valid"])
        found.append(
            Reminder(
                iri,
                e["title"],
                e["url"],
                e["valid"],
                EXPIRED if valid < today else EXPIRING,
                e["owner"],
                listed.get(e["agent"]),
                tuple(sorted(controls[iri], key=control_order)),
                tuple(sorted(systems[iri])),
            )
        )
    return sorted(found, key=lambda r: (r.threshold != EXPIRED, r.valid_until, r.title))


def due_reminders(store: Store, today: dt.date, within_days: int = 30) -> list[Reminder]:
    """Lapsing items not yet reminded for the same threshold and date, nor snoozed past ``today``."""
    sent = {(text(r["evidence"]), text(r["threshold"]), text(r["until"])) for r in store.select(SENT)}
    snoozed: dict[str, str] = {}
    for row in store.select(SNOOZED):
        evidence, until = text(row["evidence"]), text(row["until"])
        snoozed[evidence] = max(until, snoozed.get(evidence, ""))
    return [
        r
        for r in lapsing(store, today, within_days)
        if (r.evidence, r.threshold, r.valid_until) not in sent and snoozed.get(r.evidence, "") <= today.isoformat()
    ]


# ----- what people did ------------------------------------------------------------------------------------


def record_sent(store: Store, reminder: Reminder, *, to: str, where: str, now: dt.datetime | None = None) -> None:
    """Keep that ``reminder`` went to ``to`` (a Slack user or channel id) at ``where``, so it is not sent again."""
    if not to.strip():
        raise ReminderError("to: say whom the reminder went to (a Slack user or channel id)")
    iri = NamedNode(f"{ORG}reminders/{uuid.uuid4()}")
    _insert(
        store,
        [
            Triple(iri, NamedNode(RDF_TYPE), NamedNode(AIMS + "ReminderSent")),
            Triple(iri, NamedNode(RDF_TYPE), NamedNode(PROV + "Entity")),
            Triple(iri, NamedNode(AIMS + "remindedAbout"), NamedNode(reminder.evidence)),
            Triple(iri, NamedNode(AIMS + "threshold"), Literal(reminder.threshold)),
            Triple(
                iri,
                NamedNode(AIMS + "remindedValidUntil"),
                Literal(reminder.valid_until, datatype=NamedNode(XSD + "date")),
            ),
            Triple(iri, NamedNode(AIMS + "sentTo"), Literal(to.strip())),
            Triple(iri, NamedNode(AIMS + "sentAt"), Literal(where.strip())),
            Triple(iri, NamedNode(PROV + "generatedAtTime"), _stamp(_now(now))),
        ],
    )


def _note(store: Store, kind: str, evidence: str, by: str, moment: dt.datetime, *facts: tuple[str, Literal]) -> None:
    """Keep one reminder event about ``evidence`` (``aims:Snooze``, ``aims:Disowned``) with who and when."""
    subject = _known(store, evidence)
    iri = NamedNode(f"{ORG}reminders/{uuid.uuid4()}")
    _insert(
        store,
        [
            Triple(iri, NamedNode(RDF_TYPE), NamedNode(AIMS + kind)),
            Triple(iri, NamedNode(RDF_TYPE), NamedNode(PROV + "Entity")),
            Triple(iri, NamedNode(AIMS + "remindedAbout"), subject),
            *(Triple(iri, NamedNode(predicate), value) for predicate, value in facts),
            Triple(iri, NamedNode(PROV + "generatedAtTime"), _stamp(moment)),
            *_attributed(iri, by),
        ],
    )


def snooze(store: Store, evidence: str, until: dt.date, *, by: str, now: dt.datetime | None = None) -> None:
    """Hold reminders about ``evidence`` until ``until`` (they are due again on that day)."""
    moment = _now(now)
    if until <= moment.date():
        raise ReminderError(f"until: {until.isoformat()} is not after today; snooze to a later day")
    _note(store, "Snooze", evidence, by, moment, (AIMS + "snoozedUntil", _date(until)))


def disown(store: Store, evidence: str, *, by: str, now: dt.datetime | None = None) -> None:
    """Record that ``by`` says ``evidence`` is not theirs ("Not mine"), for the compliance team to reassign."""
    _note(store, "Disowned", evidence, by, _now(now))


def renew(
    store: Store,
    evidence: str,
    *,
    valid_until: dt.date,
    effective: dt.date | None,
    url: str | None,
    by: str,
    via: str,
    now: dt.datetime | None = None,
) -> None:
    """Record a renewal of ``evidence``; from then on its new dates (and link) are in force everywhere.

    Kept with who, when and where (``via``: a Slack permalink, or ``cli``); it survives re-imports of the
    inventory (graph.compliance.renewals).
    """
    if effective is not None and effective > valid_until:
        raise ReminderError(
            f"valid_until: {valid_until.isoformat()} is before the effective date {effective.isoformat()}"
        )
    link = (url or "").strip()
    if link and not link.lower().startswith(("https://", "http://")):
        raise ReminderError(f"url: {link!r} is not a web link (https://...)")
    if not by.strip():
        raise ReminderError("by: say who renewed it (a Slack user id or a name)")
    _known(store, evidence)
    write_renewal(
        store,
        evidence,
        valid_until=valid_until,
        effective=effective,
        link=link or None,
        by=by,
        via=via.strip() or "cli",
        now=_now(now),
    )
