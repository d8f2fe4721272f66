"""Risk acceptance: someone the risk criteria allow accepts a risk at the level it stands. Nothing is deleted.

A risk at or above the organisation's appetite must be treated until it falls below, or be accepted by one
of the people the inventory's ``risk_criteria: may_accept`` names. An acceptance is a PROV entity in its
own graph (``GRAPH_RISK_ACCEPTANCE``, untouched by re-imports), recorded like a decision: who recorded it
(``prov:wasAttributedTo``), when (``prov:generatedAtTime``), from where (``aims:acceptanceVia``), the
acceptance it revises (``prov:wasRevisionOf``, with ``aims:supersededBy`` on the old one so the one in
force is one lookup). It states the risk, the accepter, the day, the reason and the *level accepted*: the
risk's residual level when one is rated, else its level before treatment. An acceptance holds only while
the risk's current level stays at or below that level, so a re-rating that raises the risk lapses it
without anyone having to remember to (``Acceptance.holds_at``).

The rules live in ``validate``: ``record`` refuses what it reports, and each interface shows every error
beside its field (the CLI prints one line each; a Slack modal maps ``FieldError.field`` to its block).
"""

from __future__ import annotations

import datetime as dt
import difflib
import uuid
from dataclasses import dataclass
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Triple

from graph.compliance.contacts import split_owner
from graph.compliance.decisions import DecisionError, FieldError
from graph.compliance.risk_criteria import risk_criteria
from graph.namespaces import (
    AIMS,
    DCTERMS,
    GRAPH_RISK_ACCEPTANCE,
    ORG,
    PROV,
    RDF_TYPE,
    RDFS,
    SKOS,
    XSD,
    node_iri,
)
from graph.store import Row, Store, text
from graph.store.generations import bump, cached, write_lock
from graph.vocabulary import vocabulary

# How many risk ids an "unknown risk" message lists when nothing is close.
LISTED_RISKS = 12

RISK = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
PREFIX skos: <{SKOS}>
SELECT ?id ?title ?level ?residual WHERE {{
  ?risk a aims:Risk ; skos:notation ?id .
  OPTIONAL {{ ?risk dcterms:title ?title }}
  OPTIONAL {{ ?risk aims:riskLevel ?level }}
  OPTIONAL {{ ?risk aims:residualLevel ?residual }}
}}"""

RISK_IDS = f"""
PREFIX aims: <{AIMS}>
PREFIX skos: <{SKOS}>
SELECT ?id WHERE {{ ?risk a aims:Risk ; skos:notation ?id }}"""

# Every acceptance (of one risk when ``?risk`` is bound). The OPTIONALs stay outside the GRAPH block so a
# bound risk is pushed into it (see graph.compliance.decisions).
ACCEPTANCES = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
PREFIX prov: <{PROV}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
SELECT ?acceptance ?risk ?level ?residual ?accepter ?name ?on ?why ?who ?when ?via ?id ?revises ?superseded WHERE {{
  GRAPH <{GRAPH_RISK_ACCEPTANCE}> {{
    ?acceptance aims:acceptanceOf ?risk ; a aims:RiskAcceptance ; aims:acceptedLevel ?level ;
                aims:acceptedResidual ?residual ; aims:acceptedBy ?accepter ; aims:accepterName ?name ;
                dcterms:dateAccepted ?on ; aims:acceptanceJustification ?why ;
                prov:wasAttributedTo/rdfs:label ?who ; prov:generatedAtTime ?when ; aims:acceptanceVia ?via ;
                dcterms:identifier ?id .
  }}
  OPTIONAL {{ GRAPH <{GRAPH_RISK_ACCEPTANCE}> {{ ?acceptance prov:wasRevisionOf ?revises }} }}
  OPTIONAL {{ GRAPH <{GRAPH_RISK_ACCEPTANCE}> {{ ?acceptance aims:supersededBy ?superseded }} }}
}}"""


class AcceptanceError(DecisionError):
    """A risk acceptance was refused; ``errors`` says which fields are wrong and what to do. Nothing was written."""


