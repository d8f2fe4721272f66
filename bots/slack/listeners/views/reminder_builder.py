"""Block Kit for evidence reminders: the owner's DM, the escalation, the *Renewed* modal, and reading it back.

Pure functions: the sending (``bots.slack.reminders``) and the listeners put these on the wire. Every
name, title and link comes from the inventory, so it is escaped; a link is only made of an http(s) URL.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bots.slack.limits import BUTTON_VALUE, MODAL_TITLE, plain_text
from bots.slack.mrkdwn import Block, button, escape, fallback, link, mention, mrkdwn_sections
from graph.compliance.reminders import Reminder

RENEW = "renew_evidence"
SNOOZE = "snooze_evidence"
DISOWN = "disown_evidence"
SNOOZE_DAYS = 7
# Slack's limit on a view's private_metadata; the title kept there for the confirmation is cut to fit.
METADATA = 3000
TITLE_KEPT = 300
URL_INPUT = 3000


def reminder_value(reminder: Reminder) -> str:
    """The value of a reminder's buttons: which evidence and whose, and (when they fit) its title, link and date.

    The owner is there to check who presses; the rest lets the *Renewed* modal show the item.
    """
    whole = {
        "evidence": reminder.evidence,
        "owner": reminder.owner[:200],
        "title": reminder.title[:TITLE_KEPT],
        "url": reminder.url,
        "valid_until": reminder.valid_until,
    }
    value = json.dumps(whole)
    if len(value) > BUTTON_VALUE:  # an outsize link or IRI: keep what the listeners need
        value = json.dumps({k: whole[k] for k in ("evidence", "owner", "title", "valid_until")})
    return value


@dataclass(frozen=True)
class Pressed:
    """What a reminder button says about its item."""

    evidence: str
    owner: str
    title: str
    url: str
    valid_until: str


def read_value(action: dict[str, Any]) -> Pressed:
    """The item a reminder button carries; ``evidence`` is "" when the value is unreadable."""
    try:
        value = json.loads(action.get("value") or "{}")
    except ValueError:
        value = {}
    if not isinstance(value, dict):
        value = {}
    fields = ("evidence", "owner", "title", "url", "valid_until")
    return Pressed(*(str(value.get(f) or "") for f in fields))


def when(reminder: Reminder, today: dt.date) -> str:
    """``expired on 2026-09-14 (80 days ago)`` or ``expires on 2026-12-31 (in 28 days)``."""
    try:
        until = dt.date.fromisoformat(reminder.valid_until)
    except ValueError:
        return f"{reminder.threshold} (valid until {escape(reminder.valid_until) or 'no date'})"
    days = (until - today).days
    if reminder.threshold == "expired" or days < 0:
        ago = "today" if days == 0 else f"{-days} day{'s' if days != -1 else ''} ago"
        return f"expired on {until.isoformat()} ({ago})"
    ahead = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
    return f"expires on {until.isoformat()} ({ahead})"


def supports(reminder: Reminder) -> str:
    """What the evidence supports, as mrkdwn: ``Supports A.6.2.8 for Support chatbot.``."""
    controls = ", ".join(escape(c) for c in reminder.controls) or "no control"
    systems = ", ".join(escape(s) for s in reminder.systems) or "the whole organisation"
    return f"Supports {controls} for {systems}."


def _item(reminder: Reminder) -> str:
    return f"*{link(reminder.url, reminder.title)}*"


def reminder_message(reminder: Reminder, today: dt.date) -> tuple[str, list[Block]]:
    """The DM to an evidence owner: the item, its date, what it supports, and *Renewed* / *Snooze* / *Not mine*."""
    heading = "Evidence has expired" if reminder.threshold == "expired" else "Evidence expires soon"
    lines = [
        f"*{heading}*: {_item(reminder)} {when(reminder, today)}.",
        supports(reminder),
        "You are its owner in the inventory. Renewed it? Record the new dates. Not yours? Say so, and the "
        "compliance team will find its owner.",
    ]
    value = reminder_value(reminder)
    actions = {
        "type": "actions",
        "block_id": "reminder_actions",
        "elements": [
            button("Renewed", RENEW, value, style="primary"),
            button(f"Snooze {SNOOZE_DAYS} days", SNOOZE, value),
            button("Not mine", DISOWN, value),
        ],
    }
    text = fallback(f"{heading}: {reminder.title} {when(reminder, today)}")
    return text, [*mrkdwn_sections(lines), actions]


def escalation_message(reminder: Reminder, today: dt.date, owner_id: str | None) -> tuple[str, list[Block]]:
    """The compliance channel's copy of an expired item: who owns it and whether they could be told."""
    owner = mention(owner_id) if owner_id else f"*{escape(reminder.owner or 'nobody')}*"
    told = "and was sent a reminder" if owner_id else "and cannot be reminded in Slack (no Slack id or e-mail)"
    lines = [
        f"*Expired evidence*: {_item(reminder)} {when(reminder, today)}.",
        supports(reminder),
        f"Its owner is {owner}, {told}.",
    ]
    actions = {
        "type": "actions",
        "block_id": "escalation_actions",
        "elements": [button("Renewed", RENEW, reminder_value(reminder), style="primary")],
    }
    text = fallback(f"Expired evidence: {reminder.title} {when(reminder, today)}")
    return text, [*mrkdwn_sections(lines), actions]


