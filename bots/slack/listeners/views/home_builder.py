"""Block Kit for the App Home tab: SoA progress, recent decisions, lapsing evidence."""

from __future__ import annotations

from bots.slack.limits import HEADER_TEXT, VIEW_BLOCKS, capped_blocks, plain_text, truncate
from bots.slack.mrkdwn import Block, escape, mention, section
from graph.compliance.overview import Overview

# A stored name or title never takes more than this share of a section, so one outsize entry cannot fill it.
NAME_LIMIT = 200


def home_view(overview: Overview) -> Block:
    """App Home: SoA progress (a summary and the systems furthest behind), recent decisions, stale evidence."""
    lines = [f"*{_short(s.name)}*: {s.decided} decided, {s.suggested} suggested, {s.open} open" for s in overview.shown]
    if overview.systems:
        pairs = overview.systems * overview.controls
        summary = f"{overview.systems} AI systems; {overview.open_cells} of {pairs} system-control pairs open"
        if overview.systems > len(lines):
            summary += f"; the {len(lines)} with the most open controls:" if lines else "; every control decided."
        progress = "\n".join([summary, *lines])
    else:
        progress = "No AI systems in the inventory yet."
    recent = [
        f"{_short(d.when[:10])} *{_short(d.control)}* on {_short(d.system)}: {_short(d.verdict)} "
        f"({mention(d.decided_by) if len(d.decided_by) <= NAME_LIMIT else _short(d.decided_by)})"
        for d in overview.recent
    ]
    stale = [
        f"{_short(e.title)}: {'expired on' if e.status == 'expired' else 'expires on'} {_short(e.valid_until)}; "
        f"supports {_short(', '.join(e.controls)) or 'no control'}"
        for e in overview.lapsing[:8]
    ]
    blocks: list[Block] = [
        _header("Statement of Applicability progress"),
        section(progress, more=escape("`/aims soa <AI system>` for one system")),
        _header("Recent decisions"),
        section("\n".join(recent) or "No decisions recorded yet.", more=escape("`aims history <control>` for all")),
        _header("Stale evidence"),
        section("\n".join(stale) or "All evidence is current.", more="`/aims gap` for the roadmap"),
    ]
    more = section("_(more than Slack shows on one page: `/aims gap` lists the rest)_")
    return {"type": "home", "blocks": capped_blocks(blocks, VIEW_BLOCKS, more)}


def _short(text: str) -> str:
    """Stored text for mrkdwn: escaped, and cut so that one outsize name cannot fill a section."""
    return truncate(escape(text), NAME_LIMIT)


def _header(text: str) -> Block:
    return {"type": "header", "text": plain_text(text, HEADER_TEXT)}
