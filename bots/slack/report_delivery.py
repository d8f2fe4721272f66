"""``/aims report [SYSTEM]``: the compliance report, one self-contained HTML file, sent to whoever asked, by DM.

The file is the one ``aims report`` writes (``graph.publish.report_data.gather_report`` and
``graph.publish.html_report.render``): it opens from disk in any browser with no network. It goes to the
requester's DM with the bot (``conversations.open``; Slack's upload takes a conversation id, not a user
id) through the files API, with a short message. Past 200 AI systems the report is already aggregated
(about 350 KB at 10,000 systems; 1.5 MB at 200, the largest drawn row by row), so ``MAX_REPORT_BYTES``
only stops something pathological; the requester is told the size and offered one system's report.
Whatever fails, the requester is told privately where they asked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bots.slack.mrkdwn import escape
from bots.slack.services import SlackServices
from bots.slack.uploads import UploadError, file_slug, reason, upload

logger = logging.getLogger("aims.slack")

# Four times the largest report the bot makes (1.5 MB at 200 systems), far below Slack's own file limit.
MAX_REPORT_BYTES = 6 * 1024 * 1024


def send_report(
    client: WebClient, services: SlackServices, respond: Callable[..., Any], *, user_id: str, system: str | None
) -> None:
    """Say the report is coming, build it, and upload it into ``user_id``'s DM with the bot.

    Args:
        client: the bot's Web API client.
        services: the store and the day to judge by.
        respond: the slash command's ``respond`` (ephemeral replies where the command was typed).
        user_id: who asked; the report goes to them alone.
        system: an AI system's name (already resolved), or None for the whole organisation.
    """
    about = f" for *{escape(system)}*" if system else ""
    respond(text=f"Sending the report{about} by DM…", response_type="ephemeral")
    from graph.publish.html_report import render
    from graph.publish.report_data import gather_report

    day = services.today()
    try:
        report = gather_report(services.store, day, system)
        page = render(report, day).encode("utf-8")
    except Exception:
        logger.exception("the report%s could not be built", f" for {system}" if system else "")
        respond(text="The report could not be built; the bot's log says why.", response_type="ephemeral")
        return
    if len(page) > MAX_REPORT_BYTES:
        respond(
            text=(
                f"The report is {_size(len(page))}, more than the {_size(MAX_REPORT_BYTES)} the bot sends in Slack, "
                "so it was not sent. Ask for one AI system's report with `/aims report SYSTEM`."
            ),
            response_type="ephemeral",
        )
        return
    h = report.header
    systems = report.matrix.systems
    expired = dict(report.evidence.counts).get("expired", 0)
    comment = (
        f"The compliance report for *{escape(h.organisation or 'the organisation')}* "
        f"({escape(h.subject)}), as on {h.generated}: {systems:,} AI system{'s' if systems != 1 else ''}, "
        f"{report.gaps_total:,} items on the gap roadmap, {expired:,} evidence items expired. "
        "Open the file in a browser; it needs no network. Summaries are ours, not the standard's text."
    )
    try:
        channel = str(client.conversations_open(users=user_id)["channel"]["id"])
        upload(
            client,
            content=page,
            filename=f"aims-report-{file_slug(system or h.organisation, 'organisation')}-{h.generated}.html",
            title=f"AIMS report: {h.organisation or 'organisation'} - {h.subject} ({h.generated})",
            channel=channel,
            initial_comment=comment,
        )
    except UploadError as exc:
        respond(text=f"The report could not be sent by DM: {escape(exc.reason)}.", response_type="ephemeral")
    except (SlackClientError, OSError, KeyError, TypeError) as exc:  # conversations.open
        logger.warning("could not open a DM with %s: %s", user_id, exc)
        why = reason(exc) if isinstance(exc, SlackClientError) else "Slack gave no conversation"
        respond(text=f"The report could not be sent by DM: {escape(why)}.", response_type="ephemeral")


def _size(size: int) -> str:
    return f"{size / 1024:,.0f} KB" if size < 1024 * 1024 else f"{size / (1024 * 1024):.1f} MB"
