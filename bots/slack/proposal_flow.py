"""Getting proposals to the people who act on them, and their outcomes back to everyone concerned.

A proposal goes to the decisions channel (``AIMS_DECISIONS_CHANNEL``) with the deciders mentioned, or,
without one, to each decider by direct message: never only into the proposer's own thread, where no
decider may look. Where it was posted is noted in the graph, so that when one decider confirms or
rejects it (from that message or from the Home tab), every copy shows the outcome and the proposer is
told.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bots.slack.decision_flow import proposed_justification
from bots.slack.home import publish_home
from bots.slack.listeners.views.proposal_builder import outcome_line, proposal_blocks, proposal_summary, resolved_blocks
from bots.slack.mrkdwn import escape, fallback, mention
from bots.slack.services import SlackServices
from graph.compliance import decisions, proposals
from graph.compliance.proposals import Proposal

logger = logging.getLogger("aims.slack")


def _location(channel: str, ts: str) -> str:
    return f"{channel} {ts}"


def _parse(location: str) -> tuple[str, str]:
    channel, _, ts = location.partition(" ")
    return channel, ts


def deliver(
    client: WebClient, services: SlackServices, proposal: Proposal, *, channel: str = "", thread_ts: str = ""
) -> None:
    """Post the proposal for the deciders and tell the proposer where it went.

    ``channel`` and ``thread_ts`` are where the proposal was made; they are used only when there is no
    decisions channel and no decider to send it to.
    """
    targets = [services.decisions_channel] if services.decisions_channel else sorted(services.deciders)
    text = fallback(f"Proposed decision for {proposal.control}, waiting for a decider")
    blocks = proposal_blocks(proposal, services.deciders)
    for target in targets or [channel]:
        if not target:
            continue
        reply = client.chat_postMessage(
            channel=target, thread_ts=None if targets else thread_ts or None, text=text, blocks=blocks
        )
        where = str(reply.get("channel") or target)
        proposals.announced(services.store, proposal.key, _location(where, str(reply.get("ts", ""))))
    if services.decisions_channel:
        sent = f"sent to <#{services.decisions_channel}> for a decider"
    elif targets:
        sent = "sent to " + ", ".join(mention(d) for d in targets) + " by direct message"
    else:
        sent = "posted here; no deciders are configured (AIMS_DECIDERS), so ask your compliance lead to confirm it"
    note = f"Your proposal for *{escape(proposal.control)}* was {sent}. You will hear back here."
    tell(client, proposal.proposed_by, note, channel=channel, thread_ts=thread_ts)


def tell(client: WebClient, user: str, text: str, *, channel: str = "", thread_ts: str = "") -> None:
    """A note only ``user`` sees: ephemeral where they are, else a direct message from the bot."""
    if channel:
        client.chat_postEphemeral(channel=channel, user=user, text=text, thread_ts=thread_ts or None)
    else:
        client.chat_postMessage(channel=user, text=text)


NOT_A_DECIDER = "Only deciders (AIMS_DECIDERS) can confirm or reject a proposed decision."


def pending_for_decider(
    client: WebClient, services: SlackServices, user: str, key: str, *, channel: str, thread_ts: str
) -> Proposal | None:
    """The proposal a *Confirm* or *Reject* button names, if ``user`` may decide and it still waits.

    Otherwise ``user`` is told why not (privately) and the answer is ``None``.
    """
    if not services.may_decide(user):
        tell(client, user, NOT_A_DECIDER, channel=channel, thread_ts=thread_ts)
        return None
    proposal = proposals.find(services.store, key)
    if proposal is None:
        said = "This proposal is not in the graph any more; ask for it to be proposed again."
    elif proposal.outcome != "pending":
        said = f"This proposal was already {proposal.outcome}."
    else:
        return proposal
    tell(client, user, said, channel=channel, thread_ts=thread_ts)
    return None


def confirm(client: WebClient, services: SlackServices, proposal: Proposal, *, user: str) -> Proposal:
    """Record the proposed decision for the decider ``user``, then show the outcome everywhere.

    Raises ``DecisionError`` when the graph refuses the decision (say the system was renamed since).
    """
    permalink = ""
    for location in proposal.announced[:1]:
        channel, ts = _parse(location)
        permalink = client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink", "") or ""
    request = proposal.request(
        decided_by=user,
        justification=proposed_justification(proposal.justification, proposal.proposed_by),
        recorded_via=permalink or "slack",
    )
    with proposals.resolving():  # a decider rejecting it meanwhile must not end with a decision recorded
        current = proposals.find(services.store, proposal.key)
        if current is None or current.outcome != "pending":
            return current or proposal
        result = decisions.record(services.store, request)
        done = proposals.resolve(
            services.store, proposal.key, outcome="confirmed", by=user, decision=result.decision.iri
        )
    if done.outcome == "confirmed" and done.resolved_by == user:
        services.after_ack(lambda: publish_outcome(client, services, done))
    return done


def publish_outcome(client: WebClient, services: SlackServices, proposal: Proposal) -> None:
    """Show the outcome on every posted copy of the proposal, tell the proposer, refresh the decider's Home."""
    for location in proposal.announced:
        channel, ts = _parse(location)
        try:
            client.chat_update(
                channel=channel,
                ts=ts,
                text=fallback(f"Proposed decision for {proposal.control}: {proposal.outcome}"),
                blocks=resolved_blocks(proposal),
            )
        except SlackApiError as exc:  # a deleted copy must not stop the others
            logger.warning("could not update proposal %s at %s: %s", proposal.key, location, exc)
    client.chat_postMessage(
        channel=proposal.proposed_by,
        text=f"Your proposal ({proposal_summary(proposal)}) was {proposal.outcome}. {outcome_line(proposal)}",
    )
    publish_home(client, services, proposal.resolved_by)
