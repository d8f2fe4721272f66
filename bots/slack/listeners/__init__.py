"""``register(app, services)``: the one place that wires every handler to the bolt app."""

from __future__ import annotations

from slack_bolt import App

from bots.slack.listeners.actions import confirm_proposal, record_decision, show_evidence, show_query
from bots.slack.listeners.commands import aims_command
from bots.slack.listeners.events import app_home_opened, app_mention, assistant_thread, message
from bots.slack.listeners.shortcuts import record_as_decision
from bots.slack.listeners.views import decision_submission
from bots.slack.services import SlackServices


def register(app: App, services: SlackServices) -> None:
    """Attach all listeners. Answers run lazily after the ack, so Slack's 3-second limit is always met."""
    app.use(assistant_thread.build_assistant(services))
    app.event("app_mention")(ack=app_mention.acknowledge, lazy=[app_mention.make_answer(services)])
    app.event("message")(ack=message.acknowledge, lazy=[message.make_answer(services)])
    app.event("app_home_opened")(app_home_opened.make_handler(services))
    app.action("record_decision")(record_decision.make_handler(services))
    app.action("show_evidence")(show_evidence.make_handler(services))
    app.action("show_query")(show_query.make_handler(services))
    app.action("confirm_proposal")(confirm_proposal.make_handler(services))
    app.shortcut("record_as_decision")(record_as_decision.make_handler(services))
    app.view("record_decision")(decision_submission.make_record(services))
    app.view("propose_decision")(decision_submission.make_propose(services))
    app.command("/aims")(ack=aims_command.acknowledge, lazy=[aims_command.make_handler(services)])
