"""The bolt app factory: configuration and Web API client come from the caller; no environment reads."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bots.slack.config import SlackConfig
from bots.slack.listeners import register
from bots.slack.services import SlackServices

logger = logging.getLogger("aims.slack")


def web_client(config: SlackConfig) -> WebClient:
    """A Web API client for ``config`` that waits out 429s (Retry-After) a few times."""
    client = WebClient(token=config.bot_token, base_url=config.api_url)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
    return client


def create_app(config: SlackConfig, client: WebClient, services: SlackServices) -> App:
    """A bolt app with every listener registered and Slack's retries de-duplicated by event id."""
    if not any(isinstance(h, RateLimitErrorRetryHandler) for h in client.retry_handlers):
        client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
    app = App(
        client=client,
        signing_secret=config.signing_secret or None,
        process_before_response=True,
        logger=logger,
        # Lazy listeners answer after the ack; failures are logged and never crash the app.
        raise_error_for_unhandled_request=False,
    )

    @app.middleware
    def drop_retried_events(body: dict[str, Any], next: Any) -> BoltResponse | None:
        event_id = body.get("event_id")
        if event_id and not services.first_time(event_id):
            return BoltResponse(status=200, body="")
        return next()  # type: ignore[no-any-return]

    @app.error
    def log_errors(error: Exception) -> None:
        logger.error("Slack handler failed: %s", error)

    register(app, services)
    return app
