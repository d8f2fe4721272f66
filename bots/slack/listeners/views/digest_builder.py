"""Block Kit for the weekly digest, and the same digest as plain lines (the fallback text and ``--dry-run``).

Each section comes with a way to act where there is one: a system's undecided controls with a button to
its SoA, the overdue items with a button to the roadmap, lapsing evidence with a link to the item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bots.slack.limits import HEADER_TEXT, MESSAGE_BLOCKS, capped_blocks, plain_text
from bots.slack.listeners.views.reminder_builder import when
from bots.slack.listeners.views.report_builder import SHOW_GAP, SHOW_SOA, system_value
from bots.slack.mrkdwn import Block, button, escape, fallback, link, mention, mrkdwn_sections, section
from graph.compliance.digest import Digest
from graph.compliance.reminders import Reminder

# Systems shown one per line with a button to their SoA; the rest are counted on one line.
SYSTEMS_WITH_BUTTONS = 15
# Lines per list before "and N more".
LIST_LINES = 25


def digest_title(digest: Digest) -> str:
    """``Compliance digest, week 2026-W49``."""
    return f"Compliance digest, week {digest.week}"


def digest_summary(digest: Digest) -> str:
    """One line of counts: what needs doing this week."""
    undecided = sum(n for _, n in digest.undecided)
    return (
        f"{len(digest.expired)} expired and {len(digest.expiring)} expiring evidence items, "
        f"{len(digest.decisions)} decisions this week, {undecided} undecided controls, "
        f"{len(digest.overdue)} overdue items, {len(digest.unreachable)} owners who cannot be reminded."
    )


def digest_lines(digest: Digest) -> list[str]:
    """The digest as plain lines, unescaped: for a terminal (``--dry-run``) and for the message's fallback."""
    today = dt.date.fromisoformat(digest.today)
    lines = [digest_title(digest), digest_summary(digest)]

    def listing(heading: str, items: Sequence[str]) -> None:
        if items:
            lines.append(f"{heading}:")
            lines.extend(f"- {i}" for i in items)

    listing("Expired evidence", [_plain_item(r, today) for r in digest.expired])
    listing("Expiring evidence", [_plain_item(r, today) for r in digest.expiring])
    listing(
        "Decisions this week",
        [f"{d.control} {d.verdict} for {d.system or 'the organisation'}, by {d.decided_by}" for d in digest.decisions],
    )
    listing("Controls still undecided", [f"{s}: {n}" for s, n in digest.undecided])
    listing("Overdue", list(digest.overdue))
    listing("Cannot be reminded (no Slack id or e-mail)", list(digest.unreachable))
    return lines


def _plain_item(reminder: Reminder, today: dt.date) -> str:
    return f"{reminder.title} ({reminder.owner or 'no owner'}) {when(reminder, today)}"


def digest_text(digest: Digest) -> str:
    """The message's top-level text: the title and the counts, plain."""
    return fallback(f"{digest_title(digest)}: {digest_summary(digest)}")


def digest_blocks(digest: Digest) -> list[Block]:
    """The digest as one message: a header, the counts, then each section that has something in it."""
    today = dt.date.fromisoformat(digest.today)
    blocks: list[Block] = [
        {"type": "header", "text": plain_text(digest_title(digest), HEADER_TEXT)},
        section(escape(digest_summary(digest))),
    ]
    blocks += _evidence("Expired evidence", digest.expired, today)
    blocks += _evidence("Expiring evidence", digest.expiring, today)
    if digest.decisions:
        lines = [
            f"• {escape(d.control)} *{escape(d.verdict)}* for {escape(d.system or 'the organisation')}, "
            f"by {mention(d.decided_by)} ({escape(d.when[:10])})"
            for d in digest.decisions
        ]
        blocks += _listed("Decisions this week", lines)
    if digest.undecided:
        blocks.append(section("*Controls still undecided*"))
        shown = digest.undecided[:SYSTEMS_WITH_BUTTONS]
        for system, count in shown:
            block = section(f"• {escape(system)}: {count} control{'s' if count != 1 else ''} with no decision")
            value = system_value(system)
            if len(value) <= 2000:
                block["accessory"] = button("SoA", SHOW_SOA, value)
            blocks.append(block)
        rest = digest.undecided[SYSTEMS_WITH_BUTTONS:]
        if rest:
            blocks.append(section(f"• and {len(rest)} more systems with {sum(n for _, n in rest)} controls"))
    if digest.overdue:
        blocks += _listed("Overdue", [f"• {escape(o)}" for o in digest.overdue])
        blocks.append(
            {
                "type": "actions",
                "block_id": "digest_overdue",
                "elements": [button("Whole roadmap", SHOW_GAP, system_value(None))],
            }
        )
    if digest.unreachable:
        lines = [f"• {escape(o)}" for o in digest.unreachable]
        lines.append("_Give them a Slack id or an e-mail in the people section of the inventory._")
        blocks += _listed("Cannot be reminded", lines)
    if len(blocks) == 2:
        blocks.append(section("Nothing needs doing this week."))
    more = section("_(the digest is longer than one Slack message holds; cut here)_")
    return capped_blocks(blocks, MESSAGE_BLOCKS, more)


def _evidence(heading: str, items: Sequence[Reminder], today: dt.date) -> list[Block]:
    lines = [
        f"• {link(r.url, r.title)} ({escape(r.owner or 'no owner')}) {when(r, today)}; "
        f"{', '.join(escape(c) for c in r.controls)}"
        for r in items
    ]
    return _listed(heading, lines) if lines else []


def _listed(heading: str, lines: list[str]) -> list[Block]:
    kept = lines[:LIST_LINES]
    if len(lines) > LIST_LINES:
        kept.append(f"• and {len(lines) - LIST_LINES} more")
    return mrkdwn_sections([f"*{heading}* ({len(lines)})", *kept])
