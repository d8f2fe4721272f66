"""What touches one node of the standard: its place in the standard, crosswalks, and the organisation's things.

For ``aims graph ID``: a control's (or clause's) parent and parts, the nodes it is related to, its Annex C
risk sources and objectives, the concepts of other frameworks it maps to, and, for an Annex A control, the
AI systems it holds for (the decision in force, its own or inherited from the organisation) or that a rule
suggests it for, the risks it treats (``aims:treatedBy``) and the evidence that supports it
(``aims:supportsControl``); for an Annex C risk source, the organisation's risks that come from it. Each
kind is capped, the rest counted, so a control decided for 10,000 systems still makes a picture a person
can read.

Data only; ``graph.publish.picture`` draws it.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from pyoxigraph import NamedNode

from graph.compliance.applicability import (
    APPLICABLE,
    CELLS,
    NOT_APPLICABLE,
    UNDECIDED,
    ensure,
    in_force,
)
from graph.compliance.evidence import freshness
from graph.compliance.rules import suggestions
from graph.namespaces import AIMS, DCTERMS, ISO, ORGANISATION, RDFS, SKOS, control_order
from graph.standard import Mapping as Crosswalk
from graph.standard import Node, mappings, standard_nodes
from graph.store import Store, text

# Neighbours drawn per kind; the others are one "+N more" node.
PER_KIND = 8
# Past this many AI systems, rules are not evaluated for the picture (as for the gap's roadmap).
RULES_UP_TO = 200
SHOWN_CLOSE = 6

CLAUSE, ANNEX_A, ANNEX_CD = "clause", "Annex A", "Annex C / D"
CROSSWALK, SYSTEM, RISK, EVIDENCE = "crosswalk", "AI system", "risk", "evidence"
# Kinds in the order they go round the picture.
KINDS = (CLAUSE, ANNEX_A, ANNEX_CD, CROSSWALK, SYSTEM, RISK, EVIDENCE)

# The organisation's risks that name a node through ``?link`` (bound: aims:treatedBy for a control they
# name as treatment, aims:hasRiskSource for the Annex C risk source they come from).
RISKS_LINKED = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
PREFIX skos: <{SKOS}>
SELECT ?id ?title ?likelihood ?impact WHERE {{
  ?risk ?link ?node ; skos:notation ?id ; dcterms:title ?title .
  OPTIONAL {{ ?risk aims:likelihood ?likelihood }}
  OPTIONAL {{ ?risk aims:impact ?impact }}
}}"""

EVIDENCE_SUPPORTING = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
SELECT DISTINCT ?evidence ?title ?valid WHERE {{
  ?evidence aims:supportsControl ?control ; dcterms:title ?title .
  OPTIONAL {{ ?evidence dcterms:valid ?valid }}
}}"""

SYSTEM_NAMES = f"""
PREFIX aims: <{AIMS}>
PREFIX rdfs: <{RDFS}>
SELECT ?system ?name WHERE {{ ?system a aims:AISystem ; rdfs:label ?name }}"""


class UnknownNodeError(ValueError):
    """The id names no node of the standard; the message lists the closest ids."""


@dataclass(frozen=True)
class Neighbour:
    """A node next to the centre: its kind (colour), its label, and how it is connected."""

    kind: str
    key: str
    label: str
    relation: str


@dataclass(frozen=True)
class Neighbourhood:
    """The centre node and its neighbours (at most ``PER_KIND`` each), with how many of each kind were left out."""

    id: str
    title: str
    kind: str
    neighbours: tuple[Neighbour, ...]
    more: tuple[tuple[str, int], ...]


def kind_of(node_id: str) -> str:
    """The picture's kind of a node of the standard, from its id."""
    if node_id[:1].isdigit():
        return CLAUSE
    return ANNEX_A if node_id.startswith("A") else ANNEX_CD


def crosswalk_label(mapping: Crosswalk) -> str:
    """``EU AI Act: Art. 12 (logging)``: the framework's short name (its name before any bracket), id, title."""
    framework = mapping.framework.split(" (")[0]
    target = mapping.target_label
    if mapping.target_id not in target:
        target = f"{mapping.target_id} {target}".strip()
    return target if target.startswith(framework) else f"{framework}: {target}"


def find(nodes: dict[str, Node], wanted: str) -> Node:
    """The node called ``wanted`` (any case, ``clause``/``§`` dropped), or ``UnknownNodeError`` with close ids."""
    cleaned = wanted.strip().removeprefix("§").strip()
    if cleaned.lower().startswith("clause "):
        cleaned = cleaned[len("clause ") :].strip()
    by_upper = {key.upper(): node for key, node in nodes.items()}
    if cleaned.upper() in by_upper:
        return by_upper[cleaned.upper()]
    close = difflib.get_close_matches(cleaned.upper(), list(by_upper), n=SHOWN_CLOSE, cutoff=0.6)
    shown = ", ".join(sorted((by_upper[c].id for c in close), key=control_order)) or "none"
    raise UnknownNodeError(
        f"{wanted!r} is no id of ISO/IEC 42001:2023 (a clause such as 9.2, an Annex A control such as A.6.2.8, "
        f"an objective such as A.6.2, an Annex C item such as C.3.4); close: {shown}"
    )


