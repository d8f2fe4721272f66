"""OSCAL component definition: the organisation's applicability decisions and implementation, as data.

The catalog (``graph.publish.oscal``) says what ISO/IEC 42001 asks; this document says what the organisation
decided and did about it, so a GRC tool can import our Statement of Applicability instead of retyping it.
It holds one component for the organisation-wide AI management system and one per AI system of the
inventory; each has a control implementation against the catalog (``source`` is ``CATALOG_HREF``, the file
``aims export -f oscal`` is expected to write beside it) whose implemented requirements carry, per control:

- ``applicability`` (our namespace): ``applicable``, ``not-applicable`` (the verdict's notation) or
  ``undecided``; ``applicability-basis``: "decided for this system", "inherited from the organisation"
  (an organisation-wide decision holds for a system without its own) or "decided organisation-wide";
  ``justification-type`` (the vocabulary's label), ``justification``, ``decided-by`` and ``decided-at``.
- ``implementation-status`` in OSCAL's own namespace with OSCAL's values, and the same name in ours with our
  exact label, because the two vocabularies differ (see ``OSCAL_STATUS``); ``implementation-basis``,
  ``target-date``; the owner as the ``implementation-owner`` responsible role, pointing at a party.
- evidence as ``links`` with ``rel="evidence"`` to back-matter resources, whose ``rlinks`` are only ever
  http(s) URLs: the record's evidence and the register's evidence for that control and system.

The organisation-wide component also lists the clauses of 4-10 that carry requirements: they cannot be
excluded, so they are applicable "required of every AI management system", with their implementation status
where one is recorded.

Free text (justifications, notes, names) is data, never markup: props are plain strings with control
characters removed (XML 1.0, which OSCAL also converts to, cannot carry them) and whitespace collapsed (an
OSCAL prop value is one line); the Markdown fields (descriptions, remarks, titles) escape every character
Markdown would act on. The standard's text never appears: ids and titles identify controls, everything else
is the organisation's own. Every uuid is a v5 uuid of what it identifies and ``metadata.version`` is a
fingerprint of the content, so the same graph state gives the same document but for ``last-modified``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from urllib.parse import quote

from trestle.oscal import OSCAL_VERSION
from trestle.oscal.common import (
    BackMatter,
    Link,
    Metadata,
    Parties,
    Property,
    Resource,
    ResponsibleParty,
    ResponsibleRole,
    Rlink,
    Role,
)
from trestle.oscal.component import ComponentDefinition, ControlImplementation, DefinedComponent, ImplementedRequirement

from graph.compliance.contacts import split_owner
from graph.compliance.evidence_register import is_web_url, register
from graph.compliance.implementation import Implementation, effective, in_force, requirement_clauses
from graph.compliance.soa import INHERITED, NO_DECISION, SoaRow, soa_for_system
from graph.namespaces import AIMS, DCTERMS, ORGANISATION, RDFS
from graph.publish.oscal import CATALOG_HREF, NAMESPACE, NOTICE, markdown, oscal_id, plain, stable_uuid
from graph.publish.soa_header import ORGANISATION_RECORD
from graph.store import Store, text
from graph.vocabulary import vocabulary

# OSCAL's ``implementation-status`` for ours. OSCAL has no "not started": a record that exists names an owner
# or a date, i.e. there is a plan, so it is ``planned``; our exact label travels beside it in our namespace.
OSCAL_STATUS = {
    AIMS + "Implemented": "implemented",
    AIMS + "InProgress": "partial",
    AIMS + "Planned": "planned",
    AIMS + "NotStarted": "planned",
}
UNDECIDED = "undecided"
NO_RECORD = "No implementation record."
MANAGEMENT_SYSTEM = "The organisation-wide AI management system: the decisions every AI system inherits by default."
# Clauses 4-10 are the management system itself: ISO/IEC 42001 allows no exclusion of them.
REQUIRED = "required of every AI management system"
OWN_RECORD = "recorded for this system"
ORGANISATION_RECORD_BASIS = "recorded organisation-wide"

# Roles: ``asset-owner`` is one of OSCAL's common role ids; ``implementation-owner`` is ours.
ROLE_SYSTEM_OWNER = "asset-owner"
ROLE_IMPLEMENTATION_OWNER = "implementation-owner"
ROLE_PREPARED_FOR = "prepared-for"
ROLES = (
    Role(id=ROLE_SYSTEM_OWNER, title="AI system owner (as the inventory names it)"),
    Role(id=ROLE_IMPLEMENTATION_OWNER, title="Answers for implementing a control or requirement"),
    Role(id=ROLE_PREPARED_FOR, title="The organisation whose decisions these are"),
)

# An AI system is software whether built, bought or rented; the inventory does not say how it is delivered,
# so OSCAL's "service" (a component that provides APIs) would claim more than we know.
SYSTEM_TYPE = "software"
# OSCAL's "this-system" exists only among a system security plan's components; a component definition allows
# software, service, policy, process-procedure, plan ... The management system is the organisation's policy
# and the decisions every AI system inherits unless it decides otherwise: an enforceable policy.
MANAGEMENT_SYSTEM_TYPE = "policy"

SYSTEMS = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
PREFIX rdfs: <{RDFS}>
SELECT ?system ?name ?purpose ?owner WHERE {{
  ?system a aims:AISystem ; rdfs:label ?name .
  OPTIONAL {{ ?system dcterms:description ?purpose }}
  OPTIONAL {{ ?system aims:owner ?owner }}
}}"""


