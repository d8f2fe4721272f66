"""Slack configuration, read once at start-up by `aims slack` and passed to the app factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class SlackConfig:
    """Tokens, the Web API base URL and who may record decisions.

    Args:
        bot_token: ``SLACK_BOT_TOKEN`` (xoxb-...).
        signing_secret: ``SLACK_SIGNING_SECRET``; verifies HTTP requests (HMAC, 5-minute window).
        app_token: ``SLACK_APP_TOKEN`` (xapp-...); Socket Mode when set.
        api_url: ``SLACK_API_URL``; base URL of the Web API (tests point it at a local fake).
        deciders: Slack user ids allowed to record decisions (``AIMS_DECIDERS``, comma-separated).
        decisions_channel: where proposals are posted for the deciders (``AIMS_DECISIONS_CHANNEL``, a
            channel id the bot is a member of); empty: each decider gets the proposal by direct message.
    """

    bot_token: str
    signing_secret: str = ""
    app_token: str = ""
    api_url: str = "https://slack.com/api/"
    deciders: frozenset[str] = frozenset()
    decisions_channel: str = ""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> SlackConfig:
        """Read ``SLACK_*``, ``AIMS_DECIDERS`` and ``AIMS_DECISIONS_CHANNEL``; only `aims slack` calls this."""
        env = os.environ if environ is None else environ
        deciders = frozenset(u.strip() for u in env.get("AIMS_DECIDERS", "").split(",") if u.strip())
        api_url = env.get("SLACK_API_URL") or "https://slack.com/api/"
        return cls(
            bot_token=env.get("SLACK_BOT_TOKEN", ""),
            signing_secret=env.get("SLACK_SIGNING_SECRET", ""),
            app_token=env.get("SLACK_APP_TOKEN", ""),
            api_url=api_url if api_url.endswith("/") else api_url + "/",
            deciders=deciders,
            decisions_channel=env.get("AIMS_DECISIONS_CHANNEL", "").strip(),
        )
