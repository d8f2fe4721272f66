"""``register(app, services)``: the one place that wires every handler to the bolt app."""

from __future__ import annotations

import re

from slack_bolt import App

from bots.slack.listeners.actions import (
    confirm_proposal,
    evidence_reminder,
    record_assessment,
    record_decision,
    record_implementation,
    reject_proposal,
    show_all_rows,
    show_evidence,
    show_more,
    show_query,
    show_reports,
)
from bots.slack.listeners.commands import aims_command
from bots.slack.listeners.events import app_home_opened, app_mention, assistant_thread, message
from bots.slack.listeners.shortcuts import record_as_decision
from bots.slack.listeners.views import (
    acceptance_submission,
    assessment_submission,
    decision_submission,
    implementation_submission,
    reject_submission,
    renewal_submission,
)
from bots.slack.listeners.views.acceptance_modal_builder import CALLBACK_ID as ACCEPTANCE_MODAL
from bots.slack.listeners.views.assessment_modal_builder import BUTTON_ACTION as ASSESSMENT_BUTTON
from bots.slack.listeners.views.assessment_modal_builder import CALLBACK_ID as ASSESSMENT_MODAL
from bots.slack.listeners.views.implementation_modal_builder import BUTTON_ACTION as IMPLEMENTATION_BUTTON
from bots.slack.listeners.views.implementation_modal_builder import CALLBACK_ID as IMPLEMENTATION_MODAL
from bots.slack.listeners.views.reminder_builder import DISOWN, RENEW, SNOOZE
from bots.slack.services import SlackServices


def register(app: App, services: SlackServices) -> None:
    """Attach all listeners. Answers run lazily after the ack, so Slack's 3-second limit is always met."""
    app.use(assistant_thread.build_assistant(services))
    app.event("app_mention")(ack=app_mention.acknowledge, lazy=[app_mention.make_answer(services)])
    app.event("message")(ack=message.acknowledge, lazy=[message.make_answer(services)])
    app.event("app_home_opened")(app_home_opened.make_handler(services))
    # Several buttons of one kind in one message carry their control: ``record_decision:A.7.4``.
    app.action(re.compile(r"^record_decision(:.+)?$"))(record_decision.make_handler(services))
    app.action(IMPLEMENTATION_BUTTON)(record_implementation.make_handler(services))
    app.action(ASSESSMENT_BUTTON)(record_assessment.make_handler(services))
    app.action(re.compile(r"^show_evidence(:.+)?$"))(show_evidence.make_handler(services))
    app.action("show_query")(show_query.make_handler(services))
    app.action("show_more")(show_more.make_handler(services))
    app.action("show_all_rows")(show_all_rows.make_handler(services))
    app.action("show_gap")(show_reports.make_gap(services))
    app.action("show_soa")(show_reports.make_soa(services))
    app.action(re.compile(r"^show_open_controls(:.+)?$"))(show_reports.make_open_controls(services))
    app.action("confirm_proposal")(confirm_proposal.make_handler(services))
    app.action("reject_proposal")(reject_proposal.make_handler(services))
    app.shortcut("record_as_decision")(record_as_decision.make_handler(services))
    app.view("record_decision")(decision_submission.make_record(services))
    app.view("propose_decision")(decision_submission.make_propose(services))
    app.view(IMPLEMENTATION_MODAL)(implementation_submission.make_handler(services))
    app.view(ASSESSMENT_MODAL)(assessment_submission.make_handler(services))
    app.view(ACCEPTANCE_MODAL)(acceptance_submission.make_handler(services))
    app.view("reject_proposal")(reject_submission.make_handler(services))
    app.action(RENEW)(evidence_reminder.make_renew(services))
    app.action(SNOOZE)(evidence_reminder.make_snooze(services))
    app.action(DISOWN)(evidence_reminder.make_disown(services))
    app.view(RENEW)(renewal_submission.make_handler(services))
    app.command("/aims")(ack=aims_command.acknowledge, lazy=[aims_command.make_handler(services)])
