"""The end every record-keeping modal's submission shares: refusals beside their fields, else write, ack, confirm.

Slack wants the modal's errors in the ack itself, so the checks and the write come before it; the
confirmation follows after it, to the person alone (``tell_privately``). The implementation, impact
assessment and risk acceptance modals differ only in what they check and record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.decision_flow import modal_errors
from bots.slack.implementation_flow import tell_privately
from bots.slack.services import SlackServices
from graph.compliance.decisions import DecisionError


def settle_submission(
    ack: Ack,
    client: WebClient,
    services: SlackServices,
    *,
    user: str,
    meta: Mapping[str, str],
    errors: Mapping[str, str],
    record: Callable[[], str],
    block_for: Callable[[str], str],
) -> None:
    """Answer a submitted modal: ``errors`` (block id -> message) if any, else ``record()`` and confirm its text.

    A refusal the graph raises while recording (``DecisionError`` and its kinds) is shown beside its fields
    too, and nothing was written.
    """
    if errors:
        ack(response_action="errors", errors=dict(errors))
        return
    try:
        text = record()
    except DecisionError as exc:
        ack(response_action="errors", errors=modal_errors(exc.errors, block_for=block_for))
        return
    ack()
    channel, thread_ts = meta.get("channel", ""), meta.get("thread_ts", "")
    services.after_ack(lambda: tell_privately(client, user, text, channel=channel, thread_ts=thread_ts))
