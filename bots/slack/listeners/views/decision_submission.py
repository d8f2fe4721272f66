"""Decision modal submitted: the graph validates (refusals shown in the modal), then record or propose.

A proposal is kept in the graph and sent to the deciders (``bots.slack.proposal_flow``).

The ack carries the modal's errors, so validation and the write happen before it; the confirmation
message and the Home refresh follow after it.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.decision_flow import (
    modal_errors,
    proposed_justification,
    read_submission,
    request_from,
    warnings_text,
)
from bots.slack.home import publish_home
from bots.slack.mrkdwn import escape, mention
from bots.slack.proposal_flow import deliver, tell
from bots.slack.services import SlackServices
from graph.compliance import decisions, proposals
from graph.compliance.consistency import warnings_for

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
        # Read before the write: they are about the graph the decider saw, and they never block.
        warned = warnings_text(warnings_for(services.store, request))
        try:
            result = decisions.record(services.store, request)
        except decisions.DecisionError as exc:
            ack(response_action="errors", errors=modal_errors(exc.errors))
            return
        ack()

        def announce() -> None:
            if result.created and meta.get("channel"):
                where = request.system or "the organisation"
                text = (
                    f"{mention(user)} recorded: *{escape(request.control)}* {result.decision.verdict} "
                    f"for *{escape(where)}*."
                ) + (f"\n{warned}" if warned else "")
                if meta.get("private"):  # opened from a reply only this user sees: confirm it the same way
                    tell(client, user, text, channel=meta["channel"], thread_ts=meta.get("thread_ts", ""))
                else:
                    client.chat_postMessage(channel=meta["channel"], thread_ts=meta.get("thread_ts") or None, text=text)
            elif result.created and warned:  # opened where there is no thread to confirm in (the Home tab)
                tell(
                    client,
                    user,
                    f"{escape(request.control)} for {escape(request.system or 'the organisation')}: {warned}",
                )
            publish_home(client, services, user)

        services.after_ack(announce)

    return handle


def make_propose(services: SlackServices) -> Any:
    """Listener for ``view_submission`` of the ``propose_decision`` modal: keep it, then send it to the deciders."""

    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        values, meta = read_submission(view)
        # Valid as written, and still valid once confirmed, when the proposer's name is added to the justification.
        as_confirmed = {**values, "justification": proposed_justification(values.get("justification", ""), user)}
        request = request_from(values, user_id=user, permalink="", key="")
        errors = decisions.validate(services.store, request) or decisions.validate(
            services.store, request_from(as_confirmed, user_id=user, permalink="", key="")
        )
        if errors:
            ack(response_action="errors", errors=modal_errors(errors))
            return
        try:
            proposal = proposals.propose(services.store, request)
        except decisions.DecisionError as exc:
            ack(response_action="errors", errors=modal_errors(exc.errors))
            return
        ack()
        services.after_ack(
            lambda: deliver(
                client, services, proposal, channel=meta.get("channel", ""), thread_ts=meta.get("thread_ts", "")
            )
        )

    return handle
