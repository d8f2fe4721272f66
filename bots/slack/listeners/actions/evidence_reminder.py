"""The buttons of an evidence reminder: *Renewed* (opens a modal), *Snooze 7 days* and *Not mine*.

Only the item's owner (as the inventory names them) or a decider may act on it; anyone else is told so,
privately. What is decided is written to the graph (``graph.compliance.reminders``) before the reminder
is replaced by what happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.answering import thread_of
from bots.slack.listeners.views.reminder_builder import SNOOZE_DAYS, Pressed, read_value, renew_modal, settled_message
from bots.slack.mrkdwn import escape, link, mention
from bots.slack.proposal_flow import tell
from bots.slack.services import SlackServices
from graph.compliance.reminders import ReminderError, disown, owner_of, person_by_name, snooze

NOT_YOURS = "Only the owner of this evidence, or a decider, can do that."


def may_act(services: SlackServices, user: str, owner: str) -> bool:
    """Whether ``user`` may renew, snooze or disown evidence owned by ``owner`` (a name of the inventory)."""
    if services.may_decide(user):
        return True
    person = person_by_name(services.store, owner) if owner else None
    return person is not None and person.slack_id == user


def _checked(
    services: SlackServices, client: WebClient, body: dict[str, Any], action: dict[str, Any]
) -> Pressed | None:
    """The item a button names, if the presser may act on it; otherwise they are told why not."""
    item = read_value(action)
    user = body["user"]["id"]
    channel, _ = thread_of(body)
    if not item.evidence:
        return None
    # The owner is read from the graph: the button's copy of it only serves the message's wording.
    if not may_act(services, user, owner_of(services.store, item.evidence)):
        tell(client, user, NOT_YOURS, channel=channel)
        return None
    return item


def _settle(client: WebClient, body: dict[str, Any], item: Pressed, what: str) -> None:
    """Replace the reminder's buttons with what happened (``what`` is mrkdwn)."""
    channel = (body.get("channel") or {}).get("id", "")
    ts = (body.get("message") or {}).get("ts", "")
    if channel and ts:
        text, blocks = settled_message(item.title or "The evidence", item.url, what)
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)


def make_renew(services: SlackServices) -> Any:
    """Listener for *Renewed*: open the modal for the new validity (the trigger lasts 3 seconds, so first)."""

    def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        item = _checked(services, client, body, action)
        if item is None:
            return
        channel = (body.get("channel") or {}).get("id", "")
        ts = (body.get("message") or {}).get("ts", "")
        meta = {}
        if channel and ts:  # the renewal's provenance: the reminder it answers
            permalink = client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink", "") or ""
            meta = {"channel": channel, "message_ts": ts, "permalink": permalink}
        client.views_open(trigger_id=body["trigger_id"], view=renew_modal(item, meta))

    return handle


def _recorded(
    services: SlackServices,
    client: WebClient,
    body: dict[str, Any],
    action: dict[str, Any],
    write: Callable[[Pressed, str], None],
    refused: str,
) -> tuple[Pressed, str] | None:
    """Check the presser may act, then ``write(item, user)``; the item and user, or None after saying why not."""
    item = _checked(services, client, body, action)
    if item is None:
        return None
    user = body["user"]["id"]
    try:
        write(item, user)
    except ReminderError as exc:
        tell(client, user, f"{refused}: {escape(str(exc))}", channel=thread_of(body)[0])
        return None
    return item, user


def make_snooze(services: SlackServices) -> Any:
    """Listener for *Snooze 7 days*: no reminder about the item until then."""

    def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        until = dt.date.today() + dt.timedelta(days=SNOOZE_DAYS)

        def write(item: Pressed, user: str) -> None:
            snooze(services.store, item.evidence, until, by=user)

        if (done := _recorded(services, client, body, action, write, "Not snoozed")) is not None:
            item, user = done
            _settle(client, body, item, f"snoozed by {mention(user)} until {until.isoformat()}.")

    return handle


def make_disown(services: SlackServices) -> Any:
    """Listener for *Not mine*: recorded, and the compliance channel is asked to find the owner."""

    def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()

        def write(item: Pressed, user: str) -> None:
            disown(services.store, item.evidence, by=user)

        done = _recorded(services, client, body, action, write, "Not recorded")
        if done is None:
            return
        item, user = done
        told = ""
        if services.compliance_channel:
            what = link(item.url, item.title or "An evidence item")
            owner = escape(owner_of(services.store, item.evidence))
            client.chat_postMessage(
                channel=services.compliance_channel,
                text=f"{mention(user)} says {what} is not theirs (the inventory names {owner}). Who owns it?",
            )
            told = f" <#{services.compliance_channel}> was told." if _channel_id(services.compliance_channel) else ""
        _settle(client, body, item, f"{mention(user)} said it is not theirs.{told}")

    return handle


def _channel_id(channel: str) -> bool:
    """Whether ``channel`` is a channel id (``C...``/``G...``), which Slack can show as a link."""
    return bool(channel) and channel[0] in "CG" and channel.isalnum() and channel.isupper()
