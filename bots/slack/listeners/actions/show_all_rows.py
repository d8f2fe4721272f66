"""The "Show all" button on a cut list: run the answer's query for every row and post them, paged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bots.slack.all_rows import all_rows
from bots.slack.answering import reply_to_button
from bots.slack.listeners.actions.show_more import GONE, page_blocks
from bots.slack.mrkdwn import convert, escape, fallback, mrkdwn_sections
from bots.slack.pages import paginate
from bots.slack.services import SlackServices
from graph.queries.saved import SavedQueryError


def make_handler(services: SlackServices) -> Any:
    """Listener for the ``show_all_rows`` button (value: the key of the answer's kept query)."""

    def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        query = services.kept_query(str(action.get("value", "")))
        if query is None:
            reply_to_button(client, body, respond, text=GONE, blocks=mrkdwn_sections([GONE]))
            return
        try:
            lines = all_rows(services.store, query, dt.date.today())
        except SavedQueryError as exc:
            said = f"That list cannot be run again: {escape(str(exc))}"
            reply_to_button(client, body, respond, text=said, blocks=mrkdwn_sections([said]))
            return
        pages = paginate(convert("\n".join(lines)).split("\n"))
        key = services.pages.keep(pages)
        blocks = page_blocks(pages[0], key, 0, len(pages) > 1)
        reply_to_button(client, body, respond, text=fallback(lines[0]), blocks=blocks)

    return handle