@dataclass(frozen=True)
class AcceptanceRequest:
    """What a caller asks to record; the field names are the ones ``FieldError.field`` names.

    Args:
        risk: the risk's id as the inventory writes it (``R-002``; any case or punctuation).
        accepter: who accepts: one of the risk criteria's ``may_accept`` (a name, with or without a role).
        justification: why the risk is accepted rather than treated further.
        recorded_by: who records it (a Slack user id or a name); may differ from the accepter.
        accepted_on: the day of the acceptance (a meeting's date); default today, never later.
        recorded_via: where it is recorded: ``cli``, or a Slack permalink.
    """

    risk: str
    accepter: str
    justification: str
    recorded_by: str
    accepted_on: dt.date | None = None
    recorded_via: str = "cli"


@dataclass(frozen=True)
class Acceptance:
    """A recorded acceptance as read back from the graph.

    Args:
        iri: the acceptance's node.
        risk: the risk's id (``R-002``) when it was accepted.
        risk_iri: the risk's node in the inventory.
        accepted_level: the level accepted (1-25).
        residual: whether that level was the residual level (else the level before treatment).
        accepter: the accepter's name as the risk criteria gave it.
        accepter_iri: the accepter's agent node.
        accepted_on: the day of the acceptance (ISO 8601 date).
        justification: the reason given.
        recorded_by: who recorded it (a person id).
        recorded_at: when it was recorded (ISO 8601 date-time, UTC).
        recorded_via: where it was recorded (``cli``, or a Slack permalink).
        revises: the acceptance of the same risk it replaced, if any.
        current: whether no later acceptance revises it (it may still have lapsed: see ``holds_at``).
    """

    iri: str
    risk: str
    risk_iri: str
    accepted_level: int
    residual: bool
    accepter: str
    accepter_iri: str
    accepted_on: str
    justification: str
    recorded_by: str
    recorded_at: str
    recorded_via: str
    revises: str | None = None
    current: bool = True

    def holds_at(self, level: int) -> bool:
        """Whether it still covers the risk at its current ``level``: it lapses once the risk rises above it."""
        return level <= self.accepted_level

    def summary(self) -> str:
        """``accepted by Helena Marsh on 2026-12-01 at level 12 (residual)``."""
        basis = "residual" if self.residual else "before treatment"
        return f"accepted by {self.accepter} on {self.accepted_on} at level {self.accepted_level} ({basis})"


@dataclass(frozen=True)
class AcceptanceResult:
    """The acceptance in force after ``record``, and whether that call wrote it (False: the same was in force)."""

    acceptance: Acceptance
    created: bool


@dataclass(frozen=True)
class _Risk:
    iri: str
    id: str
    title: str
    level: int  # the current level: residual when rated, else before treatment; 0 when unrated
    residual: bool


def _risk(store: Store, wanted: str) -> _Risk | None:
    """The inventory's risk with this id (any case or punctuation), with its current level."""
    if not wanted.strip():
        return None
    iri = node_iri("risks", wanted.strip())
    rows = store.select(RISK, bindings={"risk": NamedNode(iri)})
    if not rows:
        return None
    row = rows[0]
    residual = text(row["residual"])
    level = residual or text(row["level"])
    return _Risk(iri, text(row["id"]), text(row["title"]), int(level) if level else 0, bool(residual))


def accepters(store: Store) -> tuple[str, ...]:
    """Who may accept risk (the risk criteria's ``may_accept``), for interfaces that offer a choice."""
    return risk_criteria(store).may_accept


def validate(store: Store, request: AcceptanceRequest, *, today: dt.date) -> list[FieldError]:
    """Every reason ``record`` would refuse ``request``, one per field (empty when it can be recorded)."""
    return _checked(store, request, today)[0]


