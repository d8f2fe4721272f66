"""Thread memory: what the previous turn was about, so follow-ups like "and the evidence for that?" work."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answer import Answer, EntityRef


@dataclass
class Conversation:
    """State kept per thread (a Slack thread, a chat session): the last focus, AI system and things named."""

    focus: tuple[str, ...] = ()
    system: str | None = None
    mentioned: tuple[EntityRef, ...] = ()
    turns: list[tuple[str, Answer]] = field(default_factory=list)

    def remember(self, question: str, answer: Answer) -> None:
        """Keep the answer's focus, system and things (an answer without them keeps the old ones)."""
        if answer.focus:
            self.focus = answer.focus
        if answer.system:
            self.system = answer.system
        if answer.mentioned:
            self.mentioned = answer.mentioned
        self.turns.append((question, answer))
        del self.turns[:-20]
