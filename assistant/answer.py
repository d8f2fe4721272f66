"""The ``Answer`` value every interface renders, and the guard that keeps it grounded in the graph."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field

from assistant.ids import find_ids


@dataclass(frozen=True)
class Citation:
    """A node of the graph the answer used.

    Args:
        id: the standard's id (``A.6.2.8``), or the IRI of one of the organisation's nodes.
        title: the node's exact title (the standard's) or label (the organisation's).
        kind: what the node is, as people say it (``Annex A control``, ``AI system``, ``Risk``).
    """

    id: str
    title: str
    kind: str = ""

    @property
    def of_organisation(self) -> bool:
        """Whether the node is the organisation's (an IRI) rather than the standard's (an id)."""
        return self.id.startswith(("http://", "https://"))

    @property
    def display(self) -> str:
        """``A.6.2.8 AI system recording of event logs`` or ``AI system: Fraud scoring model``."""
        return f"{self.kind}: {self.title}" if self.of_organisation else f"{self.id} {self.title}"


@dataclass(frozen=True)
class SuggestedAction:
    """Something the user can do next, e.g. record a decision for A.7.4 on the support chatbot."""

    kind: str
    label: str
    control: str | None = None
    system: str | None = None


@dataclass(frozen=True)
class QueryUsed:
    """The named query an answer ran, so a compliance lead can run it again or adapt it.

    Args:
        name: the saved query or question pattern (``aims query NAME``).
        sparql: its text with the bound values written in as ``VALUES`` blocks; runnable as it is.
        command: the ``aims`` command that lists every row.
        params: the bound values as the command line writes them.
    """

    name: str
    sparql: str
    command: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class EntityRef:
    """One of the organisation's things an answer is about, for follow-ups ("and who owns it?")."""

    iri: str
    kind: str
    label: str


@dataclass(frozen=True)
class Answer:
    """A composed reply: Markdown text, the nodes it cites, what was asked and how sure we are.

    Args:
        text: the reply in Markdown.
        citations: every node the text relies on, main node first.
        intent: explain, evidence, applicability, mapping, status, implementation, out_of_scope, help,
            unknown_id or unsure.
        confidence: 0..1; below the threshold the text says it is not sure and lists candidates.
        actions: suggested next steps.
        unknown_ids: ids the user wrote that the standard does not have; the text may echo only these.
        system: the AI system the answer is about, if any.
        focus: the standard's nodes a follow-up refers back to.
        query: the named query behind an answer about the organisation.
        mentioned: the organisation's things the answer is about, for follow-ups.
    """

    text: str
    citations: tuple[Citation, ...]
    intent: str
    confidence: float
    actions: tuple[SuggestedAction, ...] = ()
    unknown_ids: tuple[str, ...] = ()
    system: str | None = None
    focus: tuple[str, ...] = field(default=(), compare=False)
    query: QueryUsed | None = None
    mentioned: tuple[EntityRef, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view (for ``--json`` and HTTP)."""
        data = asdict(self)
        data.pop("focus")
        data.pop("mentioned")
        return data


class UngroundedAnswerError(ValueError):
    """An answer cited or mentioned an id that is not in the graph."""


def ensure_grounded(
    answer: Answer,
    titles: Mapping[str, str],
    question_ids: Collection[str] = (),
    labels: Mapping[str, str] | None = None,
) -> Answer:
    """Return ``answer`` unchanged if every cited and mentioned id is in the graph, else raise.

    Citations must name real nodes with their exact titles: the standard's by id (``titles``), the
    organisation's by IRI (``labels``, IRI -> label). Ids in the text must be real, except the unknown
    ids the user typed (``question_ids``), which an answer may echo to say they do not exist.
    """
    for citation in answer.citations:
        if citation.of_organisation:
            if labels is None or citation.id not in labels:
                raise UngroundedAnswerError(f"answer cites {citation.id}, which is not in the organisation's graph")
            if labels[citation.id] != citation.title:
                raise UngroundedAnswerError(f"answer gives {citation.id} the wrong label {citation.title!r}")
            continue
        if citation.id not in titles:
            raise UngroundedAnswerError(f"answer cites {citation.id}, which is not in the graph")
        if titles[citation.id] != citation.title:
            raise UngroundedAnswerError(f"answer gives {citation.id} the wrong title {citation.title!r}")
    echoed = set(answer.unknown_ids)
    if not echoed <= set(question_ids):
        raise UngroundedAnswerError(f"answer echoes ids the user did not write: {sorted(echoed - set(question_ids))}")
    for mention in find_ids(answer.text, titles):
        if not mention.known and mention.id not in echoed:
            raise UngroundedAnswerError(f"answer text mentions {mention.id}, which is not in the graph")
    for action in answer.actions:
        if action.control is not None and action.control not in titles:
            raise UngroundedAnswerError(f"action refers to {action.control}, which is not in the graph")
    return answer
