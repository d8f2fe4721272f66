"""Composing answers from graph facts: pure functions, one per kind of answer, no I/O.

Each function gets exactly the facts it needs (nodes, mappings, evidence, a decision) and returns an
``Answer`` whose citations name every node the text relies on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from assistant.answer import Answer, Citation, SuggestedAction
from assistant.documents import CONTAINER_KINDS
from graph.compliance.organisation import DecisionRecord, EvidenceRecord, SystemRef
from graph.compliance.rules import Suggestion
from graph.namespaces import ENTITY_CLASSES
from graph.standard import Mapping as CrosswalkMapping
from graph.standard import Node
from graph.vocabulary import vocabulary

MAX_LISTED = 12


def cite(node: Node) -> Citation:
    """The citation of a node: id and exact title."""
    return Citation(node.id, node.title, vocabulary().kind_label(node.kind))


def cite_system(system: SystemRef) -> Citation:
    """The citation of one of the organisation's AI systems: its IRI and inventory name."""
    return Citation(system.iri, system.name, vocabulary().kind_label(ENTITY_CLASSES["system"]))


def heading(node: Node) -> str:
    """``**A.6.2.8 AI system recording of event logs**`` (Annex A control)."""
    return f"**{node.id} {node.title}** ({vocabulary().kind_label(node.kind)})"


def decision_actions(node: Node, system: SystemRef | None) -> tuple[SuggestedAction, ...]:
    """The buttons under an answer about a node: show its evidence and, for a control, record a decision."""
    actions = [SuggestedAction("show_evidence", f"Show evidence for {node.id}", node.id)]
    if node.kind == "Control":
        target = system.name if system else "the organisation"
        label = f"Record a decision for {node.id} on {target}"
        actions.append(SuggestedAction("record_decision", label, node.id, system.name if system else None))
    return tuple(actions)


def explain(node: Node, parent: Node | None, related: Sequence[Node], confidence: float) -> Answer:
    """What a clause or control expects, in our words, with its parent and related parts."""
    lines = [heading(node), "", node.summary]
    citations = [cite(node)]
    if parent is not None:
        lines += ["", f"Part of {parent.id} {parent.title}."]
        citations.append(cite(parent))
    if node.evidence:
        lines += ["", "Typical evidence: " + "; ".join(node.evidence[:3]) + "."]
    if related:
        lines += ["", "Related: " + ", ".join(f"{r.id} {r.title}" for r in related) + "."]
        citations += [cite(r) for r in related]
    return Answer(
        "\n".join(lines), tuple(citations), "explain", confidence, decision_actions(node, None), focus=(node.id,)
    )


def evidence(node: Node, recorded: Sequence[EvidenceRecord], today: str, confidence: float) -> Answer:
    """The evidence an auditor typically accepts for a node, and what the organisation has recorded."""
    lines = [heading(node), "", "Evidence an auditor would typically accept:"]
    lines += [f"- {item}" for item in node.evidence] or ["- (none described)"]
    if recorded:
        lines += ["", "Recorded by us:"]
        for item in recorded:
            status = ""
            if item.valid_until:
                status = " (expired " if item.valid_until < today else " (valid until "
                status += item.valid_until + ")"
            link = f" <{item.url}>" if item.url else ""
            lines.append(f"- {item.title}{link}{status}")
    else:
        lines += ["", "No evidence has been recorded for it in the graph yet."]
    return Answer(
        "\n".join(lines), (cite(node),), "evidence", confidence, decision_actions(node, None), focus=(node.id,)
    )


def applicability(
    node: Node, system: SystemRef, decision: DecisionRecord | None, suggested: Sequence[Suggestion], confidence: float
) -> Answer:
    """The recorded decision for a control on a system, or a clearly marked rule-based suggestion."""
    lines = [heading(node), "", node.summary, "", *decision_lines(node, system, decision, suggested)]
    return Answer(
        "\n".join(lines),
        (cite(node), cite_system(system)),
        "applicability",
        confidence,
        decision_actions(node, system),
        system=system.name,
        focus=(node.id,),
    )


