"""Impact assessment modal submitted: the graph validates and says who may record (refusals shown in the modal).

The ack carries the modal's errors, so the checks and the write happen before it; the confirmation, with
the system's assessment status, follows after it, to the user alone.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.assessment_flow import record_and_confirm, submission_errors, submission_from
from bots.slack.listeners.views.assessment_modal_builder import SubmittedValues
from bots.slack.modal_submission import settle_submission
from bots.slack.services import SlackServices


def make_handler(services: SlackServices) -> Any:
    """Listener for ``view_submission`` of the ``record_impact_assessment`` modal."""

    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        meta = SubmittedValues.metadata(view)
        submission = submission_from(SubmittedValues(view.get("state", {})), meta, user_id=user)
        settle_submission(
            ack,
            client,
            services,
            user=user,
            meta=meta,
            errors=submission_errors(services, submission),
            record=lambda: record_and_confirm(services, submission)[1],
            block_for=submission.block_for,
        )

    return handle
