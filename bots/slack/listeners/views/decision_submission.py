"""Decision modal submitted: validate (errors shown in the modal), check the user, write or propose."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.blocks import ORGANISATION, proposal_blocks
from bots.slack.decision_flow import field_errors, read_submission, request_from
from bots.slack.home import publish_home
from bots.slack.services import SlackServices
from graph import decisions


def make_record(services: SlackServices) -> Any:
    """Listener for ``view_submission`` of the ``record_decision`` modal."""

    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        values, meta = read_submission(view)
        errors = field_errors(services, values)
        if not services.may_decide(user):
            errors["justification"] = "You are not allowed to record decisions; ask a decider, or propose one."
        if errors:
            ack(response_action="errors", errors=errors)
            return
        request = request_from(values, user_id=user, permalink=meta.get("permalink", ""), key=f"view:{view['id']}")
        try:
            result = decisions.record(services.store, request)
        except decisions.DecisionError as exc:
            field = str(exc).split(":", 1)[0]
            ack(response_action="errors", errors={field if field in values else "justification": str(exc)})
            return
        ack()
        if result.created and meta.get("channel"):
            where = request.system or "the organisation"
            client.chat_postMessage(
                channel=meta["channel"],
                thread_ts=meta.get("thread_ts") or None,
                text=f"<@{user}> recorded: *{request.control}* {result.decision.verdict} for *{where}*.",
            )
        publish_home(client, services, user)

    return handle


def make_propose(services: SlackServices) -> Any:
    """Listener for ``view_submission`` of the ``propose_decision`` modal: post it for a decider."""

    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        values, meta = read_submission(view)
        errors = field_errors(services, values)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        proposal = {
            k: values.get(k, "") for k in ("control", "verdict", "justification_type", "justification", "evidence")
        }
        proposal["system"] = "" if values.get("system") in ("", ORGANISATION) else values["system"]
        if meta.get("channel"):
            client.chat_postMessage(
                channel=meta["channel"],
                thread_ts=meta.get("thread_ts") or None,
                text=f"Proposed decision for {proposal['control']} (needs a decider's confirmation)",
                blocks=proposal_blocks(proposal, user),
            )

    return handle
