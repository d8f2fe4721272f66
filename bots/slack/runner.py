"""Starting the bot: HTTP mode (FastAPI + uvicorn, Slack's requests at ``/slack/events``) or Socket Mode."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from slack_bolt import App
from slack_bolt.adapter.fastapi import SlackRequestHandler
from slack_bolt.adapter.socket_mode import SocketModeHandler

EVENTS_PATH = "/slack/events"


def asgi_app(bolt_app: App) -> FastAPI:
    """The HTTP front of the bot: Slack's events, actions, views and commands all POST to one path."""
    handler = SlackRequestHandler(bolt_app)
    api = FastAPI(title="aims Slack bot", docs_url=None, redoc_url=None)

    @api.post(EVENTS_PATH)
    async def slack_events(request: Request) -> Response:
        problem = malformed(await request.body(), request.headers.get("content-type", ""))
        if problem:
            return PlainTextResponse(f"400 bad request: {problem}\n", status_code=400)
        return await handler.handle(request)

    @api.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return api


def malformed(body: bytes, content_type: str) -> str | None:
    """What is wrong with a request body Slack would never send, or None when bolt can read it.

    Bolt parses the body before it checks the signature and fails with an exception (HTTP 500 and a
    traceback in the log) on a body that is not a JSON object or a form whose ``payload`` is one; such
    requests are refused here with one line instead.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"the body is not UTF-8 (byte {exc.start})"
    if content_type.startswith("application/json"):
        document, what = text, "a JSON body"
    else:
        payload = parse_qs(text).get("payload")
        if not payload:
            return None
        document, what = payload[0], "the form's payload field"
    try:
        parsed = json.loads(document)
    except json.JSONDecodeError as exc:
        return f"{what} is not valid JSON ({exc.msg} at character {exc.pos})"
    except RecursionError:
        return f"{what} is nested too deeply"
    return None if isinstance(parsed, dict) else f"{what} must be a JSON object"


def serve_http(bolt_app: App, host: str, port: int) -> None:
    """Serve until interrupted."""
    import uvicorn

    uvicorn.run(asgi_app(bolt_app), host=host, port=port, log_level="info")


def serve_socket_mode(bolt_app: App, app_token: str) -> None:
    """Connect to Slack over Socket Mode (no public URL needed) and serve until interrupted."""
    SocketModeHandler(bolt_app, app_token, web_client=bolt_app.client).start()  # type: ignore[no-untyped-call]
