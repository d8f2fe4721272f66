"""Running named queries by name with text parameters: ``aims query NAME --param name=value``.

Values arrive as text and become typed RDF terms here: dates, integers, the ontology's vocabulary values,
ids of the standard, and the organisation's things resolved by exact name, alias, title or id (any case).
They are bound through the store, never pasted into the query.
"""

from __future__ import annotations

import datetime as dt

from pyoxigraph import Literal, NamedNode

from graph.namespaces import AIMS, DCTERMS, ENTITY_CLASSES, ISO, RDFS, SKOS, XSD
from graph.queries.catalog import NamedQuery, Parameter, catalog
from graph.queries.running import run
from graph.store import Bindings, Row, Store, Term, text
from graph.store.sparql_guard import refuse_outbound
from graph.vocabulary import VocabularyError, vocabulary

_VOCABULARY_OF = {"tier": "eu_ai_act_tiers", "automation": "automation_levels", "stage": "lifecycle_stages"}
_STANDARD_CLASS = {"control": AIMS + "Control", "risk_source": AIMS + "RiskSource"}

# Exact name, alias, title or id, ignoring case, among the nodes of the given classes.
BY_NAME = f"""
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
PREFIX dcterms: <{DCTERMS}>
SELECT DISTINCT ?node ?class WHERE {{
  ?node a ?class .
  {{ ?node rdfs:label ?name }} UNION {{ ?node skos:altLabel ?name }} UNION {{ ?node skos:notation ?name }}
  UNION {{ ?node dcterms:title ?name }}
  FILTER(LCASE(STR(?name)) = LCASE(STR(?wanted)))
}}"""
IS_A = "ASK { ?node a ?class }"


class SavedQueryError(ValueError):
    """Unknown query, unknown or missing parameter, or a value of the wrong type."""


def saved_queries() -> dict[str, NamedQuery]:
    """The saved queries of ``ontology/queries`` by name (question patterns are in ``catalog()`` too)."""
    return {name: q for name, q in catalog().items() if not q.is_pattern}


def term_for(store: Store, parameter: Parameter, raw: str) -> Term:
    """The RDF term for a parameter given as text; ``SavedQueryError`` says what was expected."""
    value = raw.strip()
    where = f"--param {parameter.name}"
    kinds = parameter.entity_kinds
    if kinds:
        rows = store.select(
            BY_NAME, bindings={"wanted": Literal(value), "class": [NamedNode(ENTITY_CLASSES[k]) for k in kinds]}
        )
        found = sorted({text(r["node"]) for r in rows})
        if len(found) == 1:
            return NamedNode(found[0])
        what = " or ".join(kinds)
        if not found:
            raise SavedQueryError(f"{where}: no {what} called {value!r} in the graph")
        raise SavedQueryError(f"{where}: {value!r} names {len(found)} things; use the exact name or id")
    kind = parameter.types[0]
    try:
        if kind == "integer":
            return Literal(str(int(value)), datatype=NamedNode(XSD + "integer"))
        if kind == "date":
            return Literal(dt.date.fromisoformat(value).isoformat(), datatype=NamedNode(XSD + "date"))
        if kind == "iri":
            return NamedNode(value)
        if kind in _VOCABULARY_OF:
            concept = vocabulary().scheme(_VOCABULARY_OF[kind]).get(value)
            return NamedNode(concept.iri) if kind == "stage" else Literal(concept.notation)
    except (ValueError, VocabularyError) as exc:
        raise SavedQueryError(f"{where}: expected {kind}, got {value!r} ({exc})") from exc
    if kind in _STANDARD_CLASS:
        node = NamedNode(ISO + value.upper())
        if not store.ask(IS_A, bindings={"node": node, "class": NamedNode(_STANDARD_CLASS[kind])}):
            raise SavedQueryError(f"{where}: {value!r} is not a {kind.replace('_', ' ')} id of ISO/IEC 42001:2023")
        return node
    return Literal(value)


def run_saved_query(store: Store, name: str, params: dict[str, str]) -> tuple[NamedQuery, list[Row]]:
    """Run a saved query or question pattern with its parameters bound; errors name the query and parameter."""
    queries = catalog()
    query = queries.get(name)
    if query is None:
        raise SavedQueryError(f"no saved query {name!r}; available: {', '.join(queries)}")
    if query.source != "sparql":
        raise SavedQueryError(f"{name} is answered by `aims {query.source}`, not by a query")
    declared = {p.name: p for p in query.parameters}
    unknown = sorted(set(params) - set(declared))
    if unknown:
        hint = ", ".join(declared) or "none"
        raise SavedQueryError(f"{name}: unknown parameter(s) {', '.join(unknown)}; it takes: {hint}")
    missing = [p.name for p in query.parameters if not p.optional and p.name not in params]
    if missing:
        raise SavedQueryError(f"{name}: missing --param {missing[0]}=... ({declared[missing[0]].description})")
    # A saved query is a file someone on this machine may have written: it must not make the store fetch.
    refuse_outbound(query.text)
    bindings: Bindings = {k: term_for(store, declared[k], v) for k, v in params.items()}
    return query, run(store, query, bindings).rows
