"""Answers on putting a control into practice: its implementation guidance, composed from graph facts.

Pure functions like ``assistant.compose``, whose citation and heading helpers they share. The guidance
itself is read from the store by the caller (``graph.standard.guidance_for``); nothing here adds advice of
its own, so a control without guidance is answered with a plain statement that none is recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.answer import Answer
from assistant.compose import MAX_LISTED, cite, cite_system, decision_actions, decision_lines, heading
from assistant.intents import Aspect
from graph.compliance.organisation import DecisionRecord, SystemRef
from graph.compliance.rules import Suggestion
from graph.standard import Guidance, Node


@dataclass(frozen=True)
class SystemStanding:
    """A control's standing for the AI system a question named, for answers that add it as context."""

    system: SystemRef
    decision: DecisionRecord | None
    suggested: tuple[Suggestion, ...] = ()


# What each part of the guidance is called in an answer, and how an answer says that part is missing.
_ASPECT_TITLES = {
    Aspect.STEPS: "How to put it into practice",
    Aspect.OWNER: "Usually owned by",
    Aspect.ARTEFACTS: "What the work leaves behind",
    Aspect.PITFALLS: "Common pitfalls",
    Aspect.PROPORTIONATE: "In a small organisation",
}
_ASPECT_MISSING = {
    Aspect.STEPS: "no implementation steps",
    Aspect.OWNER: "no usual owner",
    Aspect.ARTEFACTS: "no artefacts",
    Aspect.PITFALLS: "no common pitfalls",
    Aspect.PROPORTIONATE: "no note for small organisations",
}


def _guidance_section(aspect: Aspect, guidance: Guidance) -> list[str]:
    """One part of the guidance as Markdown lines; empty when the graph holds nothing for it."""
    title = f"**{_ASPECT_TITLES[aspect]}:**"
    if aspect is Aspect.STEPS and guidance.steps:
        return [title, *(f"{n}. {step}" for n, step in enumerate(guidance.steps, 1))]
    if aspect is Aspect.OWNER and guidance.owners:
        return [f"{title} {'; '.join(guidance.owners)}."]
    if aspect is Aspect.ARTEFACTS and guidance.artefacts:
        return [f"{title} {'; '.join(guidance.artefacts)}."]
    if aspect is Aspect.PITFALLS and guidance.pitfalls:
        return [title, *(f"- {pitfall}" for pitfall in guidance.pitfalls)]
    if aspect is Aspect.PROPORTIONATE and guidance.approaches:
        return [f"{title} {' '.join(guidance.approaches)}"]
    return []


def implementation(
    node: Node,
    parent: Node | None,
    related: Sequence[Node],
    guidance: Guidance,
    aspect: Aspect | None,
    confidence: float,
    standing: SystemStanding | None = None,
) -> Answer:
    """How a control is usually put into practice: steps, usual owner, artefacts, pitfalls, small-organisation note.

    The part the question asked for (``aspect``) comes first, so "who usually owns A.6.2.6?" is answered in
    its first line; the rest follows in a fixed order. A control without guidance in the graph gets a plain
    statement that none is recorded, with its summary, rather than advice made up here. Parent and related
    nodes are named and cited as in an explanation, so the answer still places the control in the standard.
    """
    lines = [heading(node), ""]
    if not guidance.recorded:
        lines += [
            f"No implementation guidance is recorded for {node.id} yet: the graph holds no steps, usual owner, "
            "artefacts, pitfalls or small-organisation note for it. What it expects, in our words:",
            "",
            node.summary,
        ]
        if node.evidence:
            lines += ["", "Typical evidence: " + "; ".join(node.evidence[:3]) + "."]
    else:
        asked = aspect or Aspect.STEPS
        wanted = _guidance_section(asked, guidance) or [f"The graph holds {_ASPECT_MISSING[asked]} for {node.id}."]
        # Steps read best after the summary; any other part asked for is the answer itself, so it leads.
        leads = asked is not Aspect.STEPS
        lines += [*wanted, "", node.summary] if leads else [node.summary]
        for part in Aspect:
            if part is asked and leads:
                continue
            section = wanted if part is asked else _guidance_section(part, guidance)
            if section:
                lines += ["", *section]
    citations = [cite(node)]
    if parent is not None:
        lines += ["", f"Part of {parent.id} {parent.title}."]
        citations.append(cite(parent))
    if related:
        lines += ["", "Related: " + ", ".join(f"{r.id} {r.title}" for r in related) + "."]
        citations += [cite(r) for r in related]
    system = standing.system if standing is not None else None
    if standing is not None:
        lines += ["", *decision_lines(node, standing.system, standing.decision, standing.suggested)]
        citations.append(cite_system(standing.system))
    return Answer(
        "\n".join(lines),
        tuple(citations),
        "implementation",
        confidence,
        decision_actions(node, system),
        system=system.name if system is not None else None,
        focus=(node.id,),
    )


def guidance_is_per_control(answer: Answer, node: Node, controls: Sequence[Node]) -> Answer:
    """An explanation of a clause or objective someone asked to implement: guidance exists per control only."""
    note = (
        f"Step-by-step implementation guidance is recorded for the Annex A controls only, and {node.id} is not "
        "one, so the summary above is what the graph holds for it."
    )
    if controls:
        shown = controls[:MAX_LISTED]
        note += " Ask how to implement one of its controls: " + ", ".join(f"{c.id} {c.title}" for c in shown) + "."
    citations = tuple(dict.fromkeys([*answer.citations, *(cite(c) for c in controls[:MAX_LISTED])]))
    return replace(answer, text=f"{answer.text}\n\n{note}", citations=citations)
