"""Text for ``/aims soa`` and ``/aims gap``: an SoA summary and the top of the roadmap, as Slack mrkdwn."""

from __future__ import annotations

from collections.abc import Sequence

from bots.slack.mrkdwn import capped, escape
from graph.compliance.gap import GapItem
from graph.compliance.soa import SoaRow, SoaTally

DECIDED_SHOWN = 20


def soa_summary(system: str, rows: Sequence[SoaRow], counts: SoaTally) -> str:
    """The SoA of one system: the counts, then the controls decided so far."""
    summary = f"{counts.applicable} applicable, {counts.not_applicable} not applicable, {counts.undecided} open"
    lines = [f"*SoA for {escape(system)}*: {summary}"]
    lines += [f"• {escape(r.control)} {escape(r.title)}: {r.verdict}" for r in rows if r.verdict != "no decision"][
        :DECIDED_SHOWN
    ]
    return capped("\n".join(lines), more="`aims soa --system NAME` for every control")


def gap_summary(items: Sequence[GapItem]) -> str:
    """The first lines of the roadmap, each with its reason."""
    lines = ["*Top of the roadmap*"] + [
        f"{g.priority}. [{escape(g.kind)}] {escape(g.subject)}: {escape(g.reason)}" for g in items
    ]
    return capped("\n".join(lines), more="`aims gap` for all of it")
