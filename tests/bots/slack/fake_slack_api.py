"""A fake Slack Web API on 127.0.0.1: answers like Slack, records every call, can fail on purpose.

Like Slack, it refuses a message or view that breaks a Block Kit rule (``invalid_blocks``, checked by
``block_rules``), and keeps each refusal in ``refused`` so a test fails even when the bot swallows the error.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from tests.bots.slack.block_rules import payload_problems


@dataclass
class Call:
    """One Web API call the bot made."""

    method: str
    params: dict[str, Any]


@dataclass
class Refusal:
    """A call the fake refused as Slack would, with the rules it broke."""

    method: str
    problems: list[str]


@dataclass
class Failure:
    """A scripted answer for the next call(s) of a method (429, 500, or a dropped connection)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False


class FakeSlackApi:
    """Start with ``start()``; point ``WebClient(base_url=api.base_url)`` at it; ``stop()`` at the end."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.refused: list[Refusal] = []
        self.failures: dict[str, list[Failure]] = {}
        self.ws_url = ""
        # users.lookupByEmail answers from here (e-mail -> user id); any other e-mail is users_not_found.
        self.users_by_email: dict[str, str] = {}
        self._changed = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/api/``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def response_url(self, name: str) -> str:
        """A URL standing in for a slash command's response_url."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/response/{name}"

    def start(self) -> FakeSlackApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail_next(self, method: str, failure: Failure, times: int = 1) -> None:
        self.failures.setdefault(method, []).extend([failure] * times)

    def calls_to(self, method: str) -> list[Call]:
        with self._changed:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Wait until ``method`` was called ``count`` times; returns those calls."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self.calls if c.method == method]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"{method} called {len(found)} times, expected {count}: {[c.method for c in self.calls]}"
                    )
                self._changed.wait(remaining)

    def reset(self) -> None:
        with self._changed:
            self.calls.clear()
            self.failures.clear()
            self.refused.clear()

    def refusals(self) -> list[Refusal]:
        """The calls refused so far (``invalid_blocks``) since the last ``reset``."""
        with self._changed:
            return list(self.refused)

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        port = self._server.server_address[1]
        broken = payload_problems(method, params)
        if broken:
            with self._changed:
                self.refused.append(Refusal(method, broken))
                self._changed.notify_all()
            # Slack's own shape for this refusal: the error, then each broken rule with a JSON pointer.
            return {
                "ok": False,
                "error": "invalid_blocks",
                "errors": broken,
                "response_metadata": {"messages": [f"[ERROR] {p}" for p in broken]},
            }
        if method == "auth.test":
            return {
                "ok": True,
                "user_id": "UBOT",
                "bot_id": "BBOT",
                "team_id": "T1",
                "user": "aims",
                "url": "https://acme.slack.com/",
            }
        if method == "chat.postMessage":
            return {
                "ok": True,
                "channel": params.get("channel"),
                "ts": f"{time.time():.6f}",
                "message": {"text": params.get("text")},
            }
        if method == "chat.getPermalink":
            ts = str(params.get("message_ts", "")).replace(".", "")
            return {"ok": True, "permalink": f"https://acme.slack.com/archives/{params.get('channel')}/p{ts}"}
        if method in {"views.open", "views.publish", "views.update"}:
            return {"ok": True, "view": {"id": "VFAKE", **(params.get("view") or {})}}
        if method == "users.lookupByEmail":
            user_id = self.users_by_email.get(str(params.get("email", "")))
            if not user_id:
                return {"ok": False, "error": "users_not_found"}
            return {"ok": True, "user": {"id": user_id, "profile": {"email": params.get("email")}}}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.ws_url or f"ws://127.0.0.1:{port}/none"}
        return {"ok": True}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params: dict[str, Any] = json.loads(raw or "{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(raw).items()}
                for key in ("blocks", "view", "prompts"):
                    if isinstance(params.get(key), str):
                        with contextlib.suppress(ValueError):
                            params[key] = json.loads(params[key])
                method = self.path.split("/api/", 1)[1] if "/api/" in self.path else self.path.strip("/")
                with api._changed:
                    api.calls.append(Call(method, params))
                    scripted = api.failures.get(method)
                    failure = scripted.pop(0) if scripted else None
                    api._changed.notify_all()
                if failure and failure.drop:
                    self.close_connection = True
                    self.connection.close()
                    return
                status, headers = (failure.status, failure.headers) if failure else (200, {})
                body = json.dumps(
                    {"ok": False, "error": "ratelimited" if status == 429 else "fatal_error"}
                    if failure
                    else api._answer(method, params)
                ).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST  # noqa: N815 - http.server's name

        return Handler
