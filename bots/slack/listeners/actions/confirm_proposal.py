"""The "Confirm decision" button on a proposal: a decider's click records it; others are told they cannot."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.decision_flow import proposed_justification, request_from
from bots.slack.home import publish_home
from bots.slack.mrkdwn import escape, mention
from bots.slack.services import SlackServices
from graph.compliance import decisions


def make_handler(services: SlackServices) -> Any:
    """Listener for the ``confirm_proposal`` button."""

    def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        user = body["user"]["id"]
        channel = body["channel"]["id"]
        message = body.get("message", {})
        if not services.may_decide(user):
            client.chat_postEphemeral(
                channel=channel, user=user, text="Only deciders (AIMS_DECIDERS) can confirm a proposed decision."
            )
            return
        try:
            proposal = json.loads(action["value"])
            justification = proposed_justification(proposal["justification"], proposal["proposer"])
            values = {**proposal, "justification": justification}
        except (ValueError, KeyError, TypeError):
            client.chat_postEphemeral(
                channel=channel, user=user, text="This proposal cannot be read; ask for it to be proposed again."
            )
            return
        permalink = client.chat_getPermalink(channel=channel, message_ts=message["ts"]).get("permalink", "")
        request = request_from(values, user_id=user, permalink=permalink, key=f"proposal:{channel}:{message['ts']}")
        try:
            result = decisions.record(services.store, request)
        except decisions.DecisionError as exc:
            client.chat_postEphemeral(channel=channel, user=user, text=f"Not recorded: {escape(str(exc))}")
            return
        client.chat_update(
            channel=channel,
            ts=message["ts"],
            text=f"Decision recorded: {escape(request.control)} {result.decision.verdict}, "
            f"confirmed by {mention(user)}.",
            blocks=[],
        )
        services.after_ack(lambda: publish_home(client, services, user))

    return handle
