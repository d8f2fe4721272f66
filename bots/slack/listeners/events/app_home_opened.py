"""Home tab opened: publish SoA progress and its chart (after the ack). Messages tab opened: offer suggested prompts."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bots.slack.home import publish_home
from bots.slack.services import SlackServices

SUGGESTED_PROMPTS = [
    {"title": "Logging", "message": "Do we need to keep logs of what the model did?"},
    {"title": "Evidence", "message": "What evidence do we need for internal audit (9.2)?"},
    {"title": "Open decisions", "message": "Which controls have no decision yet for the support chatbot?"},
    {"title": "EU AI Act", "message": "What does A.5.2 map to in the EU AI Act?"},
]


def make_handler(services: SlackServices) -> Any:
    """Listener for ``app_home_opened``."""

    def handle(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") == "messages":
            client.assistant_threads_setSuggestedPrompts(channel_id=event["channel"], prompts=SUGGESTED_PROMPTS)
        else:  # after the ack: drawing and uploading the coverage chart can take longer than Slack waits
            user = event["user"]
            services.after_ack(lambda: publish_home(client, services, user))

    return handle
