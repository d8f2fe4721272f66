"""Running named queries by name with text parameters: ``aims query NAME --param name=value``.

Values arrive as text and become typed RDF terms here: dates, integers, the ontology's vocabulary values,
ids of the standard, and the organisation's things found as ``aims ask`` and ``aims decide`` find them
(``graph.queries.resolve``: names and aliases in any case, an id however it is spelled; a value that names
nothing is refused with the names that come close). They are bound through the store, never pasted into
the query.
"""

from __future__ import annotations

import datetime as dt

from pyoxigraph import Literal, NamedNode

from graph.namespaces import XSD
from graph.queries.catalog import NamedQuery, Parameter, catalog
from graph.queries.resolve import STANDARD_CLASSES, ResolveError, entity_iris, labels_of, standard_iri
from graph.queries.running import run
from graph.store import Bindings, Row, Store, Term
from graph.store.sparql_guard import refuse_outbound
from graph.vocabulary import VocabularyError, vocabulary

_VOCABULARY_OF = {"tier": "eu_ai_act_tiers", "automation": "automation_levels", "stage": "lifecycle_stages"}


class SavedQueryError(ValueError):
    """Unknown query, unknown or missing parameter, or a value of the wrong type."""


def saved_queries() -> dict[str, NamedQuery]:
    """The saved queries of ``ontology/queries`` by name (question patterns are in ``catalog()`` too)."""
    return {name: q for name, q in catalog().items() if not q.is_pattern}


def term_for(store: Store, parameter: Parameter, raw: str) -> Term | list[Term]:
    """The RDF term(s) for a parameter given as text; ``SavedQueryError`` says what was expected.

    A list when one name goes with several nodes of one thing (see ``graph.queries.resolve``): the query
    runs for each.
    """
    value = raw.strip()
    where = f"--param {parameter.name}"
    try:
        if kinds := parameter.entity_kinds:
            return _one_or_all([NamedNode(iri) for iri in entity_iris(store, kinds, value)])
        if named := parameter.named_kinds:
            iris = entity_iris(store, named, value, organisation=False)
            return _one_or_all([Literal(label) for label in labels_of(store, iris)])
        kind = parameter.types[0]
        if kind in STANDARD_CLASSES:
            return NamedNode(standard_iri(store, kind, value))
    except ResolveError as exc:
        raise SavedQueryError(f"{where}: {exc}") from exc
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
    return Literal(value)


def _one_or_all(terms: list[Term]) -> Term | list[Term]:
    return terms[0] if len(terms) == 1 else terms


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