def decision_lines(
    node: Node, system: SystemRef, decision: DecisionRecord | None, suggested: Sequence[Suggestion]
) -> list[str]:
    """Where a control stands for a system: the recorded decision, else a suggestion marked as one."""
    if decision is not None:
        source = "Inherited from the organisation-wide decision: " if decision.inherited else ""
        return [
            f"**Recorded decision for {system.name}: {decision.verdict}.** {source}{decision.justification} "
            f"(decided by {decision.decided_by} on {decision.decided_at[:10]})"
        ]
    lines = [f"No decision has been recorded for {node.id} on {system.name}."]
    if suggested:
        reasons = "; ".join(f"{s.reason} [rule {s.rule}]" for s in suggested)
        lines.append(f"*Suggestion, not a decision:* it probably applies, because {reasons}.")
    else:
        lines.append(
            "*Suggestion, not a decision:* none of our rules link it to this system's recorded facts; "
            "a compliance lead should still decide and justify it."
        )
    return lines


def _decided_by(decision: DecisionRecord) -> str:
    who = f"decided by {decision.decided_by}"
    return f"inherited from the organisation, {who}" if decision.inherited else who


def with_system_context(
    answer: Answer, system: SystemRef, decisions: Sequence[tuple[Node, DecisionRecord | None]]
) -> Answer:
    """An explanation, plus where the AI system the question named stands on the related controls."""
    if decisions:
        parts = [
            f"{n.id} {n.title}: "
            + (f"{d.verdict} ({_decided_by(d)} on {d.decided_at[:10]})" if d else "no decision yet")
            for n, d in decisions
        ]
        note = f"For {system.name}, the related controls stand as follows: " + "; ".join(parts) + "."
    else:
        note = f"For {system.name}: this part of the standard applies to the management system as a whole."
    citations = tuple(dict.fromkeys([*answer.citations, cite_system(system), *(cite(n) for n, _ in decisions)]))
    actions = (
        answer.actions
        + tuple(
            SuggestedAction("record_decision", f"Record a decision for {n.id} on {system.name}", n.id, system.name)
            for n, d in decisions
            if d is None
        )[:2]
    )
    return replace(answer, text=f"{answer.text}\n\n{note}", citations=citations, actions=actions, system=system.name)


def needs_system(node: Node, systems: Sequence[SystemRef], confidence: float) -> Answer:
    """An applicability question that named no known AI system."""
    if systems:
        names = ", ".join(s.name for s in systems[:MAX_LISTED])
        ask = f"Which AI system do you mean? The inventory holds: {names}."
    else:
        ask = (
            "The inventory holds no AI systems yet, so there is nothing to decide against; "
            "import it with `aims load --inventory FILE`."
        )
    text = "\n".join([heading(node), "", node.summary, "", ask])
    return Answer(text, (cite(node),), "applicability", confidence, decision_actions(node, None), focus=(node.id,))


def mapping(node: Node, found: Sequence[CrosswalkMapping], frameworks: Sequence[str], confidence: float) -> Answer:
    """Where a node maps in other frameworks, each mapping with its source, licence and confidence."""
    wanted = [m for m in found if not frameworks or any(f.lower() in m.framework.lower() for f in frameworks)]
    lines = [heading(node), ""]
    if not wanted:
        scope = " or ".join(frameworks) if frameworks else "other frameworks"
        lines.append(f"Our crosswalks hold no mapping from {node.id} to {scope}.")
    else:
        lines.append(f"Mappings from {node.id} (related, not equivalent):")
        # A source is named once below and referred to by number: repeated per line, it drowned the list.
        sources = list(dict.fromkeys((m.source, m.licence) for m in wanted))
        for m in wanted:
            label = m.target_label if m.target_label != m.target_id else ""
            cited = f"; source {sources.index((m.source, m.licence)) + 1}" if len(sources) > 1 else ""
            lines.append(
                f"- {m.framework}: {m.target_id}{' - ' + label if label and label != m.target_id else ''} "
                f"(confidence: {m.confidence}{cited})"
            )
        lines.append("")
        if len(sources) == 1:
            lines.append(f"Source of these mappings: {sources[0][0]} (licence: {sources[0][1]})")
        else:
            lines.append("Sources:")
            lines += [f"{n}. {source} (licence: {licence})" for n, (source, licence) in enumerate(sources, 1)]
    return Answer("\n".join(lines), (cite(node),), "mapping", confidence, (), focus=(node.id,))


