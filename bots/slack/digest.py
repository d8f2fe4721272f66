"""Posting the weekly digest: once per ISO week per channel, recorded in the graph when it went out."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bots.slack.listeners.views.digest_builder import digest_blocks, digest_lines, digest_text
from graph.compliance.digest import digest_sent, record_digest, weekly_digest
from graph.store import Store


@dataclass(frozen=True)
class DigestRun:
    """What became of one week's digest.

    Args:
        week: the ISO week (``2026-W49``).
        channel: where it goes.
        status: ``sent``, ``would send`` (a dry run) or ``already sent``.
        lines: the digest as plain lines (empty when it was already sent).
    """

    week: str
    channel: str
    status: str
    lines: tuple[str, ...] = ()


def send_digest(
    client: WebClient | None,
    store: Store,
    *,
    today: dt.date,
    channel: str,
    within_days: int,
    dry_run: bool = False,
) -> DigestRun:
    """Post the digest of ``today``'s week to ``channel`` unless it was already; a dry run posts and records nothing.

    Raises:
        slack_sdk.errors.SlackApiError: Slack refused the post (nothing is recorded, so the next run tries again).
    """
    digest = weekly_digest(store, today, within_days)
    if digest_sent(store, digest.week, channel):
        return DigestRun(digest.week, channel, "already sent")
    lines = tuple(digest_lines(digest))
    if dry_run or client is None:
        return DigestRun(digest.week, channel, "would send", lines)
    posted = client.chat_postMessage(channel=channel, text=digest_text(digest), blocks=digest_blocks(digest))
    where = ""
    if posted.get("ts"):
        # Posted is posted: a permalink Slack will not give must not leave the week unrecorded.
        with contextlib.suppress(SlackApiError):
            found = client.chat_getPermalink(channel=str(posted.get("channel") or channel), message_ts=posted["ts"])
            where = str(found.get("permalink") or "")
    record_digest(store, digest.week, channel, where or "slack")
    return DigestRun(digest.week, channel, "sent", lines)