def _checked(store: Store, request: AcceptanceRequest, today: dt.date) -> tuple[list[FieldError], _Risk | None, str]:
    """The refusals, the risk (when found) and the accepter's agent node ("" when refused)."""
    errors: list[FieldError] = []
    risk = _risk(store, request.risk)
    if risk is None:
        errors.append(FieldError("risk", _unknown_risk(store, request.risk)))
    elif risk.level == 0:
        errors.append(
            FieldError(
                "risk",
                f"{risk.id} has no likelihood and impact in the inventory, so there is no level to accept; "
                "rate it first",
            )
        )
    criteria = risk_criteria(store)
    accepter = split_owner(request.accepter.strip())[0] if request.accepter.strip() else ""
    agent = node_iri("people", accepter) if accepter else ""
    if not accepter:
        errors.append(FieldError("accepter", f"required: who accepts the risk ({criteria.who_may_accept()})"))
    elif agent not in criteria.may_accept_iris:
        if criteria.may_accept:
            why = f"{accepter!r} may not accept risk; the risk criteria let {criteria.who_may_accept()} accept it"
        elif criteria.given:
            why = f"{accepter!r} may not accept risk: the risk criteria name nobody under may_accept"
        else:
            why = f"{accepter!r} may not accept risk: the inventory has no risk_criteria, so nobody may accept yet"
        errors.append(
            FieldError(
                "accepter",
                f"{why} (to allow someone, name them under risk_criteria: may_accept in the inventory and run "
                "aims load --inventory FILE)",
            )
        )
    day = request.accepted_on or today
    if day > today:
        errors.append(
            FieldError("accepted_on", f"{day.isoformat()} is in the future; give the day the risk was accepted")
        )
    words = vocabulary()
    if len(request.justification.strip()) < words.min_justification:
        errors.append(
            FieldError(
                "justification",
                f"say why the risk is accepted rather than treated further, in at least {words.min_justification} "
                "characters",
            )
        )
    elif len(request.justification) > words.max_justification:
        errors.append(
            FieldError(
                "justification",
                f"at most {words.max_justification:,} characters, got {len(request.justification):,}",
            )
        )
    if not request.recorded_by.strip():
        errors.append(FieldError("recorded_by", "required (who records it, e.g. a Slack user id)"))
    return errors, risk, agent if not errors else ""


def _unknown_risk(store: Store, wanted: str) -> str:
    """Why ``wanted`` names no risk: the close ids, else the ids there are."""
    if not wanted.strip():
        return "required: the risk's id as the inventory writes it (e.g. R-002)"
    ids = sorted(text(r["id"]) for r in store.select(RISK_IDS))
    if not ids:
        return f"no risk {wanted.strip()!r}: the inventory records no risks"
    close = difflib.get_close_matches(wanted.strip().upper(), [i.upper() for i in ids], n=3, cutoff=0.6)
    if close:
        return f"no risk {wanted.strip()!r} in the inventory; did you mean {' or '.join(close)}?"
    more = f" and {len(ids) - LISTED_RISKS:,} more" if len(ids) > LISTED_RISKS else ""
    shown = ", ".join(ids[:LISTED_RISKS]) + more
    return f"no risk {wanted.strip()!r} in the inventory; its risks: {shown}"


def record(
    store: Store, request: AcceptanceRequest, *, today: dt.date, now: dt.datetime | None = None
) -> AcceptanceResult:
    """Validate and write one acceptance in one transaction, revising the one in force for the risk, if any.

    Raises:
        AcceptanceError: with every refused field; nothing was written.

    Accepting again what is in force (same accepter, day, level and reason) writes nothing, so a retried
    command or a double-clicked button is harmless.
    """
    errors, risk, agent = _checked(store, request, today)
    if errors or risk is None:
        raise AcceptanceError(*errors)
    criteria = risk_criteria(store)
    accepter = criteria.may_accept[criteria.may_accept_iris.index(agent)]
    day = (request.accepted_on or today).isoformat()
    why = request.justification.strip()
    with write_lock(store):
        previous = current(store, risk.id)
        same = (agent, day, risk.level, why)
        if (
            previous is not None
            and (previous.accepter_iri, previous.accepted_on, previous.accepted_level, previous.justification) == same
        ):
            return AcceptanceResult(previous, created=False)
        iri = NamedNode(f"{ORG}risk-acceptance/{uuid.uuid4()}")
        stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
        triples = _triples(iri, risk, agent, accepter, day, request, stamp)
        if previous is not None:
            triples.append(Triple(iri, NamedNode(PROV + "wasRevisionOf"), NamedNode(previous.iri)))
            triples.append(Triple(NamedNode(previous.iri), NamedNode(AIMS + "supersededBy"), iri))
        store.insert(GRAPH_RISK_ACCEPTANCE, triples)
        bump(store, "acceptances")
    # Read back, so the caller holds the acceptance exactly as every reader sees it.
    written = next(a for a in reversed(history(store, risk.id)) if a.iri == iri.value)
    return AcceptanceResult(written, created=True)


