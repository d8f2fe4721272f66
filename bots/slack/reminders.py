"""Sending evidence reminders: a DM to each owner, the expired ones to the compliance channel too.

What is due, and what was already sent, is the graph's to say (``graph.compliance.reminders``): a reminder
is recorded as sent right after it went out, so a second run, a restart or a cron job beside the bot
sends nothing twice. An owner with no reachable Slack id gets no DM; the digest lists them instead.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bots.slack.listeners.views.reminder_builder import escalation_message, reminder_message
from graph.compliance.reminders import Person, Reminder, cache_slack_id, due_reminders, record_sent
from graph.store import Store

logger = logging.getLogger("aims.slack")


@dataclass(frozen=True)
class Delivery:
    """One reminder's fate: sent (or, in a dry run, would be), failed, or nobody to send it to.

    Args:
        reminder: the reminder.
        owner_id: the owner's Slack id ("" when none is known; in a dry run, maybe their e-mail).
        escalated: the compliance channel it went (or would go) to, "" when none.
        error: what Slack refused, "" when everything went out.
    """

    reminder: Reminder
    owner_id: str
    escalated: str = ""
    error: str = ""

    @property
    def reached(self) -> bool:
        """Whether anyone was (or would be) told."""
        return bool(self.owner_id or self.escalated)

    def describe(self, *, dry_run: bool) -> str:
        """One plain line for the terminal: to whom, what."""
        r = self.reminder
        item = f"{r.title} ({r.threshold}, valid until {r.valid_until})"
        verb = "would send" if dry_run else "sent"
        failed = f" (failed: {self.error})" if self.error else ""
        parts = []
        if self.owner_id:
            parts.append(f"DM to {self.owner_id} ({r.owner})")
        if self.escalated:
            unreached = "" if self.owner_id else f" ({r.owner or 'no owner'} cannot be reminded)"
            parts.append(f"escalation to {self.escalated}{unreached}")
        if self.error and not parts:
            return f"failed: {item} for {r.owner or 'no owner'}{failed}"
        if not parts:
            return f"cannot be reminded: {r.owner or 'no owner'} (no Slack id or e-mail): {item}"
        return f"{verb} {' and '.join(parts)}: {item}{failed}"


class SlackIds:
    """Owners' Slack ids: from the inventory, else looked up once by e-mail and kept in the graph."""

    def __init__(self, client: WebClient | None, store: Store) -> None:
        self._client = client
        self._store = store
        self._by_email: dict[str, str] = {}

    def of(self, person: Person | None) -> str:
        """The Slack id to DM ``person`` at; "" when there is none (or, without a client, the e-mail to look up)."""
        if person is None:
            return ""
        if person.slack_id:
            return person.slack_id
        if not person.email:
            return ""
        if self._client is None:  # a dry run looks nothing up
            return f"{person.email} (looked up when sent)"
        if person.email not in self._by_email:
            self._by_email[person.email] = self._look_up(person)
        return self._by_email[person.email]

    def _look_up(self, person: Person) -> str:
        assert self._client is not None
        try:
            found = self._client.users_lookupByEmail(email=person.email)
        except SlackApiError as exc:
            # users_not_found is an answer (nobody has that e-mail); anything else (a missing scope) is logged.
            if exc.response.get("error") != "users_not_found":
                logger.warning("looking up %s by e-mail failed: %s", person.name, exc.response.get("error"))
            return ""
        user_id = str((found.get("user") or {}).get("id") or "")
        if user_id:
            cache_slack_id(self._store, person.iri, user_id)
        return user_id


def send_reminders(
    client: WebClient | None,
    store: Store,
    *,
    today: dt.date,
    within_days: int,
    compliance_channel: str = "",
    dry_run: bool = False,
) -> list[Delivery]:
    """Send every due reminder and record each one sent; with ``dry_run`` (or no client), only say what would go.

    Args:
        client: the Web API client (its retry handlers wait out 429s); None for a dry run.
        store: the graph: what is due, owners, and where sends are recorded.
        today: the day to judge expiry by.
        within_days: how far ahead "expiring" reaches.
        compliance_channel: where expired items are escalated; "" for nowhere.
        dry_run: send and record nothing.

    Returns:
        One delivery per due reminder, in the graph's order.
    """
    dry_run = dry_run or client is None
    ids = SlackIds(None if dry_run else client, store)
    done = []
    for reminder in due_reminders(store, today, within_days):
        owner_id = ids.of(reminder.person)
        escalate = compliance_channel if reminder.threshold == "expired" else ""
        delivery = Delivery(reminder, owner_id, escalate)
        if not dry_run and delivery.reached:
            assert client is not None
            delivery = _send(client, store, delivery, today)
        done.append(delivery)
    return done


def _send(client: WebClient, store: Store, delivery: Delivery, today: dt.date) -> Delivery:
    """Post the DM and the escalation, then record the reminder as sent if either went out.

    A failed post is logged and left unrecorded, so the next run tries again; a failed DM still escalates.
    """
    reminder, owner_id, escalated = delivery.reminder, delivery.owner_id, delivery.escalated
    where, errors = "", []
    if owner_id:
        text, blocks = reminder_message(reminder, today)
        try:
            where = _permalink(client, client.chat_postMessage(channel=owner_id, text=text, blocks=blocks).data)
        except SlackApiError as exc:  # a deactivated user, an id from another workspace
            errors.append(f"DM to {owner_id}: {exc.response.get('error') or exc}")
            owner_id = ""
    if escalated:
        text, blocks = escalation_message(reminder, today, owner_id or None)
        try:
            posted = client.chat_postMessage(channel=escalated, text=text, blocks=blocks).data
            where = where or _permalink(client, posted)
        except SlackApiError as exc:
            errors.append(f"escalation to {escalated}: {exc.response.get('error') or exc}")
            escalated = ""
    for error in errors:
        logger.warning("reminder about %s: %s failed", reminder.title, error)
    if owner_id or escalated:
        record_sent(store, reminder, to=owner_id or escalated, where=where or "slack")
    return Delivery(reminder, owner_id, escalated, "; ".join(errors))


def _permalink(client: WebClient, posted: Any) -> str:
    """A link to a posted message, for the record; "" when Slack does not give one."""
    if not isinstance(posted, dict) or not posted.get("ts"):
        return ""
    try:
        found = client.chat_getPermalink(channel=posted.get("channel", ""), message_ts=posted["ts"])
    except SlackApiError:
        return ""
    return str(found.get("permalink") or "")
