"""The endpoint's limits and permissions, in one place (``aims serve`` fills them from its options)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EndpointConfig:
    """Limits, the update token (``None``: read-only) and the IRIs the store may fetch (none by default).

    Attributes:
        update_token: enables SPARQL Update for callers sending ``Authorization: Bearer <token>``.
        timeout_seconds: a query's time limit, from its arrival (waiting in the queue counts).
        max_bytes: the largest serialised result returned.
        workers: queries running at once (worker processes for an on-disk store, else threads).
        max_queued: queries waiting for a worker; beyond it, 503 with ``Retry-After``.
        express_workers: extra worker processes for when every worker is busy: a query arriving then
            runs at once but gets only ``express_seconds`` (then 503 with ``Retry-After``), so short
            queries are answered while long ones fill the pool (on-disk store only; 0: none).
        express_seconds: the time limit of a query on an express worker.
        per_client: queries running or queued per client address (0: no limit); beyond it, 429. Callers
            with the update token are exempt (the aims processes on this machine share one address).
        max_body_bytes: the largest request body read from a caller without the update token; beyond it, 413.
        max_update_bytes: the same for callers with the token: the aims processes on this machine send a
            whole inventory import as one update (about 100 MB for 10,000 systems).
        allow_service: IRI prefixes that ``SERVICE`` and ``LOAD`` may name; empty: no outbound requests.
    """

    update_token: str | None = None
    timeout_seconds: float = 10.0
    max_bytes: int = 50_000_000
    workers: int = 8
    max_queued: int = 16
    express_workers: int = 2
    express_seconds: float = 1.0
    per_client: int = 4
    max_body_bytes: int = 1_000_000
    max_update_bytes: int = 1_000_000_000
    allow_service: tuple[str, ...] = ()