def _triples(
    iri: NamedNode,
    risk: _Risk,
    agent: str,
    accepter: str,
    day: str,
    request: AcceptanceRequest,
    stamp: dt.datetime,
) -> list[Triple]:
    a = NamedNode(RDF_TYPE)
    recorder = NamedNode(f"{ORG}person/{quote(request.recorded_by.strip(), safe='')}")
    return [
        Triple(iri, a, NamedNode(AIMS + "RiskAcceptance")),
        Triple(iri, a, NamedNode(PROV + "Entity")),
        Triple(iri, NamedNode(AIMS + "acceptanceOf"), NamedNode(risk.iri)),
        # The id as it was, so the acceptance still reads right should the inventory drop the risk.
        Triple(iri, NamedNode(DCTERMS + "identifier"), Literal(risk.id)),
        Triple(iri, NamedNode(AIMS + "acceptedLevel"), Literal(str(risk.level), datatype=NamedNode(XSD + "integer"))),
        Triple(
            iri,
            NamedNode(AIMS + "acceptedResidual"),
            Literal("true" if risk.residual else "false", datatype=NamedNode(XSD + "boolean")),
        ),
        Triple(iri, NamedNode(AIMS + "acceptedBy"), NamedNode(agent)),
        Triple(NamedNode(agent), a, NamedNode(PROV + "Agent")),
        Triple(iri, NamedNode(AIMS + "accepterName"), Literal(accepter)),
        Triple(iri, NamedNode(DCTERMS + "dateAccepted"), Literal(day, datatype=NamedNode(XSD + "date"))),
        Triple(iri, NamedNode(AIMS + "acceptanceJustification"), Literal(request.justification.strip())),
        Triple(iri, NamedNode(PROV + "wasAttributedTo"), recorder),
        Triple(recorder, a, NamedNode(PROV + "Agent")),
        Triple(recorder, NamedNode(RDFS + "label"), Literal(request.recorded_by.strip())),
        Triple(
            iri,
            NamedNode(PROV + "generatedAtTime"),
            Literal(stamp.isoformat(timespec="microseconds"), datatype=NamedNode(XSD + "dateTime")),
        ),
        Triple(iri, NamedNode(AIMS + "acceptanceVia"), Literal(request.recorded_via.strip() or "cli")),
    ]


def history(store: Store, risk: str) -> list[Acceptance]:
    """Every acceptance of the risk with id ``risk`` (any case), oldest recorded first."""
    rows = store.select(ACCEPTANCES, bindings={"risk": NamedNode(node_iri("risks", risk.strip()))})
    return _sorted([_acceptance(row) for row in rows])


def current(store: Store, risk: str) -> Acceptance | None:
    """The acceptance in force for the risk with id ``risk``: the newest no other revises (it may have lapsed)."""
    found = [a for a in history(store, risk) if a.current]
    return found[-1] if found else None


def in_force(store: Store) -> dict[str, Acceptance]:
    """The acceptance in force per risk IRI (lapsed or not: compare ``holds_at`` with the risk's level)."""
    return cached(store, ("risk-acceptances",), lambda: _in_force(store), depends_on=("acceptances",))


def _in_force(store: Store) -> dict[str, Acceptance]:
    found: dict[str, Acceptance] = {}
    for acceptance in _sorted([_acceptance(row) for row in store.select(ACCEPTANCES)]):
        if acceptance.current:
            found[acceptance.risk_iri] = acceptance  # the newest wins should two writers have forked a chain
    return found


def _sorted(found: list[Acceptance]) -> list[Acceptance]:
    """Oldest first along the revision chain (a revision after what it revises, whatever the clocks said)."""
    revises = {a.iri: a.revises for a in found}

    def depth(iri: str) -> int:
        seen = {iri}
        while (iri := revises.get(iri) or "") and iri not in seen:
            seen.add(iri)
        return len(seen) - 1

    return sorted(found, key=lambda a: (depth(a.iri), dt.datetime.fromisoformat(a.recorded_at), a.iri))


def _acceptance(row: Row) -> Acceptance:
    def value(name: str) -> str:
        return text(row.get(name))

    return Acceptance(
        iri=value("acceptance"),
        risk=value("id"),
        risk_iri=value("risk"),
        accepted_level=int(value("level")),
        residual=value("residual") == "true",
        accepter=value("name"),
        accepter_iri=value("accepter"),
        accepted_on=value("on"),
        justification=value("why"),
        recorded_by=value("who"),
        recorded_at=value("when"),
        recorded_via=value("via"),
        revises=value("revises") or None,
        current=not value("superseded"),
    )
