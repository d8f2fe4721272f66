"""Decision modal submitted: the graph validates (refusals shown in the modal), then record or propose.

The ack carries the modal's errors, so validation and the write happen before it; the confirmation
message and the Home refresh follow after it.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.decision_flow import modal_errors, read_submission, request_from
from bots.slack.home import publish_home
from bots.slack.listeners.views.decision_modal_builder import ORGANISATION
from bots.slack.listeners.views.proposal_builder import proposal_blocks
from bots.slack.services import SlackServices
from graph.compliance import decisions

NOT_A_DECIDER = decisions.FieldError(
    "decided_by", "you are not allowed to record decisions; ask a decider, or propose one"
)


def make_record(services: SlackServices) -> Any:
    """Listener for ``view_submission`` of the ``record_decision`` modal."""

    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        values, meta = read_submission(view)
        request = request_from(values, user_id=user, permalink=meta.get("permalink", ""), key=f"view:{view['id']}")
        errors = decisions.validate(services.store, request)
        if not services.may_decide(user):
            errors.append(NOT_A_DECIDER)
        if errors:
            ack(response_action="errors", errors=modal_errors(errors))
            return
        try:
            result = decisions.record(services.store, request)
        except decisions.DecisionError as exc:
            ack(response_action="errors", errors=modal_errors(exc.errors))
            return
        ack()

        def announce() -> None:
            if result.created and meta.get("channel"):
                where = request.system or "the organisation"
                client.chat_postMessage(
                    channel=meta["channel"],
                    thread_ts=meta.get("thread_ts") or None,
                    text=f"<@{user}> recorded: *{request.control}* {result.decision.verdict} for *{where}*.",
                )
            publish_home(client, services, user)

        services.after_ack(announce)

    return handle


def make_propose(services: SlackServices) -> Any:
    """Listener for ``view_submission`` of the ``propose_decision`` modal: post it for a decider."""

    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        values, meta = read_submission(view)
        errors = decisions.validate(services.store, request_from(values, user_id=user, permalink="", key=""))
        if errors:
            ack(response_action="errors", errors=modal_errors(errors))
            return
        ack()
        proposal = {
            k: values.get(k, "") for k in ("control", "verdict", "justification_type", "justification", "evidence")
        }
        proposal["system"] = "" if values.get("system") in ("", ORGANISATION) else values["system"]
        if not meta.get("channel"):
            return

        def post() -> None:
            client.chat_postMessage(
                channel=meta["channel"],
                thread_ts=meta.get("thread_ts") or None,
                text=f"Proposed decision for {proposal['control']} (needs a decider's confirmation)",
                blocks=proposal_blocks(proposal, user),
            )

        services.after_ack(post)

    return handle
