"""*Renewed* modal submitted: check the dates and link, record the renewal with provenance, then say so.

The ack carries the modal's errors, so the check and the write happen before it; replacing the reminder
with what was recorded follows after it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.listeners.actions.evidence_reminder import NOT_YOURS, may_act
from bots.slack.listeners.views.reminder_builder import read_renewal, settled_message
from bots.slack.mrkdwn import mention
from bots.slack.services import SlackServices
from graph.compliance.reminders import ReminderError, owner_of, renew


def make_handler(services: SlackServices) -> Any:
    """Listener for ``view_submission`` of the ``renew_evidence`` modal."""

    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        renewal, errors = read_renewal(view, dt.date.today())
        if renewal is not None and not may_act(services, user, owner_of(services.store, renewal.evidence)):
            renewal, errors = None, {"valid_until": NOT_YOURS}
        if renewal is None:
            ack(response_action="errors", errors=errors)
            return
        channel, ts = renewal.meta.get("channel", ""), renewal.meta.get("message_ts", "")
        via = renewal.meta.get("permalink") or "slack"
        try:
            renew(
                services.store,
                renewal.evidence,
                valid_until=renewal.valid_until,
                effective=renewal.effective,
                url=renewal.new_url,
                by=user,
                via=via,
            )
        except ReminderError as exc:
            ack(response_action="errors", errors={"valid_until": str(exc)[:300]})
            return
        ack()

        def announce() -> None:
            what = f"renewed by {mention(user)}, valid until {renewal.valid_until.isoformat()}."
            text, blocks = settled_message(renewal.title, renewal.new_url or renewal.url, what)
            if channel and ts:
                client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
            else:
                client.chat_postMessage(channel=user, text=text, blocks=blocks)

        services.after_ack(announce)

    return handle
