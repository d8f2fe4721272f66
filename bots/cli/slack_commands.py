"""`aims slack`: run the Slack bot (Socket Mode when SLACK_APP_TOKEN is set, else HTTP)."""

from __future__ import annotations

from typing import Annotated

import typer

from bots.cli.app import app, fail, guarded, out
from bots.cli.assistant_commands import open_assistant
from bots.cli.output import say
from bots.cli.ownership import serving_in_background


@app.command()
def slack(
    ctx: typer.Context,
    http: Annotated[bool, typer.Option("--http", help="HTTP mode even if SLACK_APP_TOKEN is set.")] = False,
    host: Annotated[str, typer.Option("--host", help="HTTP mode: address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="HTTP mode: port to listen on.")] = 3000,
) -> None:
    """Run the Slack bot on this store (see README: create the app from bots/slack/manifest.yml)."""
    from bots.slack.app import create_app, web_client
    from bots.slack.config import SlackConfig
    from bots.slack.runner import EVENTS_PATH, serve_http, serve_socket_mode
    from bots.slack.schedule import check_schedules, start_schedule
    from bots.slack.services import SlackServices

    try:
        config = SlackConfig.from_environ()
        check_schedules(config)
    except ValueError as exc:
        raise fail(str(exc)) from None
    if not config.bot_token:
        raise fail("SLACK_BOT_TOKEN is not set")
    socket_mode = bool(config.app_token) and not http
    if not socket_mode and not config.signing_secret:
        raise fail("HTTP mode needs SLACK_SIGNING_SECRET (or set SLACK_APP_TOKEN for Socket Mode)")
    store, assistant = open_assistant(ctx.obj)
    services = SlackServices(
        assistant=assistant,
        store=store,
        deciders=config.deciders,
        decisions_channel=config.decisions_channel,
        compliance_channel=config.compliance_channel,
    )
    client = web_client(config)
    bolt_app = guarded(lambda: create_app(config, client, services))
    scheduler = start_schedule(config, client, store)
    for job in scheduler.get_jobs() if scheduler else []:
        say(out, f"scheduled {job.name}: next at {job.next_run_time:%Y-%m-%d %H:%M %Z}")
    try:
        # The bot holds the store for as long as it runs: it serves it on 127.0.0.1 so that the CLI works too.
        with serving_in_background(store, ctx.obj) as store_url:
            if store_url:
                say(out, f"store served to other aims commands at {store_url}")
            if socket_mode:
                say(out, "aims Slack bot: Socket Mode")
                serve_socket_mode(bolt_app, config.app_token)
            else:
                say(out, f"aims Slack bot: http://{host}:{port}{EVENTS_PATH}")
                serve_http(bolt_app, host, port)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=True)  # a reminder run half done finishes (and records) before the store closes
        services.follow_ups_done(timeout=10)  # confirmations and DMs already promised are sent before closing
        store.close()