def _prop(name: str, value: str, *, ours: bool = True) -> list[Property]:
    """A property in our namespace (or OSCAL's), or none when ``value`` is empty: OSCAL forbids empty values."""
    cleaned = plain(value)
    if not cleaned:
        return []
    return [Property(name=name, ns=NAMESPACE, value=cleaned) if ours else Property(name=name, value=cleaned)]


@dataclass(frozen=True)
class _System:
    iri: str
    name: str
    purpose: str
    owner: str


@dataclass
class _Evidence:
    title: str
    url: str
    valid_until: str


@dataclass
class _Collected:
    """What components share and the document lists once: parties (by name) and evidence (by key)."""

    register_by_key: dict[str, tuple[str, str]]
    parties: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, _Evidence] = field(default_factory=dict)

    def party(self, name: str) -> str:
        """The uuid of the party called ``name``, listed in the metadata once."""
        cleaned = plain(name)
        return self.parties.setdefault(cleaned, stable_uuid(f"party|{cleaned}"))

    def evidence_link(self, value: str, *, title: str = "", valid_until: str = "") -> Link | None:
        """A link to the back-matter resource for ``value`` (a register title or URL, or a web URL)."""
        registered = self.register_by_key.get(_folded(value))
        shown, url = registered if registered else (title or value, value)
        url = url if is_web_url(url) else ""
        key = _folded(url or shown)
        if not key:
            return None
        found = self.evidence.setdefault(key, _Evidence(plain(shown), url.strip(), ""))
        found.valid_until = found.valid_until or valid_until
        return Link(href=f"#{stable_uuid(f'evidence|{key}')}", rel="evidence", text=markdown(found.title) or None)

    def resources(self) -> list[Resource]:
        """The evidence as back-matter resources, in a stable order."""
        return [
            Resource(
                uuid=stable_uuid(f"evidence|{key}"),
                title=markdown(item.title) or None,
                rlinks=[Rlink(href=_href(item.url))] if item.url else None,
                props=_prop("valid-until", item.valid_until) or None,
            )
            for key, item in sorted(self.evidence.items())
        ]


def _folded(value: str) -> str:
    return value.strip().rstrip("/").casefold()


def _href(url: str) -> str:
    """An http(s) URL with what a URI may not hold (spaces, quotes, angle brackets) percent-encoded."""
    return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~")


def _register_by_key(store: Store) -> dict[str, tuple[str, str]]:
    """Each register item's (title, URL) under its folded title and its folded URL, as a cited value names it."""
    found: dict[str, tuple[str, str]] = {}
    for item in register(store):
        for key in (item.title, item.url):
            if key.strip():
                found.setdefault(_folded(key), (item.title, item.url))
    return found


def _systems(store: Store) -> list[_System]:
    """The inventory's AI systems by name; of repeated values the smallest, so every run chooses the same."""
    merged: dict[str, dict[str, str]] = {}
    for row in store.select(SYSTEMS):
        entry = merged.setdefault(text(row["system"]), {})
        for name in ("name", "purpose", "owner"):
            value = text(row.get(name))
            if value and (name not in entry or value < entry[name]):
                entry[name] = value
    systems = [_System(iri, e.get("name", ""), e.get("purpose", ""), e.get("owner", "")) for iri, e in merged.items()]
    return sorted(systems, key=lambda s: (s.name.casefold(), s.iri))


def _applicability(verdict: str) -> str:
    """The verdict's notation (``not-applicable``), or ``undecided``."""
    return UNDECIDED if verdict == NO_DECISION else vocabulary().scheme("verdicts").get(verdict).notation


