"""Starting the bot: HTTP mode (FastAPI + uvicorn, Slack's requests at ``/slack/events``) or Socket Mode."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
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
        return await handler.handle(request)

    @api.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return api


def serve_http(bolt_app: App, host: str, port: int) -> None:
    """Serve until interrupted."""
    import uvicorn

    uvicorn.run(asgi_app(bolt_app), host=host, port=port, log_level="info")


def serve_socket_mode(bolt_app: App, app_token: str) -> None:
    """Connect to Slack over Socket Mode (no public URL needed) and serve until interrupted."""
    SocketModeHandler(bolt_app, app_token, web_client=bolt_app.client).start()  # type: ignore[no-untyped-call]
