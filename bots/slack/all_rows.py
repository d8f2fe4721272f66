"""Every row of an answer's named query, as the answer's own list lines (for the *Show all* button).

An answer about the organisation lists its first rows; the terminal offers ``aims query NAME`` for the
rest. Slack runs the same saved query with the same parameters and renders each row with the pattern's
own row template, so the full list reads like the answer it continues.
"""

from __future__ import annotations

import datetime as dt

from assistant.answer import QueryUsed
from assistant.org_compose import fold, render, with_status
from graph.queries.saved import run_saved_query
from graph.store import Store, text


def all_rows(store: Store, query: QueryUsed, today: dt.date) -> list[str]:
    """The heading and one Markdown line per row of ``query`` run without a limit.

    Raises:
        SavedQueryError: the query or one of its parameters is no longer known (the catalog changed).
    """
    params = dict(query.params)
    pattern, rows = run_saved_query(store, query.name, params)
    values = [{k: text(v) for k, v in r.items()} for r in rows]
    values = fold(values, pattern.fold) if pattern.fold else values
    base = {**params, "count": f"{len(values):,}"}
    filled = [with_status(v, today) | base for v in values]
    if not filled:
        return [render(pattern.templates.get("none", "Nothing answers this any more."), base)]
    heading = render(pattern.templates.get("heading", f"{len(filled):,} results:"), filled[0])
    return [heading, *(f"- {render(pattern.templates.get('row', ''), v)}" for v in filled)]
