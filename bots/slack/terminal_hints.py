"""Answers in Slack without the terminal commands the assistant suggests for the CLI.

The assistant composes one text for every interface, and for the terminal it ends a cut list with the
``aims`` command that lists every row. In Slack a command to copy into a terminal is a dead end: the
Slack renderer takes those hints out and offers buttons that do the same thing instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "- ... and 28 more; all of them: `aims query ...`" and "- ... and 4 more (`aims gap --system "X"`)."
_AND_MORE = re.compile(r"(?m)^(- \.\.\. and [\d,]+ more)(?:; all of them: `aims [^`\n]*`| \(`aims [^`\n]*`\))\.?$")
# "All of them: `aims query ...`" on a line of its own.
_ALL_OF_THEM = re.compile(r"(?m)^All of them: `aims [^`\n]*`\n?")
# "import it with `aims load --inventory FILE`": someone who runs the assistant does that.
_LOAD = re.compile(r"import it with `aims load[^`\n]*`")


@dataclass(frozen=True)
class SlackText:
    """An answer's text for Slack, and whether the assistant had cut a list there (so more can be shown)."""

    text: str
    cut: bool


def without_commands(markdown: str) -> SlackText:
    """``markdown`` with its ``aims ...`` hints taken out; ``cut`` says a list was cut where one stood."""
    cut = bool(_AND_MORE.search(markdown) or _ALL_OF_THEM.search(markdown))
    text = _AND_MORE.sub(r"\1.", markdown)
    text = _ALL_OF_THEM.sub("", text)
    text = _LOAD.sub("whoever runs this assistant can import it", text)
    return SlackText(text.rstrip("\n"), cut)
