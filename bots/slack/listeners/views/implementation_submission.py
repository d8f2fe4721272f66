"""Implementation modal submitted: the graph validates and says who may record (refusals shown in the modal).

The ack carries the modal's errors, so the checks and the write happen before it; the confirmation, with
the consistency warnings, follows after it, to the user alone.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.decision_flow import read_submission
from bots.slack.implementation_flow import record_and_confirm, request_from, submission_errors
from bots.slack.listeners.views.implementation_modal_builder import block_of
from bots.slack.modal_submission import settle_submission
from bots.slack.services import SlackServices


def make_handler(services: SlackServices) -> Any:
    """Listener for ``view_submission`` of the ``record_implementation`` modal."""

    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        values, meta = read_submission(view)
        request = request_from(values, meta, user_id=user)
        settle_submission(
            ack,
            client,
            services,
            user=user,
            meta=meta,
            errors=submission_errors(services, request),
            record=lambda: record_and_confirm(services, request, services.today())[1],
            block_for=block_of,
        )

    return handle
