"""A ``Store`` over a SPARQL 1.1 server (SPARQL Protocol for queries and updates).

Selected with ``AIMS_STORE=http://host:port/...``: the query endpoint URL; the update endpoint is
``AIMS_STORE_UPDATE`` or derived from it (``/query`` or ``/sparql`` -> ``/update``). Every write is one
SPARQL Update request, which Oxigraph server, Fuseki, Virtuoso and GraphDB each apply as one
transaction. Queries must see the union of the named graphs as the default graph: start Oxigraph with
``--union-default-graph`` (README has the Fuseki and Virtuoso settings).

Writers that read and then write (decisions) can hold ``exclusive()``: an OS file lock shared by every
process on this machine that writes to the same server. Oxigraph server (and Virtuoso at its default
isolation) evaluates each update on a snapshot and commits two concurrent ones that conflict, so a
conditional update alone cannot keep two writers apart there (see ``graph.compliance.remote_record``).
"""

from __future__ import annotations

import fcntl
import hashlib
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph
import urllib3
from pyoxigraph import BlankNode, NamedNode, Quad, QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, Triple

from graph.store.protocol import Bindings, QueryError, QueryLimitError, Row, StoreError, Term, solution_rows, text
from graph.store.results import TIME_LIMIT_PROBLEM, results_format
from graph.store.sparql_text import data_update, values_block, with_inline_values

JSON_RESULTS = "application/sparql-results+json"
_QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
_PRESENT_CHUNK = 2000
# Triples per INSERT DATA text: Virtuoso 7's SPARQL compiler exhausts its memory at a few thousand.
_INLINE_TRIPLES = 2000
# Where a large replacement is written before it is swapped in (the embedded store's prefix too).
STAGING_PREFIX = "urn:aims:staging:"
_VIRTUOSO_ASK = "__ASK_RETVAL"
CONNECT_TIMEOUT = 5.0
# Connections kept open per host: the endpoint and the bot run several store calls at once.
POOL_SIZE = 16
# A request refused as "busy, retry later" is sent again this many times, waiting as told (at most 2 s).
BUSY_RETRIES = 5
_MAX_RETRY_WAIT = 2.0


def derive_update_url(query_url: str) -> str:
    """The update endpoint next to a query endpoint (Oxigraph ``/query``, Fuseki ``/sparql`` or ``/query``)."""
    for suffix in ("/query", "/sparql"):
        if query_url.rstrip("/").endswith(suffix):
            return query_url.rstrip("/")[: -len(suffix)] + "/update"
    return query_url


def _retry_after(reply: urllib3.BaseHTTPResponse) -> float | None:
    """Seconds to wait before sending again, when the server refused with 503 and ``Retry-After``; else None."""
    if reply.status != 503:
        return None
    try:
        return min(max(float(reply.headers.get("Retry-After", "")), 0.05), _MAX_RETRY_WAIT)
    except ValueError:
        return None


def _bind(query: str, bindings: Bindings | None) -> str:
    if not bindings:
        return query
    inline = with_inline_values(query, bindings)
    if inline is not None:
        return inline
    # No WHERE group to open (CONSTRUCT WHERE short form): a trailing VALUES block joins the whole result.
    return f"{query}\n{values_block(bindings)}"