def _implementation(
    record: Implementation | None, inherited: bool, applicability: str, subject: str, collected: _Collected
) -> tuple[list[Property], list[Link], list[ResponsibleRole], str]:
    """Props, evidence links, owner role and one Markdown sentence for the record holding (if any)."""
    if record is None:
        # Not applicable needs no implementation; OSCAL has a status for exactly that.
        excluded = applicability == "not-applicable"
        return _prop("implementation-status", "not-applicable", ours=False) if excluded else [], [], [], NO_RECORD
    concept = vocabulary().scheme("implementation_statuses").get(record.status)
    status = "not-applicable" if applicability == "not-applicable" else OSCAL_STATUS.get(concept.iri, "")
    basis = INHERITED if inherited else (ORGANISATION_RECORD_BASIS if subject == ORGANISATION else OWN_RECORD)
    props = [
        *_prop("implementation-status", status, ours=False),
        *_prop("implementation-status", record.status),
        *_prop("implementation-basis", basis),
        *_prop("target-date", record.target_date),
    ]
    links = [link for value in record.evidence if (link := collected.evidence_link(value)) is not None]
    roles = []
    if plain(record.owner):
        roles = [ResponsibleRole(role_id=ROLE_IMPLEMENTATION_OWNER, party_uuids=[collected.party(record.owner)])]
    sentence = f"Implementation: {record.summary()} ({basis})."
    return props, links, roles, sentence


def _remarks(record: Implementation | None) -> str | None:
    return markdown(f"Implementation note: {record.note}") if record is not None and plain(record.note) else None


def _unique(links: list[Link]) -> list[Link] | None:
    seen: dict[str, Link] = {}
    for link in links:
        seen.setdefault(link.href, link)
    return list(seen.values()) or None


def _control_requirement(
    row: SoaRow, subject: str, records: dict[tuple[str, str], Implementation], collected: _Collected
) -> ImplementedRequirement:
    """One Annex A control for ``subject``: the decision that holds, and the implementation record that holds."""
    applicability = _applicability(row.verdict)
    record, inherited = effective(records, row.control, subject)
    props = [*_prop("applicability", applicability)]
    if applicability == UNDECIDED:
        decision = "no applicability decision yet."
    else:
        props += [
            *_prop("applicability-basis", row.basis),
            *_prop("justification-type", row.justification_type),
            *_prop("justification", row.justification),
            *_prop("decided-by", row.decided_by),
            *_prop("decided-at", row.decided_at),
        ]
        reason = plain(row.justification)
        decision = (
            f"{row.verdict} ({row.basis}), decided by {row.decided_by} at {row.decided_at}. "
            f"Justification ({row.justification_type}): {reason}{'' if reason.endswith(('.', '!', '?')) else '.'}"
        )
    more, links, roles, sentence = _implementation(record, inherited, applicability, subject, collected)
    links += [
        link
        for e in row.evidence
        if (link := collected.evidence_link(e.url or e.title, title=e.title, valid_until=e.valid_until)) is not None
    ]
    return ImplementedRequirement(
        uuid=stable_uuid(f"implemented-requirement|{subject}|{row.control}"),
        control_id=oscal_id(row.control),
        description=markdown(f"{row.control} {row.title}: {decision} {sentence}"),
        props=props + more,
        links=_unique(links),
        responsible_roles=roles or None,
        remarks=_remarks(record),
    )


def _clause_requirement(
    clause: str, title: str, records: dict[tuple[str, str], Implementation], collected: _Collected
) -> ImplementedRequirement:
    """One clause of 4-10 with requirements: always applicable, with its organisation-wide record if any."""
    record = records.get((clause, ORGANISATION))
    props = [*_prop("applicability", "applicable"), *_prop("applicability-basis", REQUIRED)]
    more, links, roles, sentence = _implementation(record, False, "applicable", ORGANISATION, collected)
    return ImplementedRequirement(
        uuid=stable_uuid(f"implemented-requirement|{ORGANISATION}|{clause}"),
        control_id=oscal_id(clause),
        description=markdown(f"{clause} {title}: applicable ({REQUIRED}). {sentence}"),
        props=props + more,
        links=_unique(links),
        responsible_roles=roles or None,
        remarks=_remarks(record),
    )


def _control_implementation(
    subject: str, about: str, requirements: list[ImplementedRequirement]
) -> ControlImplementation:
    return ControlImplementation(
        uuid=stable_uuid(f"control-implementation|{subject}"),
        source=CATALOG_HREF,
        description=markdown(f"Applicability and implementation of ISO/IEC 42001:2023 for {about}."),
        implemented_requirements=requirements,
    )


