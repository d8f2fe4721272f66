"""A fake Slack Web API on 127.0.0.1: answers like Slack, records every call, can fail on purpose.

Like Slack, it refuses a message or view that breaks a Block Kit rule (``invalid_blocks``, checked by
``block_rules``), and keeps each refusal in ``refused`` so a test fails even when the bot swallows the error.

Files go through Slack's external upload flow: ``files.getUploadURLExternal`` hands out an ``upload_url`` on
this server, the bytes are POSTed there, and ``files.completeUploadExternal`` stores the file (shared into
its ``channel_id``, or private to the bot). Each step refuses what Slack would (an unknown file id, a length
that does not match, a user id where a conversation id belongs), and ``files`` keeps every stored file's
bytes, name, title, channel and comment for tests to read. A stored file is "processed" after
``processing_seconds``: until then ``files.info`` gives it no ``mimetype`` and an image block naming it
(``slack_file``) is refused as ``invalid slack file``, as Slack does right after an upload.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from tests.bots.slack.block_rules import payload_problems, slack_file_refs, text_problems

# What Slack takes as a conversation id where a file is shared (a user id is not one: open a DM first).
_CONVERSATION = re.compile(r"[CGD][A-Z0-9]{2,}")
_USER = re.compile(r"[UW][A-Z0-9]{2,}")


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
class StoredFile:
    """A file the bot uploaded: what it declared, the bytes it sent, and where it shared it ("" = private)."""

    id: str
    filename: str
    length: int
    content: bytes | None = None
    title: str = ""
    channel: str = ""
    initial_comment: str = ""
    completed_at: float | None = None

    @property
    def mimetype(self) -> str:
        """The type Slack would find in the bytes (only PNG and HTML are told apart here)."""
        data = self.content or b""
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            return "image/png"
        if data.lstrip()[:15].lower().startswith(b"<!doctype html"):
            return "text/html"
        return "application/octet-stream"

    def processed(self, delay: float) -> bool:
        """Whether Slack has finished with the file, ``delay`` seconds after it was completed."""
        return self.completed_at is not None and time.monotonic() >= self.completed_at + delay

    def described(self, delay: float) -> dict[str, Any]:
        """The file object Slack returns (no type until processed)."""
        return {
            "id": self.id,
            "name": self.filename,
            "title": self.title or self.filename,
            "mimetype": self.mimetype if self.processed(delay) else "",
            "size": self.length,
            "channels": [self.channel] if self.channel else [],
            "is_public": False,
            "permalink": f"https://acme.slack.com/files/UBOT/{self.id}/{self.filename}",
        }


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
        # Every file uploaded (kept across ``reset``, as Slack keeps them), by id, in upload order.
        self.files: dict[str, StoredFile] = {}
        # How long Slack takes to process a completed upload (files.info without mimetype until then).
        self.processing_seconds = 0.0
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

    def take_refusals(self) -> list[Refusal]:
        """The refusals so far, forgotten: for a test that provokes one on purpose and checks the bot's answer."""
        with self._changed:
            taken = list(self.refused)
            self.refused.clear()
            return taken

    def upload_url(self, file_id: str) -> str:
        """Where the bytes of ``file_id`` are POSTed (this server, like Slack's files.slack.com/upload/v1/...)."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/upload/{file_id}"

    def stored(self) -> list[StoredFile]:
        """The files whose upload was completed, oldest first."""
        with self._changed:
            return [f for f in self.files.values() if f.completed_at is not None]

    def _refuse(self, method: str, problems: list[str], error: str) -> dict[str, Any]:
        with self._changed:
            self.refused.append(Refusal(method, problems))
            self._changed.notify_all()
        return {"ok": False, "error": error, "errors": problems}

    def _unusable_files(self, params: dict[str, Any]) -> list[str]:
        """``slack_file`` ids in a payload that name no processed image this bot uploaded (``invalid slack file``)."""
        found = []
        for where, ref in slack_file_refs({k: params[k] for k in ("blocks", "view") if k in params}):
            stored = self.files.get(str(ref.get("id", "")))
            usable = (
                stored is not None
                and stored.processed(self.processing_seconds)
                and stored.mimetype.startswith("image/")
            )
            if "id" in ref and not usable:
                found.append(f"invalid slack file [json-pointer:{where}]")
        return found

    def _file_call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """files.getUploadURLExternal, files.completeUploadExternal and files.info, checked as Slack checks them."""
        if method == "files.getUploadURLExternal":
            filename, length = str(params.get("filename") or ""), str(params.get("length") or "")
            if not filename or not length.isdigit() or int(length) < 1:
                problem = f"filename {filename!r} and a positive length {length!r} are required"
                return self._refuse(method, [problem], "invalid_arguments")
            file_id = "F" + uuid.uuid4().hex[:10].upper()
            with self._changed:
                self.files[file_id] = StoredFile(file_id, filename, int(length))
            return {"ok": True, "file_id": file_id, "upload_url": self.upload_url(file_id)}
        if method == "files.completeUploadExternal":
            try:
                listed = json.loads(str(params.get("files") or ""))
            except ValueError:
                return self._refuse(method, ["files must be a JSON array of {id, title}"], "invalid_arguments")
            channel = str(params.get("channel_id") or "")
            comment = str(params.get("initial_comment") or "")
            problems = [] if not channel or _CONVERSATION.fullmatch(channel) else [f"{channel!r} is no conversation id"]
            problems += text_problems(comment, "/initial_comment") if comment else []
            if comment and not channel:
                problems.append("initial_comment without a channel_id to post it in")
            if not isinstance(listed, list) or not listed:
                problems.append("files must be a non-empty JSON array")
                listed = []
            chosen = [self.files.get(str(f.get("id"))) if isinstance(f, dict) else None for f in listed]
            for item, stored in zip(listed, chosen, strict=True):
                if stored is None or stored.content is None or stored.completed_at is not None:
                    problems.append(f"{item!r}: no upload waiting to be completed under this id")
            if problems:
                error = "channel_not_found" if channel and not _CONVERSATION.fullmatch(channel) else "invalid_arguments"
                return self._refuse(method, problems, error)
            with self._changed:
                for item, stored in zip(listed, chosen, strict=True):
                    assert stored is not None
                    stored.title = str(item.get("title") or stored.filename)
                    stored.channel, stored.initial_comment = channel, comment
                    stored.completed_at = time.monotonic()
            return {"ok": True, "files": [s.described(self.processing_seconds) for s in chosen if s is not None]}
        stored = self.files.get(str(params.get("file") or ""))
        if stored is None or stored.completed_at is None:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "file": stored.described(self.processing_seconds)}

    def _received(self, file_id: str, data: bytes) -> tuple[int, str]:
        """The POST of a file's bytes to its upload_url: 200 when the id waits for exactly these many bytes."""
        with self._changed:
            stored = self.files.get(file_id)
            if stored is None or stored.content is not None:
                problem = f"upload {file_id}: no upload waiting under this id"
            elif len(data) != stored.length:
                problem = f"upload {file_id}: {len(data)} bytes sent, {stored.length} declared"
            else:
                stored.content = data
                self._changed.notify_all()
                return 200, f"OK - {len(data)}"
            self.refused.append(Refusal("upload", [problem]))
            self._changed.notify_all()
        return 400, problem

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
        unusable = self._unusable_files(params)
        if unusable:
            return self._refuse(method, unusable, "invalid_blocks")
        if method in {"files.getUploadURLExternal", "files.completeUploadExternal", "files.info"}:
            return self._file_call(method, params)
        if method == "conversations.open":
            users = str(params.get("users") or "")
            if not users or not all(_USER.fullmatch(u) for u in users.split(",")):
                return self._refuse(method, [f"users {users!r}: one or more user ids"], "users_list_not_supplied")
            return {"ok": True, "channel": {"id": "D" + users.split(",")[0][1:]}}
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
                if self.path.startswith("/upload/"):  # a file's bytes, as they are: not a Web API call
                    status, text = api._received(self.path.removeprefix("/upload/"), self.rfile.read(length))
                    body = text.encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
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