class RemoteStore:
    """A ``Store`` talking to a SPARQL 1.1 endpoint over HTTP."""

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        *,
        timeout: float = 60.0,
        update_token: str | None = None,
        lock_dir: Path | None = None,
    ) -> None:
        """Point at a server; nothing is sent until the first call.

        ``update_token`` is sent as ``Authorization: Bearer`` with updates (our endpoint needs it);
        ``lock_dir`` is where ``exclusive()`` keeps its lock file (``None``: writers are not serialised
        across processes, only by the server). One urllib3 pool is kept for the store's life: it reuses
        connections across calls and is safe to share between threads, instead of a new TCP connection
        per query (urllib3 rather than httpx: a third less overhead per call, which is most of a small
        query on loopback).
        """
        self.query_url = query_url
        self.update_url = update_url or derive_update_url(query_url)
        self.timeout = timeout
        self._timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=timeout)
        self._pool = urllib3.PoolManager(maxsize=POOL_SIZE, block=False, timeout=self._timeout, retries=False)
        # Sent with queries too: our endpoint lets token holders (this machine's aims processes) past its
        # per-client limit, which they would otherwise share on one loopback address.
        self._auth_headers = {"Authorization": f"Bearer {update_token}"} if update_token else {}
        self.lock_dir = lock_dir
        self._thread_lock = threading.Lock()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the writers' lock for this server: one writer at a time among the threads and processes here.

        The lock file is named after the update URL, so writers to different servers do not wait for each
        other; the OS releases it if the process dies. Without ``lock_dir`` only this process's threads
        take turns.
        """
        with self._thread_lock:
            if self.lock_dir is None:
                yield
                return
            self.lock_dir.mkdir(parents=True, exist_ok=True)
            name = hashlib.sha256(self.update_url.encode("utf-8")).hexdigest()[:24]
            with open(self.lock_dir / f"writer-{name}.lock", "a+b") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _post(
        self,
        url: str,
        body: str,
        content_type: str,
        accept: str,
        timeout: float | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> bytes:
        headers = {"Content-Type": content_type, "Accept": accept, **(extra or {})}
        limit = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=timeout) if timeout else self._timeout
        try:
            reply = self._pool.request("POST", url, body=body.encode("utf-8"), headers=headers, timeout=limit)
            for _ in range(BUSY_RETRIES):
                # A busy server refuses before running anything and says when to come back (503 + Retry-After).
                wait = _retry_after(reply)
                if wait is None:
                    break
                time.sleep(wait)
                reply = self._pool.request("POST", url, body=body.encode("utf-8"), headers=headers, timeout=limit)
        except urllib3.exceptions.HTTPError as exc:
            raise StoreError(f"cannot reach the SPARQL server at {url}: {exc}") from exc
        if reply.status >= 400:
            detail = reply.data.decode("utf-8", errors="replace")[:300]
            raise QueryError(f"the SPARQL server at {url} answered {reply.status}: {detail}")
        return bytes(reply.data)

    def _query(self, query: str, accept: str, timeout: float | None = None) -> bytes:
        # A form field rather than an application/sparql-query body: every server takes it (Virtuoso 7.2
        # leaves a bare query body unanswered until the client times out).
        body = urlencode({"query": query})
        form = "application/x-www-form-urlencoded"
        return self._post(self.query_url, body, form, accept, timeout, self._auth_headers)

    def select(self, query: str, *, bindings: Bindings | None = None) -> list[Row]:
        """Run a SELECT query."""
        data = self._query(_bind(query, bindings), JSON_RESULTS)
        result = pyoxigraph.parse_query_results(data, format=QueryResultsFormat.JSON)
        if not isinstance(result, QuerySolutions):
            raise QueryError("expected a SELECT query")
        return solution_rows(result)

    def ask(self, query: str, *, bindings: Bindings | None = None) -> bool:
        """Run an ASK query."""
        result = pyoxigraph.parse_query_results(
            self._query(_bind(query, bindings), JSON_RESULTS), format=QueryResultsFormat.JSON
        )
        if isinstance(result, QuerySolutions) and [v.value for v in result.variables] == [_VIRTUOSO_ASK]:
            # Virtuoso 7.2 answers ASK in JSON as a one-column SELECT: a row holding 1 when true, none when false.
            return any(text(row[_VIRTUOSO_ASK]) not in {"", "0"} for row in solution_rows(result))
        if not isinstance(result, QueryBoolean):
            raise QueryError("expected an ASK query")
        return bool(result)

    def construct(self, query: str, *, bindings: Bindings | None = None) -> list[Triple]:
        """Run a CONSTRUCT or DESCRIBE query."""
        data = self._query(_bind(query, bindings), "application/n-triples")
        return [q.triple for q in pyoxigraph.parse(data, format=RdfFormat.N_TRIPLES)]

    def query_results(
        self, query: str, media_type: str, *, max_bytes: int | None = None, deadline: float | None = None
    ) -> bytes:
        """Run any query and return the server's serialisation in ``media_type``."""
        results_format(media_type)
        timeout = max(0.1, deadline - time.monotonic()) if deadline is not None else None
        try:
            data = self._query(query, media_type, timeout)
        except StoreError as exc:
            if deadline is not None and time.monotonic() >= deadline:
                raise QueryLimitError(TIME_LIMIT_PROBLEM) from exc
            raise
        if max_bytes is not None and len(data) > max_bytes:
            raise QueryLimitError(f"the result is larger than {max_bytes:,} bytes; add a LIMIT or narrow the query")
        return data

    def update(self, update: str) -> None:
        """Run a SPARQL Update (one request, one transaction on the server)."""
        self._post(self.update_url, update, "application/sparql-update", "*/*", extra=self._auth_headers)

    def replace_graphs(self, graphs: Mapping[str, Iterable[Triple]]) -> None:
        """Drop and refill each graph so the server swaps them in one request: readers see all old or all new.

        A graph small enough for one ``INSERT DATA`` goes inline in that request. A larger one is first
        written to a staging graph a chunk per request (Virtuoso's SPARQL compiler runs out of memory on
        a few thousand triples in one text), then copied over in the same final request, and the staging
        graph dropped. A staging graph a crash left behind is dropped before the next fill.
        """
        operations = []
        for graph, triples in graphs.items():
            lines = [f"{t.subject} {t.predicate} {t.object} ." for t in triples]
            # Graph IRIs are our constants; terms are pyoxigraph's escaped N-Triples forms.
            operations.append(f"DROP SILENT GRAPH <{graph}>")
            if len(lines) <= _INLINE_TRIPLES:
                body = "\n".join(lines)
                operations.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")
                continue
            staging = f"{STAGING_PREFIX}{hashlib.sha256(graph.encode()).hexdigest()[:16]}"
            self.update(f"DROP SILENT GRAPH <{staging}>")
            for start in range(0, len(lines), _INLINE_TRIPLES):
                body = "\n".join(lines[start : start + _INLINE_TRIPLES])
                self.update(f"INSERT DATA {{ GRAPH <{staging}> {{\n{body}\n}} }}")
            operations.append(
                f"INSERT {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{staging}> {{ ?s ?p ?o }} }}"
            )
            operations.append(f"DROP SILENT GRAPH <{staging}>")
        self.update(" ;\n".join(operations))

    def insert(self, graph: str, triples: Iterable[Triple]) -> None:
        """Add triples to a named graph in one update request."""
        body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
        self.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")

    def change(self, remove: Iterable[Quad], add: Iterable[Quad]) -> None:
        """Remove and add quads in one update request (one transaction on the server)."""
        update = data_update(remove, add)
        if update:
            self.update(update)

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        """Every quad of the named graphs, or of one."""
        return self._quads_matching({"g": NamedNode(graph)} if graph else {})

    def present(self, quads: Sequence[Quad]) -> set[Quad]:
        """Those of ``quads`` that are on the server: one query per 2,000, the quads as a VALUES block."""
        found: set[Quad] = set()
        for start in range(0, len(quads), _PRESENT_CHUNK):
            columns: dict[str, list[Term]] = {"g": [], "s": [], "p": [], "o": []}
            for quad in quads[start : start + _PRESENT_CHUNK]:
                g, s, o = quad.graph_name, quad.subject, quad.object
                # Only quads of named graphs, without quoted triples, can be in our stores.
                if isinstance(g, NamedNode) and isinstance(s, NamedNode | BlankNode) and not isinstance(o, Triple):
                    for name, term in (("g", g), ("s", s), ("p", quad.predicate), ("o", o)):
                        columns[name].append(term)
            if columns["g"]:
                found.update(self._quads_matching(columns))
        return found

    def _quads_matching(self, columns: Bindings) -> Iterator[Quad]:
        """The quads of named graphs that match bound ``g``, ``s``, ``p``, ``o`` (any of them, or none)."""
        for row in self.select(_QUADS, bindings=columns):
            g, s, p, o = row["g"], row["s"], row["p"], row["o"]
            if isinstance(g, NamedNode) and s is not None and isinstance(p, NamedNode) and o is not None:
                yield Quad(s, p, o, g)  # type: ignore[arg-type]

    def count(self, graph: str | None = None) -> int:
        """Number of quads in the named graphs, or in one."""
        rows = self.select(_COUNT, bindings={"g": NamedNode(graph)} if graph else None)
        return int(rows[0]["n"].value) if rows and rows[0]["n"] is not None else 0

    def graph_names(self) -> list[str]:
        """IRIs of the named graphs that hold data."""
        return [row["g"].value for row in self.select(_GRAPHS) if isinstance(row["g"], NamedNode)]

    def close(self) -> None:
        """Close the pooled connections."""
        self._pool.clear()
