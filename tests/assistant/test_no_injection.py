"""Property: whatever a user types, it never becomes SPARQL syntax.

Every query the assistant (or ``aims query``) sends is recorded; with the ``VALUES`` blocks of bound terms
taken out, a marker hidden in the user's text must be nowhere in it, and inside a ``VALUES`` block it may
only sit within an escaped literal.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.service import Assistant
from graph.ingest.load import OntologyLayout
from graph.queries.saved import SavedQueryError, run_saved_query
from graph.store import Bindings, Row
from graph.store.embedded import OxigraphStore
from graph.store.sparql_text import with_inline_values
from tests.conftest import example_store

MARKER = "zqxmarker"
PIECES = [*"abc ?{}<>\"'#;.*$\\\n\t", "UNION", "DROP ALL", "SELECT", "} ; INSERT DATA {", "<http://x>"]
HOSTILE = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
# A bound term: an IRI, a quoted literal, a blank node, or a bare boolean or number (rules' constant rows).
_TERM = re.compile(r'\s*(<[^>]*>|"(?:[^"\\]|\\.)*"(?:\^\^<[^>]*>|@[\w-]+)?|_:\w+|(?:true|false)\b|[+-]?\d+(?:\.\d+)?)')


class RecordingStore(OxigraphStore):
    """The embedded store, writing down every query text it runs (with its bindings written in)."""

    def __init__(self) -> None:
        super().__init__(None)
        self.queries: list[str] = []

    def select(self, query: str, *, bindings: Bindings | None = None) -> list[Row]:
        self.queries.append((with_inline_values(query, bindings) if bindings else None) or query)
        return super().select(query, bindings=bindings)

    def ask(self, query: str, *, bindings: Bindings | None = None) -> bool:
        self.queries.append((with_inline_values(query, bindings) if bindings else None) or query)
        return super().ask(query, bindings=bindings)


def without_values_blocks(query: str) -> tuple[str, list[str]]:
    """The query with every ``VALUES (...) { ... }`` block taken out, and the terms those blocks held."""
    terms: list[str] = []
    out, i = [], 0
    while (start := query.find("VALUES (", i)) != -1:
        out.append(query[i:start])
        j = query.index("{", start) + 1
        while True:
            while query[j].isspace():
                j += 1
            if query[j] == "}":
                j += 1
                break
            if query[j] in "()":
                j += 1
                continue
            match = _TERM.match(query, j)
            assert match is not None, f"not a term at {query[j : j + 40]!r}"
            terms.append(match.group(1))
            j = match.end()
        i = j
    out.append(query[i:])
    return "".join(out), terms


@pytest.fixture(scope="module")
def recording(
    layout: OntologyLayout, index_dir: Path, tmp_path_factory: pytest.TempPathFactory, assistant: Assistant
) -> Iterator[tuple[Assistant, RecordingStore]]:
    store = RecordingStore()
    example_store(layout, store=store)
    folder = tmp_path_factory.mktemp("inject") / "index"
    shutil.copytree(index_dir, folder)
    yield Assistant(store, folder, today=lambda: dt.date(2026, 12, 2)), store


def assert_only_in_literals(queries: list[str]) -> None:
    for query in queries:
        rest, terms = without_values_blocks(query)
        assert MARKER not in rest
        assert all(t.startswith('"') for t in terms if MARKER in t)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=HOSTILE, after=HOSTILE)
def test_questions_never_become_query_syntax(recording: Any, before: str, after: str) -> None:
    assistant, store = recording
    store.queries.clear()
    templates = ("who owns the fraud model? {} {}", "does A.7.4 apply to the fraud model {} {}?", "{} list {} risks")
    for template in templates:
        assistant.ask(template.format(before + MARKER, after + MARKER))
    assert store.queries, "the questions ran no query: the property was not exercised"
    assert_only_in_literals(store.queries)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=HOSTILE)
def test_saved_query_parameters_never_become_query_syntax(recording: Any, value: str) -> None:
    _, store = recording
    store.queries.clear()
    for name, param in (("who-decided-what", "who"), ("system-purpose", "system"), ("evidence-expiring", "days")):
        with contextlib.suppress(SavedQueryError):
            run_saved_query(store, name, {param: value + MARKER})
    assert_only_in_literals(store.queries)


def test_the_check_finds_text_outside_values_blocks() -> None:
    rest, terms = without_values_blocks('SELECT * WHERE { VALUES (?a) { ("x}y\\"z") } ?s ?p "zqxmarker" }')
    assert terms == ['"x}y\\"z"'] and MARKER in rest
