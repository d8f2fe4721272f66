"""Slack configuration, read once at start-up by `aims slack` and passed to the app factory."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_REMIND_DAYS = 30
# Crontab lines (minute hour day month weekday), in the server's time zone.
DEFAULT_REMINDER_SCHEDULE = "0 9 * * mon-fri"
DEFAULT_DIGEST_SCHEDULE = "0 9 * * mon"
MAX_REMIND_DAYS = 366


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
        compliance_channel: where expired evidence is escalated and *Not mine* is told
            (``AIMS_COMPLIANCE_CHANNEL``); empty: neither is posted anywhere but the owner's DM.
        digest_channel: where the weekly digest goes (``AIMS_DIGEST_CHANNEL``); empty: no digest.
        remind_days: evidence expiring within this many days is reminded (``AIMS_REMIND_DAYS``, default 30).
        reminder_schedule: when the running bot sends reminders, a crontab line (``AIMS_REMINDER_SCHEDULE``,
            default weekdays at 09:00); empty: the bot sends none (``aims remind`` still does).
        digest_schedule: when the running bot posts the digest (``AIMS_DIGEST_SCHEDULE``, default Mondays at
            09:00); empty: the bot posts none (``aims digest`` still does).
    """

    bot_token: str
    signing_secret: str = ""
    app_token: str = ""
    api_url: str = "https://slack.com/api/"
    deciders: frozenset[str] = frozenset()
    decisions_channel: str = ""
    compliance_channel: str = ""
    digest_channel: str = ""
    remind_days: int = DEFAULT_REMIND_DAYS
    reminder_schedule: str = DEFAULT_REMINDER_SCHEDULE
    digest_schedule: str = DEFAULT_DIGEST_SCHEDULE

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> SlackConfig:
        """Read ``SLACK_*`` and the ``AIMS_*`` Slack settings; only `aims slack`, `remind` and `digest` call this.

        Raises:
            ValueError: ``AIMS_REMIND_DAYS`` is not a whole number of days from 0 to 366.
        """
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
            compliance_channel=env.get("AIMS_COMPLIANCE_CHANNEL", "").strip(),
            digest_channel=env.get("AIMS_DIGEST_CHANNEL", "").strip(),
            remind_days=_days(env.get("AIMS_REMIND_DAYS", "").strip()),
            # Set but empty turns the schedule off; unset keeps the default.
            reminder_schedule=_schedule(env.get("AIMS_REMINDER_SCHEDULE", DEFAULT_REMINDER_SCHEDULE)),
            digest_schedule=_schedule(env.get("AIMS_DIGEST_SCHEDULE", DEFAULT_DIGEST_SCHEDULE)),
        )


def _days(value: str) -> int:
    """``AIMS_REMIND_DAYS`` as a number of days; the default when not set."""
    if not value:
        return DEFAULT_REMIND_DAYS
    if not re.fullmatch(r"[0-9]{1,4}", value) or int(value) > MAX_REMIND_DAYS:
        raise ValueError(f"AIMS_REMIND_DAYS: {value!r} is not a number of days from 0 to {MAX_REMIND_DAYS}")
    return int(value)


def _schedule(value: str) -> str:
    """A crontab line as given; ``""`` (off) for an empty value or ``off``."""
    value = value.strip()
    return "" if value.lower() == "off" else value
