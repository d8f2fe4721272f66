"""Block Kit for the App Home tab: SoA progress, recent decisions, lapsing evidence."""

from __future__ import annotations

from bots.slack.mrkdwn import Block, section
from graph.compliance.overview import Overview


def home_view(overview: Overview) -> Block:
    """App Home: SoA progress (a summary and the systems furthest behind), recent decisions, stale evidence."""
    lines = [f"*{s.name}*: {s.decided} decided, {s.suggested} suggested, {s.open} open" for s in overview.shown]
    if overview.systems:
        pairs = overview.systems * overview.controls
        summary = f"{overview.systems} AI systems; {overview.open_cells} of {pairs} system-control pairs open"
        if overview.systems > len(lines):
            summary += f"; the {len(lines)} with the most open controls:" if lines else "; every control decided."
        progress = "\n".join([summary, *lines])
    else:
        progress = "No AI systems in the inventory yet."
    recent = [f"{d.when[:10]} *{d.control}* on {d.system}: {d.verdict} (<@{d.decided_by}>)" for d in overview.recent]
    stale = [
        f"{e.title}: {'expired on' if e.status == 'expired' else 'expires on'} {e.valid_until}; "
        f"supports {', '.join(e.controls) or 'no control'}"
        for e in overview.lapsing[:8]
    ]
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Statement of Applicability progress"}},
        section(progress),
        {"type": "header", "text": {"type": "plain_text", "text": "Recent decisions"}},
        section("\n".join(recent) or "No decisions recorded yet."),
        {"type": "header", "text": {"type": "plain_text", "text": "Stale evidence"}},
        section("\n".join(stale) or "All evidence is current."),
    ]
    return {"type": "home", "blocks": blocks}
