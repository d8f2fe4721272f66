"""Block Kit for the SoA, the roadmap and a system's open controls: text plus buttons, never a command.

``/aims soa``, ``/aims gap`` and the buttons on an answer show these; where the terminal would say "run
``aims gap``", Slack gets a button that shows it. Lists are cut between lines, and a list longer than a
screen is paged (*Previous* / *Next* update the message in place).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from bots.slack.limits import BUTTON_VALUE
from bots.slack.mrkdwn import SECTION_LIMIT, Block, button, escape, mrkdwn_sections
from graph.compliance.gap_lines import GapItem
from graph.compliance.soa import INHERITED, SoaRow, SoaTally

OPEN_PAGE = 20
SHOW_OPEN = "show_open_controls"
SHOW_SOA = "show_soa"
SHOW_GAP = "show_gap"


def soa_summary(system: str, rows: Sequence[SoaRow], counts: SoaTally) -> str:
    """The SoA of one system (or the roll-up): the counts, then every control with its verdict, as mrkdwn.

    Cut between lines to one section; ``soa_blocks`` adds a button for the open controls of a long SoA.
    """
    summary = f"{counts.applicable} applicable, {counts.not_applicable} not applicable, {counts.undecided} open"
    lines = [f"*SoA for {escape(system)}*: {summary}"]
    lines += [f"• {escape(r.control)} {escape(r.title)}: {r.verdict}{_inherited(r)}{_work(r)}" for r in rows]
    return _whole_lines(lines)


def _work(row: SoaRow) -> str:
    """Where the work on an applicable control stands (``; planned, due ..., owner ...``), when recorded."""
    return f"; {escape(row.implementation)}" if row.implementation else ""


def _inherited(row: SoaRow) -> str:
    return f" ({INHERITED})" if row.basis == INHERITED else ""


def gap_summary(items: Sequence[GapItem]) -> str:
    """The first lines of the roadmap, each with its reason, as mrkdwn."""
    lines = ["*Top of the roadmap*"] + [gap_entry(g) for g in items]
    return _whole_lines(lines)


def gap_entry(g: GapItem) -> str:
    """One roadmap line as mrkdwn: what and why, then who acts, by when and the next step."""
    who = f"owner {escape(g.owner or 'unassigned')}, due {escape(g.due or 'not set')}"
    what = f"{g.priority}. [{escape(g.kind)}] {escape(g.subject)}: {escape(g.reason)}"
    return f"{what} _({who}; next: {escape(g.next_step)})_"


def soa_blocks(system: str | None, rows: Sequence[SoaRow], counts: SoaTally) -> list[Block]:
    """The SoA as a message, with buttons to the open controls and the gap of the system."""
    blocks = mrkdwn_sections(soa_summary(system or "the organisation", rows, counts).split("\n"))
    buttons = []
    if system and _fits(system) and counts.undecided:
        buttons.append(button(f"Open controls ({counts.undecided})", SHOW_OPEN, page_value(system, 0)))
    if system is None or _fits(system):
        buttons.append(button(f"Gap for {system}" if system else "Whole roadmap", "show_gap", system_value(system)))
    return [*blocks, {"type": "actions", "block_id": "soa_actions", "elements": buttons}]


def gap_blocks(system: str | None, items: Sequence[GapItem], total: int) -> list[Block]:
    """The top of the roadmap (of one system, or the whole), saying how much more there is."""
    heading = f"*Top of the roadmap{' for ' + escape(system) if system else ''}*"
    if not items:
        return mrkdwn_sections([f"{heading}: nothing is missing."])
    lines = [f"{heading}: the first {len(items)} of {total}" if total > len(items) else heading]
    lines += [gap_entry(g) for g in items]
    blocks = mrkdwn_sections(lines)
    if system and _fits(system):
        buttons = [button(f"Open controls of {system}", SHOW_OPEN, page_value(system, 0))]
        buttons.append(button(f"SoA for {system}", "show_soa", system_value(system)))
        blocks.append({"type": "actions", "block_id": "gap_actions", "elements": buttons})
    return blocks


def open_controls_blocks(system: str, rows: Sequence[SoaRow], page: int) -> list[Block]:
    """One page of the controls with no decision for ``system``, with *Previous* / *Next* buttons."""
    open_rows = [r for r in rows if r.verdict == "no decision"]
    pages = max(1, -(-len(open_rows) // OPEN_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = open_rows[page * OPEN_PAGE : (page + 1) * OPEN_PAGE]
    if not open_rows:
        return mrkdwn_sections([f"Every Annex A control has a decision for *{escape(system)}*."])
    where = f" (page {page + 1} of {pages})" if pages > 1 else ""
    lines = [f"*{len(open_rows)} controls with no decision for {escape(system)}*{where}"]
    lines += [f"• {escape(r.control)} {escape(r.title)}" for r in shown]
    blocks = mrkdwn_sections(lines)
    buttons = []
    if page > 0:
        buttons.append(button("Previous", f"{SHOW_OPEN}:previous", page_value(system, page - 1)))
    if page + 1 < pages:
        buttons.append(button("Next", f"{SHOW_OPEN}:next", page_value(system, page + 1)))
    if buttons:
        blocks.append({"type": "actions", "block_id": "open_controls_pages", "elements": buttons})
    return blocks


def page_value(system: str, page: int) -> str:
    """The value of a button showing page ``page`` of a system's open controls."""
    return json.dumps({"system": system, "page": page})


def system_value(system: str | None) -> str:
    """The value of a *Gap* or *SoA* button: the system's name (None: the whole organisation)."""
    return json.dumps({"system": system})


def _fits(system: str) -> bool:
    """Whether a system's name fits in a button's value with room to spare (an outsize name gets no button)."""
    return len(page_value(system, 0)) <= BUTTON_VALUE


def _whole_lines(lines: list[str]) -> str:
    """As many whole lines as one section holds, with an ellipsis line when some were left out."""
    kept: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) + 1 > SECTION_LIMIT - 10:
            kept.append("…")
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)
