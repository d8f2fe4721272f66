"""Saved SPARQL queries for compliance leads: ``ontology/queries/NAME.rq``, run by ``aims query NAME``.

Each file starts with ``# Answers: ...`` and declares its parameters as ``# param: NAME TYPE [(optional)]
description``. Parameters are bound as typed RDF terms through the store, never pasted into the text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from graph.namespaces import XSD
from graph.settings import DEFAULT_ONTOLOGY_DIR
from graph.store import Bindings, Row, Store

QUERIES_DIR = DEFAULT_ONTOLOGY_DIR / "queries"
_PARAM = re.compile(r"^#\s*param:\s*(\w+)\s+(text|integer|date|iri)\s*(\(optional\))?\s*(.*)$")


class SavedQueryError(ValueError):
    """Unknown query, unknown or missing parameter, or a value of the wrong type."""


@dataclass(frozen=True)
class Parameter:
    """A declared parameter of a saved query."""

    name: str
    type: str
    optional: bool
    description: str


@dataclass(frozen=True)
class SavedQuery:
    """A saved query: its name, the question it answers, its parameters and text."""

    name: str
    answers: str
    parameters: tuple[Parameter, ...]
    text: str


@cache
def saved_queries(folder: Path = QUERIES_DIR) -> dict[str, SavedQuery]:
    """Every saved query in ``folder`` by name."""
    found = {}
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        answers = ""
        params = []
        for line in text.splitlines():
            if line.lower().startswith("# answers:"):
                answers = line.split(":", 1)[1].strip()
            elif match := _PARAM.match(line):
                params.append(Parameter(match[1], match[2], bool(match[3]), match[4].strip()))
        found[path.stem] = SavedQuery(path.stem, answers, tuple(params), text)
    return found


def _term(parameter: Parameter, raw: str) -> NamedNode | Literal:
    try:
        if parameter.type == "integer":
            return Literal(str(int(raw)), datatype=NamedNode(XSD + "integer"))
        if parameter.type == "date":
            return Literal(dt.date.fromisoformat(raw).isoformat(), datatype=NamedNode(XSD + "date"))
        if parameter.type == "iri":
            return NamedNode(raw)
    except ValueError as exc:
        raise SavedQueryError(f"--param {parameter.name}: expected {parameter.type}, got {raw!r}") from exc
    return Literal(raw)


def run_saved_query(store: Store, name: str, params: dict[str, str]) -> tuple[SavedQuery, list[Row]]:
    """Run a saved query with its parameters bound; errors name the query and parameter."""
    queries = saved_queries()
    query = queries.get(name)
    if query is None:
        raise SavedQueryError(f"no saved query {name!r}; available: {', '.join(queries)}")
    declared = {p.name: p for p in query.parameters}
    unknown = sorted(set(params) - set(declared))
    if unknown:
        hint = ", ".join(declared) or "none"
        raise SavedQueryError(f"{name}: unknown parameter(s) {', '.join(unknown)}; it takes: {hint}")
    bindings: Bindings = {k: _term(declared[k], v) for k, v in params.items()}
    missing = [p.name for p in query.parameters if not p.optional and p.name not in params]
    if missing:
        raise SavedQueryError(f"{name}: missing --param {missing[0]}=... ({declared[missing[0]].description})")
    return query, store.select(query.text, bindings=bindings)
