"""The App Home tab: the compliance overview, its coverage chart and the proposals waiting, for one user."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bots.slack.charts import REFUSED, not_attached, organisation_chart
from bots.slack.listeners.views.home_builder import home_view
from bots.slack.services import SlackServices
from graph.compliance.overview import overview
from graph.compliance.proposals import pending

logger = logging.getLogger("aims.slack")

# Slack caps a section at 3,000 characters: the Home names the systems furthest behind, not all of them.
SYSTEMS_SHOWN = 12


def publish_home(client: WebClient, services: SlackServices, user_id: str) -> None:
    """Build and publish the Home tab for one user (a decider also gets Confirm / Reject on proposals).

    The coverage chart is uploaded first (once per picture); if Slack refuses the view because of the
    picture, the Home is published again with a line saying the chart could not be attached.
    """
    summary = overview(services.store, services.today(), systems_shown=SYSTEMS_SHOWN)
    waiting = pending(services.store)
    decider = services.may_decide(user_id)
    chart = organisation_chart(client, services)
    try:
        client.views_publish(user_id=user_id, view=home_view(summary, waiting, decider=decider, chart=chart.as_block()))
    except SlackApiError as exc:
        if chart.block is None or exc.response.get("error") != "invalid_blocks":
            raise
        logger.warning("Slack refused the Home chart %s: %s", chart.file_id, exc.response.get("errors"))
        services.uploaded.forget(chart.file_id)
        view = home_view(summary, waiting, decider=decider, chart=not_attached(REFUSED).as_block())
        client.views_publish(user_id=user_id, view=view)
