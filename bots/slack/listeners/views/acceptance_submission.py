"""Risk acceptance modal submitted: who accepts is the Slack user as the graph knows them, checked again here.

The ack carries the modal's errors, so the checks and the write happen before it; the confirmation
follows after it, to the user alone.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.acceptance_flow import accepter_of, record_and_confirm, submission_errors, submitted
from bots.slack.decision_flow import read_submission
from bots.slack.listeners.views.acceptance_modal_builder import block_of
from bots.slack.modal_submission import settle_submission
from bots.slack.services import SlackServices


def make_handler(services: SlackServices) -> Any:
    """Listener for ``view_submission`` of the ``accept_risk`` modal."""

    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        values, meta = read_submission(view)
        request, found = submitted(values, meta, user_id=user, who=accepter_of(services, user))
        settle_submission(
            ack,
            client,
            services,
            user=user,
            meta=meta,
            errors=submission_errors(services, request, found),
            record=lambda: record_and_confirm(services, request)[1],
            block_for=block_of,
        )

    return handle
