"""Gap analysis: what is missing, ordered into a roadmap by risk level and how many systems it affects.

Four kinds of gap: a control with no decision for a system; an applicable control without current
evidence; evidence expired or expiring within 30 days; a risk without treatment. Each line says why.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace

from graph.decisions import system_iri
from graph.generations import cached
from graph.inventory import ORGANISATION
from graph.namespaces import AIMS, DCTERMS, ISO, RDFS, SKOS
from graph.rules import suggestions
from graph.soa import EVIDENCE, controls, freshness
from graph.store import Store, text

SYSTEMS = f"""
PREFIX aims: <{AIMS}>
PREFIX rdfs: <{RDFS}>
SELECT ?system ?name (MAX(COALESCE(?likelihood * ?impact, 0)) AS ?level) WHERE {{
  ?system a aims:AISystem ; rdfs:label ?name .
  OPTIONAL {{ ?risk aims:affectsSystem ?system ; aims:likelihood ?likelihood ; aims:impact ?impact }}
}} GROUP BY ?system ?name"""

DECIDED = f"""
PREFIX aims: <{AIMS}>
SELECT ?system ?control ?verdict WHERE {{
  ?decision aims:aboutSystem ?system ; aims:aboutControl ?control ; aims:verdict ?verdict .
  OPTIONAL {{ ?decision aims:supersededBy ?newer }}
  FILTER(!BOUND(?newer))
}}"""

UNTREATED_RISKS = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
PREFIX skos: <{SKOS}>
SELECT ?risk ?id ?title ?likelihood ?impact (GROUP_CONCAT(DISTINCT ?systemName; separator=", ") AS ?systems) WHERE {{
  ?risk a aims:Risk ; skos:notation ?id ; dcterms:title ?title .
  OPTIONAL {{ ?risk aims:likelihood ?likelihood }}
  OPTIONAL {{ ?risk aims:impact ?impact }}
  OPTIONAL {{ ?risk aims:affectsSystem/<{RDFS}label> ?systemName }}
  FILTER NOT EXISTS {{ ?risk aims:treatment ?treatment }}
}} GROUP BY ?risk ?id ?title ?likelihood ?impact"""

EXPIRED_EVIDENCE = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
SELECT ?evidence ?title ?valid (GROUP_CONCAT(DISTINCT ?controlId; separator=", ") AS ?controls) WHERE {{
  ?evidence a aims:Evidence ; dcterms:title ?title ; dcterms:valid ?valid .
  OPTIONAL {{ ?evidence aims:supportsControl/<{SKOS}notation> ?controlId }}
}} GROUP BY ?evidence ?title ?valid"""

MAX_NAMES = 5


@dataclass(frozen=True)
class GapItem:
    """One line of the roadmap: what is missing, for whom, and why it sits where it does."""

    priority: int
    kind: str
    subject: str
    systems: int
    risk_level: int
    reason: str
    suggested_by_rules: bool = False
    position: int = 0


def _names(names: list[str]) -> str:
    shown = ", ".join(sorted(names)[:MAX_NAMES])
    return shown + (f" and {len(names) - MAX_NAMES} more" if len(names) > MAX_NAMES else "")


def gap_analysis(store: Store, today: dt.date, system: str | None = None) -> list[GapItem]:
    """The prioritised roadmap for the organisation, or for one AI system (cached until the next write)."""
    return cached(store, ("gap", today, system), lambda: _gap_analysis(store, today, system))


def _gap_analysis(store: Store, today: dt.date, system: str | None) -> list[GapItem]:
    only = system_iri(store, system) if system else None
    systems = {
        text(r["system"]): (text(r["name"]), int(float(text(r["level"]))))
        for r in store.select(SYSTEMS)
        if only is None or text(r["system"]) == only
    }
    decided: dict[str, dict[str, str]] = defaultdict(dict)
    for r in store.select(DECIDED):
        if text(r["system"]) in systems:
            verdict = "applicable" if text(r["verdict"]).endswith("#Applicable") else "not applicable"
            decided[text(r["control"]).removeprefix(ISO)][text(r["system"])] = verdict
    suggested: dict[tuple[str, str], list[str]] = defaultdict(list)
    if len(systems) <= 200:  # rule reasons are detail for a readable roadmap, not for a 10,000-system run
        for s in suggestions(store, only):
            suggested[(s.control, s.system)].append(s.rule)
    evidence = fresh_evidence(store, today)
    items: list[GapItem] = []
    for position, (control, title) in enumerate(controls(store)):
        missing = [iri for iri in systems if iri not in decided[control]]
        if missing:
            level = max(systems[i][1] for i in missing)
            rules = sorted({r for i in missing for r in suggested[(control, i)]})
            hint = f"; rules suggest it applies ({', '.join(rules)})" if rules else ""
            who = _names([systems[i][0] for i in missing])
            reason = f"no applicability decision for {len(missing)} system(s): {who}{hint}"
            items.append(
                GapItem(0, "no decision", f"{control} {title}", len(missing), level, reason, bool(rules), position)
            )
        applicable = [i for i, v in decided[control].items() if v == "applicable"]
        if applicable:
            fresh = evidence[control]
            lacking = [] if None in fresh else [i for i in applicable if i not in fresh]
            if lacking:
                level = max(systems[i][1] for i in lacking)
                who = _names([systems[i][0] for i in lacking])
                reason = f"applicable but no current evidence for {len(lacking)} system(s): {who}"
                items.append(
                    GapItem(0, "no current evidence", f"{control} {title}", len(lacking), level, reason, True, position)
                )
    for r in store.select(EXPIRED_EVIDENCE):
        status = freshness(text(r["valid"]), today)
        if status in {"expired", "expiring"}:
            verb = "expired on" if status == "expired" else "expires on"
            reason = f"{verb} {text(r['valid'])}; supports {text(r['controls']) or 'no control'}"
            items.append(GapItem(0, f"{status} evidence", text(r["title"]), 0, 0, reason))
    for r in store.select(UNTREATED_RISKS):
        level = int(text(r["likelihood"])) * int(text(r["impact"])) if r["likelihood"] and r["impact"] else 0
        names = text(r["systems"]) if r["systems"] is not None else ""
        if only is not None and systems[only][0] not in names.split(", "):
            continue
        reason = f"risk level {level} (likelihood x impact) has no treatment; affects {names or 'no system'}"
        items.append(
            GapItem(
                0,
                "untreated risk",
                f"{text(r['id'])} {text(r['title'])}",
                len(names.split(", ")) if names else 0,
                level,
                reason,
            )
        )
    # Highest risk first, then the widest gaps; rule-backed gaps before others; then the standard's order.
    ranked = sorted(
        items,
        key=lambda g: (-g.risk_level, -g.systems, _KIND_ORDER[g.kind], not g.suggested_by_rules, g.position, g.subject),
    )
    return [replace(g, priority=n) for n, g in enumerate(ranked, start=1)]


_KIND_ORDER = {
    "untreated risk": 0,
    "no decision": 1,
    "no current evidence": 2,
    "expired evidence": 3,
    "expiring evidence": 4,
}


def fresh_evidence(store: Store, today: dt.date) -> dict[str, set[str | None]]:
    """Per control, the systems with evidence that has not expired (``None``: organisation-wide evidence)."""
    found: dict[str, set[str | None]] = defaultdict(set)
    for row in store.select(EVIDENCE):
        valid = text(row["valid"]) if row["valid"] is not None else ""
        if freshness(valid, today) != "expired":
            about = text(row["system"]) if text(row["system"]) not in {"", ORGANISATION} else None
            found[text(row["control"]).removeprefix(ISO)].add(about)
    return found
