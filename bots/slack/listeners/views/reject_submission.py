"""Reject modal submitted: the reason is checked and kept with the proposal, then everyone concerned sees it."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.mrkdwn import sentence
from bots.slack.proposal_flow import NOT_A_DECIDER, publish_outcome
from bots.slack.services import SlackServices
from graph.compliance import decisions, proposals


def make_handler(services: SlackServices) -> Any:
    """Listener for ``view_submission`` of the ``reject_proposal`` modal."""

    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
        except ValueError:  # not what our modal sends: then there is no proposal to reject
            meta = {}
        meta = meta if isinstance(meta, dict) else {}
        reason = (view.get("state", {}).get("values", {}).get("reason", {}).get("value", {}).get("value")) or ""
        if not services.may_decide(user):
            ack(response_action="errors", errors={"reason": NOT_A_DECIDER})
            return
        try:
            before = proposals.find(services.store, str(meta.get("key", "")))
            done = proposals.resolve(
                services.store, str(meta.get("key", "")), outcome="rejected", by=user, reason=reason
            )
        except decisions.DecisionError as exc:
            ack(response_action="errors", errors={"reason": sentence(exc.errors[0].message)})
            return
        if before is not None and before.outcome != "pending":
            ack(response_action="errors", errors={"reason": f"This proposal was already {before.outcome}."})
            return
        ack()
        services.after_ack(lambda: publish_outcome(client, services, done))

    return handle
