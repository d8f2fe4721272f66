"""Serialising a pyoxigraph query result in a standard format, within a size and a time limit.

Shared by the embedded store (in process) and the endpoint's query worker processes, so both answer
with the same bytes and the same errors. Imports only the standard library and pyoxigraph (through
``protocol``): a worker process starts in about 50 ms.
"""

from __future__ import annotations

import io
import time

from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, QueryTriples, RdfFormat

from graph.store.protocol import QueryError, QueryLimitError

TIME_LIMIT_PROBLEM = "the query ran past its time limit and was stopped; narrow it or add a LIMIT"


class _LimitedBuffer(io.BytesIO):
    """A byte buffer that refuses to grow past a size or a time limit (the serialiser then stops)."""

    def __init__(self, max_bytes: int | None, deadline: float | None) -> None:
        super().__init__()
        self.max_bytes = max_bytes
        self.deadline = deadline
        self.problem = ""

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.problem = TIME_LIMIT_PROBLEM
        elif self.max_bytes is not None and self.tell() + len(data) > self.max_bytes:
            self.problem = f"the result is larger than {self.max_bytes:,} bytes; add a LIMIT or narrow the query"
        if self.problem:
            raise OSError(self.problem)
        return super().write(data)


def results_format(media_type: str) -> QueryResultsFormat | RdfFormat:
    """The pyoxigraph format for a result media type, or a ``QueryError`` naming the supported ones."""
    base = media_type.split(";")[0].strip().lower()
    found: QueryResultsFormat | RdfFormat | None = QueryResultsFormat.from_media_type(base)
    if found is None:
        found = RdfFormat.from_media_type(base)
    if found is None:
        raise QueryError(
            f"unsupported result format {media_type!r}: use application/sparql-results+json, "
            "application/sparql-results+xml, text/csv, text/tab-separated-values, text/turtle, "
            "application/n-triples or application/ld+json"
        )
    return found


def serialise_result(
    result: object, media_type: str, *, max_bytes: int | None = None, deadline: float | None = None
) -> bytes:
    """``result`` (a pyoxigraph query result) in the format named by ``media_type``.

    The result streams into a buffer that stops it past ``max_bytes`` or ``deadline``, so a runaway
    query (a cross product) is cut off as its rows arrive, in one pass. The caller drops its own
    reference to ``result`` on its thread (pyoxigraph results must be dropped where they were made).
    """
    fmt = results_format(media_type)
    assert isinstance(result, (QuerySolutions, QueryBoolean, QueryTriples))
    if isinstance(result, QueryTriples) and not isinstance(fmt, RdfFormat):
        raise QueryError(f"{media_type} cannot hold a graph result; ask for Turtle, N-Triples or JSON-LD")
    if not isinstance(result, QueryTriples) and not isinstance(fmt, QueryResultsFormat):
        raise QueryError(f"{media_type} cannot hold a SELECT/ASK result; ask for SPARQL JSON, XML, CSV or TSV")
    sink = _LimitedBuffer(max_bytes, deadline)
    try:
        result.serialize(output=sink, format=fmt)  # type: ignore[arg-type]
    except Exception as exc:
        if sink.problem:
            raise QueryLimitError(sink.problem) from None
        raise QueryError(f"query failed: {exc}") from exc
    finally:
        # A raised error keeps this frame alive; it must not keep the result too (it may be dropped elsewhere).
        del result
    return sink.getvalue()
