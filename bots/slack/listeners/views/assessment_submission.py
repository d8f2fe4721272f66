"""Impact assessment modal submitted: the graph validates and says who may record (refusals shown in the modal).

The ack carries the modal's errors, so the checks and the write happen before it; the confirmation, with
the system's assessment status, follows after it, to the user alone.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.assessment_flow import record_and_confirm, submission_errors, submission_from
from bots.slack.decision_flow import modal_errors
from bots.slack.implementation_flow import tell_privately
from bots.slack.listeners.views.assessment_modal_builder import SubmittedValues
from bots.slack.services import SlackServices
from graph.compliance.decisions import DecisionError


def make_handler(services: SlackServices) -> Any:
    """Listener for ``view_submission`` of the ``record_impact_assessment`` modal."""

    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        meta = SubmittedValues.metadata(view)
        submission = submission_from(SubmittedValues(view.get("state", {})), meta, user_id=user)
        errors = submission_errors(services, submission)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        try:
            _, text = record_and_confirm(services, submission)
        except DecisionError as exc:
            ack(response_action="errors", errors=modal_errors(exc.errors, block_for=submission.block_for))
            return
        ack()
        services.after_ack(
            lambda: tell_privately(
                client, user, text, channel=meta.get("channel", ""), thread_ts=meta.get("thread_ts", "")
            )
        )

    return handle
