"""The ``aims`` command line: one module per command group, all registered on one Typer app."""

from __future__ import annotations

from bots.cli import (
    assessment_commands,
    assistant_commands,
    graph_commands,
    implementation_commands,
    notify_commands,
    org_commands,
    report_commands,
    risk_commands,
    serve_commands,
    slack_commands,
)
from bots.cli.app import EXPECTED_ERRORS, app, report

__all__ = [
    "app",
    "assessment_commands",
    "assistant_commands",
    "graph_commands",
    "implementation_commands",
    "notify_commands",
    "org_commands",
    "report_commands",
    "risk_commands",
    "run",
    "serve_commands",
    "slack_commands",
]


def run() -> None:
    """Console-script entry point; an expected error anywhere becomes one line and exit code 1."""
    try:
        app()
    except EXPECTED_ERRORS as exc:
        raise SystemExit(report(exc).exit_code) from None
