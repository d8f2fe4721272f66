"""The *Confirm* button on a proposal (in the decisions channel, a decider's DM or the Home tab).

A decider's click records the proposed decision (kept in the graph under the button's key); the
proposal's message keeps its content and gains who confirmed it and when. Anyone else is told they
cannot. Buttons posted before proposals were kept in the graph carry the proposal as JSON; those still work.
"""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.answering import thread_of
from bots.slack.decision_flow import proposed_justification, request_from
from bots.slack.mrkdwn import escape
from bots.slack.proposal_flow import confirm, pending_for_decider, tell
from bots.slack.services import SlackServices
from graph.compliance import decisions


def make_handler(services: SlackServices) -> Any:
    """Listener for the ``confirm_proposal`` button."""

    def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        user = body["user"]["id"]
        channel, thread_ts = thread_of(body)
        value = action.get("value", "")
        if value.startswith("{") and services.may_decide(user):
            _confirm_legacy(client, services, body, value, user)
            return
        proposal = pending_for_decider(client, services, user, value, channel=channel, thread_ts=thread_ts)
        if proposal is None:
            return
        try:
            confirm(client, services, proposal, user=user)
        except decisions.DecisionError as exc:
            tell(client, user, f"Not recorded: {escape(str(exc))}", channel=channel, thread_ts=thread_ts)

    return handle


def _confirm_legacy(client: WebClient, services: SlackServices, body: dict[str, Any], value: str, user: str) -> None:
    """A proposal whose button carries it as JSON (posted by an earlier version): record it as it says."""
    channel, thread_ts = thread_of(body)
    ts = (body.get("message") or {}).get("ts", "")
    try:
        proposal = json.loads(value)
        values = {**proposal, "justification": proposed_justification(proposal["justification"], proposal["proposer"])}
    except (ValueError, KeyError, TypeError):
        tell(client, user, "This proposal cannot be read; ask for it to be proposed again.", channel=channel)
        return
    permalink = client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink", "") if ts else ""
    request = request_from(values, user_id=user, permalink=permalink, key=f"proposal:{channel}:{ts}")
    try:
        decisions.record(services.store, request)
    except decisions.DecisionError as exc:
        tell(client, user, f"Not recorded: {escape(str(exc))}", channel=channel, thread_ts=thread_ts)
        return
    tell(
        client,
        user,
        f"Recorded: {escape(request.control)} for {escape(request.system or 'the organisation')}.",
        channel=channel,
        thread_ts=thread_ts,
    )
