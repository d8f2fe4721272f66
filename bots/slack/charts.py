"""Coverage charts in Slack: an SoA drawn as a PNG, uploaded to Slack, shown by an image block naming the file.

Never an external image URL: the picture is uploaded with Slack's files API (``uploads``) without sharing
it anywhere, and a message or the Home tab shows it through the image block's ``slack_file`` id, which Slack
allows for a file the poster (the bot) can see. PNG, because Slack does not show SVG inline. The same
picture is uploaded once (``SlackServices.uploaded``), so reopening the Home tab costs no upload until the
numbers change; old pictures are left in Slack, since a message or another person's Home may still show them.

Whatever goes wrong with the picture (drawing it, the upload, rate limits, Slack refusing the image), the
text still goes out, with a line saying the chart could not be attached and why.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bots.slack.limits import CONTEXT_TEXT, IMAGE_ALT, IMAGE_TITLE, plain_text, truncate
from bots.slack.mrkdwn import Block, escape
from bots.slack.services import SlackServices
from bots.slack.uploads import UploadError, file_slug, upload, wait_until_processed

logger = logging.getLogger("aims.slack")

NOT_DRAWN = "it could not be drawn"
NOT_PROCESSED = "Slack was still processing it"
REFUSED = "Slack did not accept the picture"


@dataclass(frozen=True)
class Chart:
    """A chart for a message or view: the image block showing the uploaded file, or why there is none."""

    file_id: str = ""
    block: Block | None = None
    notice: str = ""

    def as_block(self) -> Block | None:
        """The image block, else a context block with the notice, else None."""
        return self.block if self.block is not None else _notice_block(self.notice) if self.notice else None

    def placed(self, blocks: list[Block], at: int = 0) -> list[Block]:
        """``blocks`` with the image, or the notice, inserted at position ``at``."""
        extra = self.as_block()
        return blocks if extra is None else [*blocks[:at], extra, *blocks[at:]]


def not_attached(why: str) -> Chart:
    """No picture, and a line telling the reader so."""
    return Chart(notice=f"The coverage chart could not be attached: {why}. The figures are all in the text.")


def image_block(file_id: str, *, alt_text: str, title: str) -> Block:
    """An image block showing an uploaded Slack file by its id (Block Kit's ``slack_file``), never a URL."""
    return {
        "type": "image",
        "slack_file": {"id": file_id},
        "alt_text": truncate(alt_text, IMAGE_ALT) or "chart",
        "title": plain_text(title, IMAGE_TITLE),
    }


def system_chart(client: WebClient, services: SlackServices, system: str) -> Chart:
    """The coverage chart of one AI system (its 38 controls by state, its applicable ones by work done)."""
    from graph.publish.coverage_counts import system_coverage
    from graph.publish.coverage_png import system_chart as draw

    day = services.today()
    try:
        counts = system_coverage(services.store, system, day)
        png = draw(counts, day.isoformat())
    except Exception:  # a picture must never stop the answer it illustrates
        logger.exception("could not draw the coverage chart of %s", system)
        return not_attached(NOT_DRAWN)
    states = ", ".join(f"{n} {state}" for state, n in counts.states())
    work = ", ".join(f"{label} {n}" for label, n in counts.implementation)
    alt = f"SoA coverage of {counts.name} on {day.isoformat()}: {states}" + (
        f"; applicable controls by implementation: {work}" if work else ""
    )
    return attach(
        client,
        services,
        png,
        filename=f"soa-coverage-{file_slug(counts.name, 'system')}-{day.isoformat()}.png",
        title=f"SoA coverage: {counts.name}",
        alt_text=alt,
    )


def organisation_chart(client: WebClient, services: SlackServices) -> Chart:
    """The coverage chart of the AI systems with the most open work (at most 20), saying how many more there are."""
    from graph.publish.coverage_counts import organisation_coverage
    from graph.publish.coverage_png import organisation_chart as draw

    day = services.today()
    try:
        coverage = organisation_coverage(services.store, day)
        png = draw(coverage, day.isoformat())
    except Exception:  # a picture must never stop the view it illustrates
        logger.exception("could not draw the organisation's coverage chart")
        return not_attached(NOT_DRAWN)
    title = coverage.title
    lines = [f"{c.name}: " + ", ".join(f"{n} {state}" for state, n in c.states()) for c in coverage.systems]
    more = f"; and {coverage.not_shown:,} more AI systems" if coverage.not_shown else ""
    return attach(
        client,
        services,
        png,
        filename=f"soa-coverage-{day.isoformat()}.png",
        title=title,
        alt_text=f"{title}, on {day.isoformat()}. " + "; ".join(lines) + more,
    )


def attach(
    client: WebClient, services: SlackServices, png: bytes, *, filename: str, title: str, alt_text: str
) -> Chart:
    """Upload ``png`` privately (unless these very bytes were uploaded before) and the image block showing it."""
    file_id = services.uploaded.get(png)
    if file_id is None:
        try:
            file_id = upload(client, content=png, filename=filename, title=title).id
        except UploadError as exc:
            return not_attached(exc.reason)
        if not wait_until_processed(client, file_id):
            return not_attached(NOT_PROCESSED)
        services.uploaded.put(png, file_id)
    return Chart(file_id, image_block(file_id, alt_text=alt_text, title=title))


def respond_with_chart(
    respond: Callable[..., Any], services: SlackServices, chart: Chart, *, text: str, blocks: list[Block]
) -> None:
    """An ephemeral reply with the chart first; if Slack refuses the picture, the same reply with the notice."""
    reply = respond(text=text, blocks=chart.placed(blocks), response_type="ephemeral")
    if chart.block is not None and not _accepted(reply):
        logger.warning("Slack refused the chart %s: %s", chart.file_id, getattr(reply, "body", reply))
        services.uploaded.forget(chart.file_id)
        respond(text=text, blocks=not_attached(REFUSED).placed(blocks), response_type="ephemeral")


def _accepted(reply: Any) -> bool:
    """Whether a response_url post went through (HTTP 200, and not a JSON ``ok: false``)."""
    if getattr(reply, "status_code", 200) != 200:
        return False
    try:
        body = json.loads(getattr(reply, "body", "") or "{}")
    except ValueError:
        return True  # Slack's plain "ok"
    return not (isinstance(body, dict) and body.get("ok") is False)


def _notice_block(notice: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(escape(notice), CONTEXT_TEXT)}]}
