"""The buttons that open a report for an AI system: its gap, its SoA, its open controls (paged).

They stand where the terminal would say ``aims gap --system NAME`` or ``aims soa --system NAME``. The
result goes where the button was (privately beside a private reply, else in the thread); *Previous* and
*Next* on a page of open controls replace that page in place.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bots.slack.answering import pressed_privately, reply_to_button
from bots.slack.listeners.views.report_builder import gap_blocks, open_controls_blocks, soa_blocks
from bots.slack.mrkdwn import Block, escape, mrkdwn_sections
from bots.slack.services import SlackServices
from graph.compliance.decisions import DecisionError
from graph.compliance.gap import gap_analysis
from graph.compliance.soa import soa_for_system, soa_rollup, tally

GAP_SHOWN = 10


def _wanted(action: dict[str, Any]) -> dict[str, Any]:
    """The button's value as a dict (``{"system": ..., "page": ...}``); empty when unreadable."""
    try:
        value = json.loads(action.get("value") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _say(client: WebClient, body: dict[str, Any], respond: Respond, text: str, blocks: list[Block]) -> None:
    reply_to_button(client, body, respond, text=text, blocks=blocks)


def _unknown(client: WebClient, body: dict[str, Any], respond: Respond, error: DecisionError) -> None:
    said = f"That report cannot be shown: {escape(str(error))}"
    _say(client, body, respond, said, mrkdwn_sections([said]))


def make_gap(services: SlackServices) -> Any:
    """Listener for ``show_gap``: the top of the roadmap of a system (or the whole organisation)."""

    def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        system = _wanted(action).get("system")
        try:
            items = gap_analysis(services.store, dt.date.today(), system)
        except DecisionError as exc:
            _unknown(client, body, respond, exc)
            return
        text = f"Top of the roadmap{' for ' + escape(system) if system else ''}"
        _say(client, body, respond, text, gap_blocks(system, items[:GAP_SHOWN], len(items)))

    return handle


def make_soa(services: SlackServices) -> Any:
    """Listener for ``show_soa``: the SoA of a system (or the organisation's roll-up)."""

    def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        system = _wanted(action).get("system")
        today = dt.date.today()
        try:
            rows = soa_for_system(services.store, system, today) if system else soa_rollup(services.store, today)
        except DecisionError as exc:
            _unknown(client, body, respond, exc)
            return
        text = f"SoA for {escape(system or 'the organisation')}"
        _say(client, body, respond, text, soa_blocks(system, rows, tally(rows)))

    return handle


def make_open_controls(services: SlackServices) -> Any:
    """Listener for ``show_open_controls`` (first page) and its ``:previous`` / ``:next`` page buttons."""

    def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        wanted = _wanted(action)
        system, page = wanted.get("system"), wanted.get("page", 0)
        if not isinstance(system, str) or not isinstance(page, int):
            return
        try:
            rows = soa_for_system(services.store, system, dt.date.today())
        except DecisionError as exc:
            _unknown(client, body, respond, exc)
            return
        blocks = open_controls_blocks(system, rows, page)
        text = f"Controls with no decision for {escape(system)}"
        turning = ":" in str(action.get("action_id", ""))
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id", "")
        if turning and pressed_privately(body) and body.get("response_url"):
            respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=True)
        elif turning and channel and message.get("ts"):
            client.chat_update(channel=channel, ts=message["ts"], text=text, blocks=blocks)
        else:
            _say(client, body, respond, text, blocks)

    return handle
