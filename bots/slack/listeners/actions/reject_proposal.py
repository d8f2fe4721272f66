"""The *Reject* button on a proposal: a decider gets a modal asking why (the proposer is told the reason)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.answering import thread_of
from bots.slack.listeners.views.proposal_builder import reject_modal
from bots.slack.proposal_flow import pending_for_decider
from bots.slack.services import SlackServices


def make_handler(services: SlackServices) -> Any:
    """Listener for the ``reject_proposal`` button."""

    def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        user = body["user"]["id"]
        channel, thread_ts = thread_of(body)
        key = action.get("value", "")
        proposal = pending_for_decider(client, services, user, key, channel=channel, thread_ts=thread_ts)
        if proposal is None:
            return
        client.views_open(
            trigger_id=body["trigger_id"], view=reject_modal(proposal, {"channel": channel, "thread_ts": thread_ts})
        )

    return handle
