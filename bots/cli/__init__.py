"""The ``aims`` command line: one module per command group, all registered on one Typer app."""

from __future__ import annotations

from bots.cli import assistant_commands, graph_commands, org_commands, serve_commands, slack_commands
from bots.cli.app import app

__all__ = ["app", "assistant_commands", "graph_commands", "org_commands", "run", "serve_commands", "slack_commands"]


def run() -> None:
    """Console-script entry point."""
    app()