def status(system: SystemRef, open_controls: Sequence[Node], total: int) -> Answer:
    """Controls with no decision in force for a system."""
    if not open_controls:
        text = f"Every one of the {total} Annex A controls has a decision for {system.name}."
        return Answer(text, (cite_system(system),), "status", 1.0, (), system=system.name)
    shown = open_controls[:MAX_LISTED]
    lines = [f"{len(open_controls)} of {total} Annex A controls have no decision yet for {system.name}:"]
    lines += [f"- {n.id} {n.title}" for n in shown]
    if len(open_controls) > len(shown):
        lines.append(f'- ... and {len(open_controls) - len(shown)} more (`aims gap --system "{system.name}"`).')
    actions = tuple(
        SuggestedAction("record_decision", f"Record a decision for {n.id} on {system.name}", n.id, system.name)
        for n in shown[:3]
    )
    citations = (cite_system(system), *(cite(n) for n in shown))
    return Answer("\n".join(lines), citations, "status", 1.0, actions, system=system.name)


def status_needs_system(systems: Sequence[SystemRef]) -> Answer:
    """A status question that named no known AI system."""
    if systems:
        text = (
            "Which AI system do you mean? The inventory holds: " + ", ".join(s.name for s in systems[:MAX_LISTED]) + "."
        )
    else:
        text = "The inventory holds no AI systems yet; import it with `aims load --inventory FILE` to track decisions."
    return Answer(text, (), "status", 1.0, ())


def unknown_ids(unknown: Sequence[str], suggestions: Sequence[Node]) -> Answer:
    """Ids the user wrote that ISO/IEC 42001:2023 does not have, with the nearest real ones."""
    names = ", ".join(unknown)
    lines = [f"{names} {'is' if len(unknown) == 1 else 'are'} not part of ISO/IEC 42001:2023."]
    if suggestions:
        lines += ["", "Did you mean:"] + [f"- {n.id} {n.title}" for n in suggestions]
    return Answer("\n".join(lines), tuple(cite(n) for n in suggestions), "unknown_id", 0.0, (), tuple(unknown))


def unsure(candidates: Sequence[Node], confidence: float) -> Answer:
    """Below the confidence threshold: say so and offer the best candidates."""
    lines = ["I am not sure which part of ISO/IEC 42001 you mean. The closest matches are:"]
    lines += [f"- {n.id} {n.title}" for n in candidates]
    lines += ["", "Ask again with more detail, or name one of these ids."]
    return Answer("\n".join(lines), tuple(cite(n) for n in candidates), "unsure", confidence, ())


def out_of_scope() -> Answer:
    """A question the graph cannot answer."""
    text = (
        "I can only answer questions about ISO/IEC 42001 and our AI management system: what a clause or "
        "control expects, what evidence it needs, whether it applies to one of our AI systems, how it maps "
        "to the EU AI Act or NIST AI RMF, how to put a control into practice, and which decisions are still open. "
        "I don't know the answer to this one."
    )
    return Answer(text, (), "out_of_scope", 0.0, ())


def help_text() -> Answer:
    """What the assistant can do."""
    text = (
        "Ask me about ISO/IEC 42001 in your own words, for example:\n"
        "- *Do we need to keep logs of what the model did?*\n"
        "- *What evidence do we need for 9.2?*\n"
        "- *Does A.7.4 apply to the support chatbot?*\n"
        "- *What does A.5.2 map to in the EU AI Act?*\n"
        "- *How do we implement A.6.2.8?*\n"
        "- *Which controls have no decision yet for the HR screener?*"
    )
    return Answer(text, (), "help", 1.0, ())


def primary(nodes: Sequence[Node]) -> Node:
    """The node an answer should be about: the first leaf (control or subclause) if there is one."""
    leaves = [n for n in nodes if n.kind not in CONTAINER_KINDS]
    return (leaves or list(nodes))[0]


def titles_of(nodes: Mapping[str, Node]) -> dict[str, str]:
    """Id -> title for the citation guard."""
    return {i: n.title for i, n in nodes.items()}
