"""Thread memory: what the previous turn was about, so follow-ups like "and the evidence for that?" work."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answer import Answer


@dataclass
class Conversation:
    """State kept per thread (a Slack thread, a chat session): the last focus and AI system."""

    focus: tuple[str, ...] = ()
    system: str | None = None
    turns: list[tuple[str, Answer]] = field(default_factory=list)

    def remember(self, question: str, answer: Answer) -> None:
        """Keep the answer's focus and system for the next turn (an answer without focus keeps the old one)."""
        if answer.focus:
            self.focus = answer.focus
        if answer.system:
            self.system = answer.system
        self.turns.append((question, answer))
        del self.turns[:-20]
