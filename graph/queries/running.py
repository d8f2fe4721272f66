"""Running a named query with bound values: all its rows, or the first few and how many there are.

A long list is answered with its first rows and its size, so a question over 10,000 systems reads 11
rows and a count rather than 10,000 names. The count wraps the query, with its values already written
in as ``VALUES`` blocks, in ``SELECT (COUNT(*) ...)``. ``runnable_text`` is the same query with the values
written in: what "Show query" prints, to rerun or adapt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.queries.catalog import NamedQuery
from graph.store import Bindings, Row, Store, text
from graph.store.sparql_text import with_inline_values

# Where the query proper starts, after the prologue (PREFIX lines and comments).
_SELECT = re.compile(r"(?im)^\s*SELECT\b")
_HAS_LIMIT = re.compile(r"(?i)\bLIMIT\s+\d+\s*$")


@dataclass(frozen=True)
class QueryResult:
    """The rows returned (all, or the first ``limit``), how many rows the query has in all, the text run."""

    rows: list[Row]
    total: int
    query: str


def runnable_text(query: NamedQuery, bindings: Bindings) -> str:
    """The query with its bound values written in as ``VALUES`` blocks of escaped terms (or as it is)."""
    present = {k: v for k, v in bindings.items() if not (isinstance(v, list | tuple) and not v)}
    return (with_inline_values(query.text, present) if present else None) or query.text


def run(store: Store, query: NamedQuery, bindings: Bindings, *, limit: int | None = None) -> QueryResult:
    """Rows of ``query`` with ``bindings``; with ``limit``, only the first rows, and the total counted apart."""
    bound = runnable_text(query, bindings)
    if limit is None or _HAS_LIMIT.search(bound.strip()):
        rows = store.select(bound)
        return QueryResult(rows, len(rows), bound)
    rows = store.select(f"{bound.rstrip()}\nLIMIT {int(limit)}")
    if len(rows) < limit:
        return QueryResult(rows, len(rows), bound)
    return QueryResult(rows, _count(store, bound), bound)


def _count(store: Store, bound: str) -> int:
    start = _SELECT.search(bound)
    if start is None:
        return len(store.select(bound))
    prologue, body = bound[: start.start()], bound[start.start() :]
    rows = store.select(f"{prologue}SELECT (COUNT(*) AS ?total) WHERE {{ {{ {body} }} }}")
    return int(text(rows[0]["total"])) if rows else 0
