"""SPARQL 1.1 Protocol over HTTP: ``/sparql`` (query via GET or POST, update with a bearer token), ``/health``, ``/``.

Results are negotiated from ``Accept``: SPARQL JSON, XML, CSV, TSV for SELECT/ASK; Turtle, N-Triples,
JSON-LD for CONSTRUCT/DESCRIBE. Read-only unless an update token is configured and the caller sends
``Authorization: Bearer <token>``. The endpoint never makes an outbound request (``SERVICE`` and
``LOAD`` are refused unless an administrator allows IRI prefixes), bounds request bodies, runs queries
of an on-disk store in worker processes that are killed at their deadline, queues a bounded number of
queries, limits each client's share and reports overload on ``/health``.

- ``config``: ``EndpointConfig``, every limit in one place.
- ``sparql_protocol``: query forms, content negotiation, the service description (no I/O).
- ``admission``: the bounded pool and queue, the per-client limit, the readers-writer gate.
- ``runners``: the runner interface and the thread runner (in-memory and remote stores).
- ``process_pool``: the worker processes (on-disk store); the workers are ``graph.store.query_worker``.
- ``body``: the request body cap. ``page``: the HTML query page. ``app``: the routes.
"""

from graph.endpoint.app import create_endpoint
from graph.endpoint.config import EndpointConfig
from graph.endpoint.page import query_page
from graph.endpoint.sparql_protocol import negotiate, query_form

__all__ = ["EndpointConfig", "create_endpoint", "negotiate", "query_form", "query_page"]