def neighbourhood(store: Store, node_id: str, today: dt.date) -> Neighbourhood:
    """Everything ``aims graph`` draws around ``node_id``; raises ``UnknownNodeError`` for an unknown id."""
    nodes = standard_nodes(store)
    centre = find(nodes, node_id)
    found: dict[str, list[Neighbour]] = defaultdict(list)
    for neighbour in _in_the_standard(nodes, centre):
        found[neighbour.kind].append(neighbour)
    for mapping in mappings(store).get(centre.id, []):
        found[CROSSWALK].append(
            Neighbour(CROSSWALK, f"{mapping.framework} {mapping.target_id}", crosswalk_label(mapping), "maps to")
        )
    if centre.kind == "Control":
        found[SYSTEM] = _systems(store, centre.id)
        found[RISK] = _risks(store, AIMS + "treatedBy", centre.id, "treated by it")
        found[EVIDENCE] = _evidence(store, centre.id, today)
    elif centre.kind == "RiskSource":
        found[RISK] = _risks(store, AIMS + "hasRiskSource", centre.id, "comes from it")
    unique = {kind: _unique(found[kind]) for kind in KINDS}
    shown = tuple(n for kind in KINDS for n in unique[kind][:PER_KIND])
    more = tuple((kind, len(unique[kind]) - PER_KIND) for kind in KINDS if len(unique[kind]) > PER_KIND)
    return Neighbourhood(centre.id, centre.title, centre.kind, shown, more)


def _unique(neighbours: list[Neighbour]) -> list[Neighbour]:
    """The first neighbour of each key, in order (a node that is both parent and related is drawn once)."""
    seen: set[str] = set()
    kept = []
    for n in neighbours:
        if n.key not in seen:
            seen.add(n.key)
            kept.append(n)
    return kept


def _in_the_standard(nodes: dict[str, Node], centre: Node) -> list[Neighbour]:
    """Parent, parts, related nodes, Annex C risk sources and objectives, in the standard's order."""
    links: list[tuple[str, str]] = []
    if centre.parent:
        links.append((centre.parent, "part of"))
    links += [(n.id, "has part") for n in nodes.values() if n.parent == centre.id]
    links += [(r, "related to") for r in centre.related]
    links += [(r, "addresses risk source") for r in centre.risk_sources]
    links += [(o, "supports objective") for o in centre.objectives]
    ordered = sorted(links, key=lambda link: control_order(link[0]))
    return [
        Neighbour(kind_of(key), key, f"{key} {nodes[key].title}" if key in nodes else key, relation)
        for key, relation in ordered
    ]


def _systems(store: Store, control: str) -> list[Neighbour]:
    """AI systems the control holds for or is suggested for: applicable first, then suggested, then excluded."""
    ensure(store)
    own: dict[str, str] = {}
    organisation: str | None = None
    for row in store.select(CELLS, bindings={"control": NamedNode(ISO + control)}):
        system, cell = text(row["system"]), text(row["cell"])
        if system == ORGANISATION:
            organisation = cell
        else:
            own[system] = cell
    names = {text(r["system"]): text(r["name"]) for r in store.select(SYSTEM_NAMES)}
    suggested = set()
    if len(names) <= RULES_UP_TO:
        suggested = {s.system for s in suggestions(store, control=control)}
    rank = {APPLICABLE: 0, UNDECIDED: 1, NOT_APPLICABLE: 2}
    found = []
    for system, name in names.items():
        cell = in_force(own.get(system), organisation)
        inherited = own.get(system, UNDECIDED) == UNDECIDED and cell != UNDECIDED
        if cell == UNDECIDED and system not in suggested:
            continue
        relation = {APPLICABLE: "applicable", NOT_APPLICABLE: "not applicable"}.get(cell, "suggested by a rule")
        if inherited:
            relation += ", inherited"
        found.append((rank[cell], name.lower(), Neighbour(SYSTEM, system, name, relation)))
    return [n for *_, n in sorted(found, key=lambda item: (item[0], item[1]))]


def _risks(store: Store, link: str, node: str, relation: str) -> list[Neighbour]:
    """The risks that ``link`` (a predicate IRI) ties to ``node`` (a control, a risk source), highest first."""
    rows = store.select(RISKS_LINKED, bindings={"link": NamedNode(link), "node": NamedNode(ISO + node)})

    def level(row: Mapping[str, object]) -> int:
        likelihood, impact = text(row["likelihood"]), text(row["impact"])
        return int(likelihood) * int(impact) if likelihood.isdigit() and impact.isdigit() else 0

    ranked = sorted(rows, key=lambda r: (-level(r), text(r["id"])))
    return [
        Neighbour(RISK, text(r["id"]), f"{text(r['id'])} {text(r['title'])}", f"{relation}, level {level(r)}")
        for r in ranked
    ]


def _evidence(store: Store, control: str, today: dt.date) -> list[Neighbour]:
    """Evidence supporting the control, the lapsed first (they are what needs doing)."""
    rows = store.select(EVIDENCE_SUPPORTING, bindings={"control": NamedNode(ISO + control)})
    order = {"expired": 0, "expiring": 1, "current": 2, "undated": 3}
    found = []
    for row in rows:
        status = freshness(text(row["valid"]), today)
        found.append(
            (order[status], text(row["title"]), Neighbour(EVIDENCE, text(row["evidence"]), text(row["title"]), status))
        )
    return [n for *_, n in sorted(found, key=lambda item: (item[0], item[1].lower()))]
