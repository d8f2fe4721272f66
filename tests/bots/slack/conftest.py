"""Slack test rig: a fake Web API and the real bot served over HTTP on 127.0.0.1, driven by signed requests."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import uvicorn
from slack_sdk.signature import SignatureVerifier

from assistant.service import Assistant
from bots.slack.app import create_app, web_client
from bots.slack.config import SlackConfig
from bots.slack.runner import EVENTS_PATH, asgi_app
from bots.slack.services import SlackServices
from graph.ingest.load import OntologyLayout
from graph.store.embedded import OxigraphStore
from tests.bots.slack.fake_slack_api import FakeSlackApi
from tests.conftest import example_store

SECRET = "test-signing-secret"
DECIDER = "UDECIDER"
EMPLOYEE = "UEMPLOYEE"
# Where proposals go (AIMS_DECISIONS_CHANNEL); a test may set the bot's to "" for the DM-each-decider fallback.
DECISIONS_CHANNEL = "CDECISIONS"


@dataclass
class Response:
    status: int
    body: str
    millis: float

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Bot:
    """The running bot: its URL, the fake Slack API it talks to, and its store."""

    url: str
    api: FakeSlackApi
    store: OxigraphStore
    services: SlackServices

    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        sig = signature or SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body) or ""
        request = urllib.request.Request(
            self.url,
            data=body.encode(),
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": sig,
                **(headers or {}),
            },
            method="POST",
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return Response(reply.status, reply.read().decode(), (time.perf_counter() - started) * 1000)
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode(), (time.perf_counter() - started) * 1000)

    def event(self, event: dict[str, Any], event_id: str, **kw: Any) -> Response:
        body = {
            "type": "event_callback",
            "team_id": "T1",
            "api_app_id": "A1",
            "event": event,
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
        }
        return self.post(json.dumps(body), "application/json", **kw)

    def interaction(self, payload: dict[str, Any], **kw: Any) -> Response:
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded", **kw)

    def command(self, text: str, user: str = EMPLOYEE, response_url: str = "") -> Response:
        form = {
            "command": "/aims",
            "text": text,
            "user_id": user,
            "team_id": "T1",
            "channel_id": "C1",
            "trigger_id": "trigger-1",
            "response_url": response_url or self.api.response_url("cmd"),
        }
        return self.post(urlencode(form), "application/x-www-form-urlencoded")


def serve(asgi: Any) -> tuple[uvicorn.Server, threading.Thread, int]:
    server = uvicorn.Server(uvicorn.Config(asgi, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the bot did not start")
        time.sleep(0.02)
    return server, thread, server.servers[0].sockets[0].getsockname()[1]


@pytest.fixture(scope="module")
def fake_api() -> Iterator[FakeSlackApi]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        os.environ.pop(name, None)
    api = FakeSlackApi().start()
    try:
        yield api
    finally:
        api.stop()


@pytest.fixture(scope="module")
def bot(
    fake_api: FakeSlackApi,
    layout: OntologyLayout,
    index_dir: Path,
    assistant: Assistant,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Bot]:
    store = example_store(layout)
    folder = tmp_path_factory.mktemp("slack") / "index"
    shutil.copytree(index_dir, folder)
    services = SlackServices(
        assistant=Assistant(store, folder),
        store=store,
        deciders=frozenset({DECIDER}),
        decisions_channel=DECISIONS_CHANNEL,
    )
    config = SlackConfig(
        bot_token="xoxb-test", signing_secret=SECRET, api_url=fake_api.base_url, deciders=frozenset({DECIDER})
    )
    app = create_app(config, web_client(config), services)
    server, thread, port = serve(asgi_app(app))
    try:
        yield Bot(f"http://127.0.0.1:{port}{EVENTS_PATH}", fake_api, store, services)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(autouse=True)
def clean_calls(fake_api: FakeSlackApi, request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts with no calls recorded, and its bot's follow-ups (DMs after an ack) end within it."""
    fake_api.reset()
    yield
    if "bot" in request.fixturenames:
        bot: Bot = request.getfixturevalue("bot")
        assert bot.services.follow_ups_done(timeout=30), "follow-up work after an ack did not finish"


@pytest.fixture(autouse=True)
def slack_accepted_every_post(fake_api: FakeSlackApi) -> Iterator[None]:
    """Fail any test during which the bot sent Block Kit that Slack refuses, even if the bot hid the error."""
    yield
    refused = fake_api.refusals()
    assert not refused, "Slack would refuse: " + "; ".join(f"{r.method}: {r.problems}" for r in refused)