def settled_message(title: str, url: str, what: str) -> tuple[str, list[Block]]:
    """A reminder once acted on: what happened instead of the buttons (``what`` is mrkdwn)."""
    line = f"{link(url, title)}: {what}"
    return fallback(f"{title}: done"), mrkdwn_sections([line])


def renew_modal(item: Pressed, meta: dict[str, str]) -> Block:
    """The *Renewed* modal: the new valid-until date, and optionally the date it took effect and its link.

    ``meta`` (where the reminder was: channel, message ts, permalink) comes back with the submission.
    """
    evidence, owner, title, url, valid_until = item.evidence, item.owner, item.title, item.url, item.valid_until
    metadata = {"evidence": evidence, "owner": owner[:200], "title": title[:TITLE_KEPT], "url": "", **meta}
    if len(url) <= 1000:
        metadata["url"] = url
    private = json.dumps(metadata)
    if len(private) > METADATA:  # an outsize IRI: keep what the submission needs
        private = json.dumps({"evidence": evidence, "owner": owner[:200]})
    url_input: Block = {"type": "plain_text_input", "action_id": "value", "max_length": URL_INPUT}
    if url and len(url) <= URL_INPUT:
        url_input["initial_value"] = url
    intro = f"{link(url, title)}: in force until {escape(valid_until or 'no date')}."
    return {
        "type": "modal",
        "callback_id": RENEW,
        "title": plain_text("Renew evidence", MODAL_TITLE),
        "submit": {"type": "plain_text", "text": "Record"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": private,
        "blocks": [
            *mrkdwn_sections([intro]),
            _input("valid_until", "Valid until", {"type": "datepicker", "action_id": "value"}),
            _input("effective", "In effect from", {"type": "datepicker", "action_id": "value"}, optional=True),
            _input("url", "Link to the renewed evidence", url_input, optional=True),
        ],
    }


def _input(block_id: str, label: str, element: Block, *, optional: bool = False) -> Block:
    block: Block = {"type": "input", "block_id": block_id, "label": plain_text(label, 2000), "element": element}
    if optional:
        block["optional"] = True
    return block


@dataclass(frozen=True)
class Renewal:
    """What the *Renewed* modal asks to record."""

    evidence: str
    owner: str
    title: str
    url: str
    valid_until: dt.date
    effective: dt.date | None
    new_url: str | None
    meta: dict[str, str]


def read_renewal(view: dict[str, Any], today: dt.date) -> tuple[Renewal | None, dict[str, str]]:
    """The renewal a submitted modal asks for, or the errors to show in it by block id.

    The new validity must end after ``today`` and after the date it took effect; a link must be http(s).
    """
    values = view.get("state", {}).get("values", {})

    def element(block: str) -> dict[str, Any]:
        found = values.get(block, {}).get("value")
        return found if isinstance(found, dict) else {}

    errors: dict[str, str] = {}
    until = _date(element("valid_until").get("selected_date"))
    effective = _date(element("effective").get("selected_date"))
    new_url = (element("url").get("value") or "").strip() or None
    if until is None:
        errors["valid_until"] = "Pick the date the renewed evidence is valid until."
    elif until <= today:
        errors["valid_until"] = f"The new date must be after today ({today.isoformat()})."
    if effective and until and effective > until:
        errors["effective"] = "The evidence cannot take effect after it stops being valid."
    if new_url is not None and not _web_link(new_url):
        errors["url"] = "A link starts with http:// or https:// and names a host."
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        meta = {}
    if not isinstance(meta, dict) or not meta.get("evidence"):
        errors["valid_until"] = "This form no longer says which evidence it renews; press *Renewed* again."
        meta = {}
    if errors or until is None:
        return None, errors
    kept = {k: str(v) for k, v in meta.items()}
    renewal = Renewal(
        evidence=kept.pop("evidence"),
        owner=kept.pop("owner", ""),
        title=kept.pop("title", "") or "The evidence",
        url=kept.pop("url", ""),
        valid_until=until,
        effective=effective,
        new_url=new_url,
        meta=kept,
    )
    return renewal, {}


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _web_link(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and not any(c.isspace() for c in url)
