"""Block Kit for the App Home tab: proposals waiting, SoA progress per system, recent decisions, evidence.

Each system shown has buttons that open its SoA and its gap analysis in Slack, and a decider sees
*Confirm* / *Reject* beside each waiting proposal; nothing sends the reader to a terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

from bots.slack.limits import BUTTON_VALUE, HEADER_TEXT, VIEW_BLOCKS, capped_blocks, plain_text, truncate
from bots.slack.listeners.views.proposal_builder import proposal_actions, proposal_summary
from bots.slack.listeners.views.report_builder import SHOW_GAP, SHOW_SOA, system_value
from bots.slack.mrkdwn import Block, button, escape, mention, section
from graph.compliance.evidence import EXPIRING_DAYS, Lapsing
from graph.compliance.overview import Overview, SystemProgress
from graph.compliance.proposals import Proposal

# A stored name or title never takes more than this share of a section, so one outsize entry cannot fill it.
NAME_LIMIT = 200
EVIDENCE_SHOWN = 8


def home_view(
    overview: Overview, pending: Sequence[Proposal] = (), *, decider: bool = False, chart: Block | None = None
) -> Block:
    """App Home: waiting proposals (with buttons for a decider), SoA progress, recent decisions, evidence.

    ``chart`` (the coverage chart's image block, or the notice that it could not be attached) follows the
    progress summary.
    """
    blocks: list[Block] = [_header("Proposals waiting for a decider")]
    if pending:
        for proposal in pending:
            when = escape(proposal.proposed_at[:10])
            blocks.append(
                section(f"{proposal_summary(proposal)} ({when})\n>{_short(' '.join(proposal.justification.split()))}")
            )
            if decider:
                blocks.append(proposal_actions(proposal))
    else:
        blocks.append(section("No proposals are waiting."))
    blocks += [_header("Statement of Applicability progress"), section(_progress(overview))]
    if chart is not None:
        blocks.append(chart)
    for system in overview.shown:
        blocks += _system(system)
    recent = [
        f"{_short(d.when[:10])} *{_short(d.control)}* on {_short(d.system)}: {_short(d.verdict)} "
        f"({mention(d.decided_by) if len(d.decided_by) <= NAME_LIMIT else _short(d.decided_by)})"
        for d in overview.recent
    ]
    blocks += [
        _header("Recent decisions"),
        section("\n".join(recent) or "No decisions recorded yet."),
        _header("Evidence to renew"),
        section(_evidence(overview.lapsing)),
    ]
    more = section("_(more than Slack shows on one page: open a system's gap analysis for the rest)_")
    return {"type": "home", "blocks": capped_blocks(blocks, VIEW_BLOCKS, more)}


def _progress(overview: Overview) -> str:
    if not overview.systems:
        return "No AI systems in the inventory yet."
    pairs = overview.systems * overview.controls
    summary = f"{overview.systems} AI systems; {overview.open_cells} of {pairs} system-control pairs open"
    if overview.systems > len(overview.shown):
        summary += f"; the {len(overview.shown)} with the most open controls:" if overview.shown else "."
    return summary


def _system(system: SystemProgress) -> list[Block]:
    """One system's progress, with buttons to its SoA and gap analysis (left out for a name too long to carry)."""
    line = section(
        f"*{_short(system.name)}*: {system.decided} decided, {system.suggested} suggested, {system.open} open"
    )
    value = system_value(system.name)
    if len(value) > BUTTON_VALUE:
        return [line]
    # Handled by bots.slack.listeners.actions.show_reports, which posts the report in a DM from the Home tab.
    buttons = [button("SoA", SHOW_SOA, value), button("Gap analysis", SHOW_GAP, value)]
    return [line, {"type": "actions", "elements": buttons}]


def _evidence(lapsing: Sequence[Lapsing]) -> str:
    """Expired evidence first, then what expires within ``EXPIRING_DAYS`` days, each list counted."""
    parts = []
    for status, heading in (("expired", "Expired"), ("expiring", f"Expiring within {EXPIRING_DAYS} days")):
        items = [e for e in lapsing if e.status == status]
        if not items:
            continue
        lines = [
            f"• {_short(e.title)}: {'expired on' if status == 'expired' else 'expires on'} {_short(e.valid_until)}; "
            f"supports {_short(', '.join(e.controls)) or 'no control'}"
            for e in items[:EVIDENCE_SHOWN]
        ]
        more = f" ({len(items) - EVIDENCE_SHOWN} more in the gap analysis)" if len(items) > EVIDENCE_SHOWN else ""
        parts.append("\n".join([f"*{heading}* ({len(items)}){more}", *lines]))
    return "\n".join(parts) or "All evidence is current."


def _short(text: str) -> str:
    """Stored text for mrkdwn: escaped, and cut so that one outsize name cannot fill a section."""
    return truncate(escape(text), NAME_LIMIT)


def _header(text: str) -> Block:
    return {"type": "header", "text": plain_text(text, HEADER_TEXT)}
