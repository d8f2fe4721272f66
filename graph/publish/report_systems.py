"""The AI systems the report names: their facts, how many there are, and the ones furthest behind.

Every read is sized by what the report shows, not by the organisation: at 10,000 systems turning a result
row into Python costs more than Oxigraph takes to find it (10,000 rows of four columns: about 0.3 s), so
the systems furthest behind are ranked inside one query (``ORDER BY ... LIMIT``) and only the systems a
report names are read by name, through a ``VALUES`` block.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import NamedNode

from graph.compliance import applicability
from graph.namespaces import AIMS, GRAPH_APPLICABILITY, ORGANISATION, RDFS
from graph.store import Store, text

SYSTEM_FACTS = f"""
PREFIX aims: <{AIMS}>
PREFIX rdfs: <{RDFS}>
SELECT ?system ?name ?tier ?owner WHERE {{
  ?system a aims:AISystem ; rdfs:label ?name .
  OPTIONAL {{ ?system aims:euAiActTier ?tier }}
  OPTIONAL {{ ?system aims:owner ?owner }}
}}"""

# The highest risk level (likelihood x impact) of each system that has a rated risk.
SYSTEM_LEVELS = f"""
PREFIX aims: <{AIMS}>
SELECT ?system (MAX(?likelihood * ?impact) AS ?level) WHERE {{
  ?risk aims:affectsSystem ?system ; aims:likelihood ?likelihood ; aims:impact ?impact .
}} GROUP BY ?system"""

SYSTEM_COUNT = f"SELECT (COUNT(?system) AS ?n) WHERE {{ ?system a <{AIMS}AISystem> }}"

# ``{limit}`` is filled with a whole number by ``_limited``: SPARQL's LIMIT takes no variable.
# Ties are broken by the system's IRI as a computed string: Oxigraph compares stored IRIs by reading each
# from the store at every comparison (0.55 s of 0.8 s at 10,000 systems); a computed key is compared in memory. For the
# inventory's IRIs (letters, digits, '-') the order is the IRIs' own.
# Systems by controls still open (undecided cells less those the organisation decided: they inherit it),
# then by their highest risk; ranked and cut in the store.
FURTHEST_BEHIND = f"""
PREFIX aims: <{AIMS}>
SELECT ?system ?open ?level WHERE {{
  {{
    SELECT ?system (COUNT(?control) AS ?open) WHERE {{
      GRAPH <{GRAPH_APPLICABILITY}> {{
        ?system aims:undecidedControl ?control
        MINUS {{ <{ORGANISATION}> ?decided ?control }}
      }}
    }} GROUP BY ?system
  }}
  OPTIONAL {{
    SELECT ?system (MAX(?likelihood * ?impact) AS ?level) WHERE {{
      ?risk aims:affectsSystem ?system ; aims:likelihood ?likelihood ; aims:impact ?impact .
    }} GROUP BY ?system
  }}
}} ORDER BY DESC(?open) DESC(?level) ENCODE_FOR_URI(STR(?system)) LIMIT {{limit}}"""

# Systems by their highest risk alone: to fill the list when fewer systems than asked have open controls.
RISKIEST = f"""
PREFIX aims: <{AIMS}>
SELECT ?system ?level WHERE {{
  ?system a aims:AISystem .
  OPTIONAL {{
    SELECT ?system (MAX(?likelihood * ?impact) AS ?level) WHERE {{
      ?risk aims:affectsSystem ?system ; aims:likelihood ?likelihood ; aims:impact ?impact .
    }} GROUP BY ?system
  }}
}} ORDER BY DESC(?level) ENCODE_FOR_URI(STR(?system)) LIMIT {{limit}}"""


@dataclass(frozen=True)
class SystemFacts:
    """An AI system as the report lists it: name, EU AI Act tier, owner, its highest risk level."""

    iri: str
    name: str
    tier: str = ""
    owner: str = ""
    level: int = 0


def _bound(iris: Iterable[str] | None) -> dict[str, list[NamedNode]] | None:
    return None if iris is None else {"system": [NamedNode(i) for i in dict.fromkeys(iris)]}


def system_facts(store: Store, iris: Iterable[str] | None = None) -> list[SystemFacts]:
    """The AI systems with these IRIs (every one when None), by name."""
    wanted = None if iris is None else list(iris)
    if wanted == []:
        return []
    bindings = _bound(wanted)
    levels = {text(r["system"]): int(text(r["level"]) or 0) for r in store.select(SYSTEM_LEVELS, bindings=bindings)}
    found: dict[str, SystemFacts] = {}
    for row in store.select(SYSTEM_FACTS, bindings=bindings):
        key = text(row["system"])
        if key not in found:
            found[key] = SystemFacts(key, text(row["name"]), text(row["tier"]), text(row["owner"]), levels.get(key, 0))
    return sorted(found.values(), key=lambda s: s.name.lower())


def system_names(store: Store, iris: Iterable[str]) -> dict[str, str]:
    """IRI -> name of the given AI systems (the organisation included, as ``organisation-wide``)."""
    wanted = [i for i in dict.fromkeys(iris) if i != ORGANISATION]
    names = {ORGANISATION: "organisation-wide"}
    if wanted:
        names |= {s.iri: s.name for s in system_facts(store, wanted)}
    return names


def system_count(store: Store) -> int:
    """How many AI systems the inventory has."""
    return int(text(store.select(SYSTEM_COUNT)[0]["n"]))


def _limited(query: str, rows: int) -> str:
    """``query`` with its ``{limit}`` placeholder set to ``rows`` (an int, never text from outside)."""
    return query.replace("{limit}", str(int(rows)))


def furthest_behind(store: Store, shown: int) -> list[SystemFacts]:
    """The ``shown`` systems with the most controls open, then the highest risk (IRI breaks ties)."""
    applicability.ensure(store)
    ranked = [text(r["system"]) for r in store.select(_limited(FURTHEST_BEHIND, shown))]
    if len(ranked) < shown:
        ranked += [text(r["system"]) for r in store.select(_limited(RISKIEST, shown * 2))]
        ranked = list(dict.fromkeys(ranked))[:shown]
    facts = {s.iri: s for s in system_facts(store, ranked)}
    return [facts[i] for i in ranked if i in facts]
