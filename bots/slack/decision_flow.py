"""Recording decisions from Slack: open the modal, validate the submission, write or propose.

Only users in ``AIMS_DECIDERS`` record; anyone else gets the same modal as a proposal that a decider
confirms with one click. The control and system are re-validated against the graph on submit; the
write is idempotent on the modal's view id (or the proposal message), with the Slack user id and the
message permalink as provenance.
"""

from __future__ import annotations

import json
from typing import Any

from slack_sdk import WebClient

from bots.slack.blocks import MIN_JUSTIFICATION, ORGANISATION, decision_modal, modal_values
from bots.slack.services import SlackServices
from graph import decisions
from graph.organisation import ai_systems
from graph.soa import controls


def open_decision_modal(
    client: WebClient,
    services: SlackServices,
    *,
    trigger_id: str,
    user_id: str,
    control: str | None,
    system: str | None,
    channel: str = "",
    thread_ts: str = "",
    permalink: str = "",
    justification: str = "",
) -> None:
    """Open the record (decider) or propose (anyone else) modal."""
    decider = services.may_decide(user_id)
    view = decision_modal(
        callback_id="record_decision" if decider else "propose_decision",
        title="Record decision" if decider else "Propose decision",
        controls=controls(services.store),
        systems=[s.name for s in ai_systems(services.store)],
        control=control,
        system=system,
        justification=justification,
        metadata={"channel": channel, "thread_ts": thread_ts, "permalink": permalink},
    )
    client.views_open(trigger_id=trigger_id, view=view)


def read_submission(view: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """The submitted fields and the modal's metadata (channel, thread, permalink)."""
    return modal_values(view.get("state", {})), json.loads(view.get("private_metadata") or "{}")


def field_errors(services: SlackServices, values: dict[str, str]) -> dict[str, str]:
    """Errors to show in the modal, by block id (empty when the submission is valid)."""
    errors = {}
    if values.get("control") not in dict(controls(services.store)):
        errors["control"] = "Choose an Annex A control."
    system = values.get("system") or ORGANISATION
    if system != ORGANISATION and system not in {s.name for s in ai_systems(services.store)}:
        errors["system"] = "This AI system is not in the inventory any more."
    if values.get("verdict") not in {"applicable", "not-applicable"}:
        errors["verdict"] = "Choose whether the control applies."
    if values.get("justification_type") not in {t.value for t in decisions.JustificationType}:
        errors["justification_type"] = "Choose a justification type."
    if len(values.get("justification", "").strip()) < MIN_JUSTIFICATION:
        errors["justification"] = f"Say why, in at least {MIN_JUSTIFICATION} characters."
    return errors


def request_from(values: dict[str, str], *, user_id: str, permalink: str, key: str) -> decisions.DecisionRequest:
    """The graph request for validated modal values."""
    system = values.get("system") or ORGANISATION
    links = tuple(line.strip() for line in values.get("evidence", "").splitlines() if line.strip())
    return decisions.DecisionRequest(
        control=values["control"],
        system=None if system == ORGANISATION else system,
        verdict=decisions.Verdict(values["verdict"]),
        justification_type=decisions.JustificationType(values["justification_type"]),
        justification=values["justification"].strip(),
        decided_by=user_id,
        recorded_via=permalink or "slack",
        evidence=links,
        key=key,
    )
