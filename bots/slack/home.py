"""The App Home tab: the compliance overview and the proposals waiting, from the graph, for one user."""

from __future__ import annotations

import datetime as dt

from slack_sdk import WebClient

from bots.slack.listeners.views.home_builder import home_view
from bots.slack.services import SlackServices
from graph.compliance.overview import overview
from graph.compliance.proposals import pending

# Slack caps a section at 3,000 characters: the Home names the systems furthest behind, not all of them.
SYSTEMS_SHOWN = 12


def publish_home(client: WebClient, services: SlackServices, user_id: str) -> None:
    """Build and publish the Home tab for one user (a decider also gets Confirm / Reject on proposals)."""
    summary = overview(services.store, dt.date.today(), systems_shown=SYSTEMS_SHOWN)
    view = home_view(summary, pending(services.store), decider=services.may_decide(user_id))
    client.views_publish(user_id=user_id, view=view)
