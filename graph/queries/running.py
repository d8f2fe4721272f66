"""Running a named query with bound values: all its rows, or the first few and how many there are.

A long list is answered with its first rows and its size, so a question over 10,000 systems reads a few
rows and a count rather than 10,000 names. How, for the limited run:

- the query's own ``LIMIT`` goes where the pattern marks it (``# rows-limited-here``, at the end of its
  ranking sub-select), so labels and details are looked up for the rows shown only;
- a pattern whose order is for reading (``# shown: any``) runs without its ``ORDER BY``, so Oxigraph
  stops after the first rows, and the rows are sorted afterwards by the same keys;
- the total comes from the pattern's ``# count:`` query (the bare pattern, without labels), or else
  from the query itself wrapped in ``SELECT (COUNT(*) ...)``.

``runnable_text`` is the query with its values written in as ``VALUES`` blocks: what "Show query" prints,
to rerun or adapt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyoxigraph import Literal

from graph.queries.catalog import NamedQuery
from graph.store import Bindings, Row, Store, text
from graph.store.sparql_text import with_inline_values

# Where the query proper starts, after the prologue (PREFIX lines and comments).
_SELECT = re.compile(r"(?im)^\s*SELECT\b")
_HAS_LIMIT = re.compile(r"(?i)\bLIMIT\s+\d+\s*$")
_FINAL_ORDER = re.compile(r"(?is)\}\s*ORDER\s+BY\s+(?P<keys>[^{}]*)$")
_ORDER_KEY = re.compile(r"(?i)(?P<desc>DESC)?\s*\(?\s*\?(?P<var>\w+)\s*\)?")
LIMIT_MARK = "# rows-limited-here"
# With folded rows (a supplier and each system using it), a few rows per thing shown are read.
FOLD_FACTOR = 5


@dataclass(frozen=True)
class QueryResult:
    """The rows returned (all, or the first ones), how many rows (or folded things) there are, the text run."""

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
        return QueryResult(rows, _things(rows, query.fold), bound)
    wanted = limit * (FOLD_FACTOR if query.fold else 1)
    limited = bound.replace(LIMIT_MARK, f"LIMIT {wanted}")
    order = _FINAL_ORDER.search(limited) if query.shown_any else None
    if order is not None:
        limited = limited[: order.start() + 1]
    rows = store.select(f"{limited.rstrip()}\nLIMIT {wanted}")
    if order is not None:
        rows = _sorted(rows, order["keys"])
    if len(rows) < wanted and LIMIT_MARK not in bound:
        return QueryResult(rows, _things(rows, query.fold), bound)
    return QueryResult(rows, _count(store, query, bindings, bound), bound)


def _things(rows: list[Row], fold: str) -> int:
    return len({text(r.get(fold)) for r in rows}) if fold else len(rows)


def _sorted(rows: list[Row], keys: str) -> list[Row]:
    """Rows sorted by an ``ORDER BY`` clause's variables (numbers as numbers, ``DESC(...)`` reversed)."""
    for match in reversed(list(_ORDER_KEY.finditer(keys))):
        name = match["var"]

        def key(row: Row, name: str = name) -> tuple[int, float, str]:
            value = row.get(name)
            if isinstance(value, Literal):
                try:
                    return (0, float(value.value), "")
                except ValueError:
                    return (1, 0.0, value.value.lower())
            return (2, 0.0, text(value))

        rows = sorted(rows, key=key, reverse=bool(match["desc"]))
    return rows


def _count(store: Store, query: NamedQuery, bindings: Bindings, bound: str) -> int:
    start = _SELECT.search(bound)
    if start is None:
        return len(store.select(bound))
    prologue = bound[: start.start()]
    if query.count:
        present = {k: v for k, v in bindings.items() if not (isinstance(v, list | tuple) and not v)}
        counting = (with_inline_values(query.count, present) if present else None) or query.count
        rows = store.select(prologue + counting)
    else:
        body = bound[start.start() :]
        order = _FINAL_ORDER.search(body)
        body = body[: order.start() + 1] if order else body
        rows = store.select(f"{prologue}SELECT (COUNT(*) AS ?total) WHERE {{ {{ {body} }} }}")
    return int(text(rows[0]["total"])) if rows else 0
