"""`aims remind` and `aims digest`: evidence reminders and the weekly digest, sent through the Slack Web API.

For deployments without the long-running bot: cron runs these, and the graph records what was sent, so a
second run (or the bot's own schedule beside it) sends nothing twice. ``--dry-run`` prints what would be
sent and needs no token.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from bots.cli.app import app, err, fail, opened_store, out
from bots.cli.output import say

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bots.slack.config import SlackConfig

TodayOption = Annotated[
    dt.datetime | None,
    typer.Option("--today", formats=["%Y-%m-%d"], help="Judge expiry as on this day (YYYY-MM-DD); default today."),
]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Print what would be sent; send and record nothing.")]


def _slack(dry_run: bool) -> tuple[SlackConfig, WebClient | None]:
    """The Slack settings, and a Web API client that waits out 429s (none for a dry run)."""
    from bots.slack.app import web_client
    from bots.slack.config import SlackConfig

    try:
        config = SlackConfig.from_environ()
    except ValueError as exc:
        raise fail(str(exc)) from None
    if dry_run:
        return config, None
    if not config.bot_token:
        raise fail("SLACK_BOT_TOKEN is not set: it is needed to send (or use --dry-run to see what would be sent)")
    return config, web_client(config)


def _day(today: dt.datetime | None) -> dt.date:
    return today.date() if today else dt.date.today()


@app.command()
def remind(ctx: typer.Context, today: TodayOption = None, dry_run: DryRunOption = False) -> None:
    """DM each owner of evidence expired or expiring soon (AIMS_REMIND_DAYS), once per item and threshold."""
    from bots.slack.reminders import send_reminders
    from graph.compliance.reminders import ReminderError

    config, client = _slack(dry_run)
    with opened_store(ctx.obj) as store:
        try:
            deliveries = send_reminders(
                client,
                store,
                today=_day(today),
                within_days=config.remind_days,
                compliance_channel=config.compliance_channel,
                dry_run=dry_run,
            )
        except ReminderError as exc:
            raise fail(str(exc)) from None
    for delivery in deliveries:
        say(err if delivery.error else out, delivery.describe(dry_run=dry_run))
    if not deliveries:
        say(out, "no reminders due")
    if any(d.error for d in deliveries):
        raise typer.Exit(1)


@app.command()
def digest(ctx: typer.Context, today: TodayOption = None, dry_run: DryRunOption = False) -> None:
    """Post the weekly digest to AIMS_DIGEST_CHANNEL, once per ISO week."""
    from slack_sdk.errors import SlackApiError

    from bots.slack.digest import send_digest

    config, client = _slack(dry_run)
    if not config.digest_channel:
        raise fail("AIMS_DIGEST_CHANNEL is not set: the channel id the weekly digest goes to")
    with opened_store(ctx.obj) as store:
        try:
            run = send_digest(
                client,
                store,
                today=_day(today),
                channel=config.digest_channel,
                within_days=config.remind_days,
                dry_run=dry_run,
            )
        except SlackApiError as exc:
            raise fail(f"Slack refused the digest for {config.digest_channel}: {exc.response.get('error')}") from None
    say(out, f"digest of {run.week} to {run.channel}: {run.status}")
    if dry_run:
        for line in run.lines:
            say(out, line)