def _management_system(
    store: Store,
    organisation: tuple[str, str],
    records: dict[tuple[str, str], Implementation],
    today: dt.date,
    collected: _Collected,
) -> DefinedComponent:
    """The organisation-wide component: its own decisions on Annex A, then clauses 4-10."""
    name, scope = organisation
    rows = soa_for_system(store, None, today)
    requirements = [_control_requirement(r, ORGANISATION, records, collected) for r in rows]
    requirements += [_clause_requirement(c, t, records, collected) for c, t in requirement_clauses(store)]
    title = f"{name} AI management system" if name else "AI management system"
    return DefinedComponent(
        uuid=stable_uuid(f"component|{ORGANISATION}"),
        type=MANAGEMENT_SYSTEM_TYPE,
        title=markdown(title),
        description=markdown(scope or MANAGEMENT_SYSTEM),
        props=_prop("iri", ORGANISATION),
        control_implementations=[_control_implementation(ORGANISATION, "the organisation as a whole", requirements)],
    )


def _system_component(
    store: Store, system: _System, records: dict[tuple[str, str], Implementation], today: dt.date, collected: _Collected
) -> DefinedComponent:
    """One AI system: every Annex A control with the decision and the implementation record holding for it."""
    rows = soa_for_system(store, system.name, today)
    requirements = [_control_requirement(r, system.iri, records, collected) for r in rows]
    owner = split_owner(system.owner)[0] if system.owner.strip() else ""
    roles = [ResponsibleRole(role_id=ROLE_SYSTEM_OWNER, party_uuids=[collected.party(owner)])] if plain(owner) else None
    return DefinedComponent(
        uuid=stable_uuid(f"component|{system.iri}"),
        type=SYSTEM_TYPE,
        title=markdown(system.name) or markdown(system.iri),
        description=markdown(system.purpose or "An AI system of the inventory (no purpose recorded)."),
        props=_prop("iri", system.iri),
        responsible_roles=roles,
        control_implementations=[_control_implementation(system.iri, f"the AI system {system.name}", requirements)],
    )


def _organisation(store: Store) -> tuple[str, str]:
    """The organisation's (name, scope) from the inventory, "" for what it does not give."""
    found = store.select(ORGANISATION_RECORD)
    return (text(found[0].get("name")), text(found[0].get("scope"))) if found else ("", "")


def component_definition(store: Store, now: dt.datetime | None = None) -> ComponentDefinition:
    """The organisation's decisions and implementation as an OSCAL component definition (see the module doc).

    Args:
        store: the graph, with the inventory imported (without it, only the management system is listed).
        now: the document's ``last-modified`` (default: now); nothing else in the document depends on it.
    """
    stamp = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    organisation = _organisation(store)
    records = in_force(store)
    collected = _Collected(_register_by_key(store))
    components = [_management_system(store, organisation, records, stamp.date(), collected)]
    components += [_system_component(store, s, records, stamp.date(), collected) for s in _systems(store)]
    # The people section does not tell a person from a team ("Compliance"); OSCAL wants one of the two.
    parties: list[Parties] = [
        Parties(uuid=uuid, type="person", name=name) for name, uuid in sorted(collected.parties.items())
    ]
    responsible = None
    if plain(organisation[0]):
        organisation_uuid = stable_uuid(f"organisation|{plain(organisation[0])}")
        parties.insert(0, Parties(uuid=organisation_uuid, type="organization", name=plain(organisation[0])))
        responsible = [ResponsibleParty(role_id=ROLE_PREPARED_FOR, party_uuids=[organisation_uuid])]
    resources = collected.resources()
    # The version names the content, so two files can be compared without reading them through.
    content = [c.model_dump(mode="json", by_alias=True, exclude_none=True) for c in components]
    content += [p.model_dump(mode="json", by_alias=True, exclude_none=True) for p in (*parties, *resources)]
    fingerprint = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    title = f"{organisation[0]}: AI management system decisions".removeprefix(": ")
    return ComponentDefinition(
        uuid=stable_uuid(f"component-definition|{ORGANISATION}"),
        metadata=Metadata(
            title=markdown(f"{title} (aims-graph component definition)"),
            last_modified=stamp,
            version=f"sha256:{fingerprint}",
            oscal_version=OSCAL_VERSION,
            roles=list(ROLES),
            parties=parties or None,
            responsible_parties=responsible,
            remarks=markdown(
                f"{NOTICE} Applicability, justifications, implementation and evidence are the organisation's own "
                "records. Controls refer to the aims-graph catalog (aims export -f oscal)."
            ),
        ),
        components=components,
        back_matter=BackMatter(resources=resources) if resources else None,
    )


def count_requirements(document: ComponentDefinition) -> int:
    """How many implemented requirements the document states, over all its components."""
    return sum(
        len(ci.implemented_requirements) for c in document.components or [] for ci in c.control_implementations or []
    )
