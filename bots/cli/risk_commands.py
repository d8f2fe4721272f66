"""Risk commands: accept a risk (``aims accept-risk``) and list the register with its treatment (``aims risks``).

``aims accept-risk`` records one acceptance (graph.compliance.risk_acceptance) with the same rules as the
other records: every refused field on its own line, nothing written. ``aims risks`` shows each risk before
and after treatment, its actions and the acceptance in force; on a terminal the table's title says the
appetite and who may accept, and whether those are the organisation's or the defaults.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from bots.cli.app import app, err, fail, guarded, opened_store, out
from bots.cli.output import print_rows, say
from graph.compliance import risk_acceptance
from graph.compliance.decisions import system_iri
from graph.compliance.risk_criteria import RiskCriteria, risk_criteria
from graph.compliance.risk_register import RiskStatus, above_appetite, risk_register
from graph.store import Store

# The request's fields as this command names them, so an error points at the option to fix.
_OPTIONS = {"risk": "RISK", "accepter": "--accepter", "justification": "--justification", "accepted_on": "--date"}
_OPTIONS["recorded_by"] = "--by"

COLUMNS = [
    "risk",
    "title",
    "systems",
    "level",
    "residual",
    "current",
    "above_appetite",
    "treatment",
    "actions",
    "acceptance",
    "owner",
]


@app.command("accept-risk")
def accept_risk(
    ctx: typer.Context,
    risk: Annotated[str, typer.Argument(help="The risk's id as the inventory writes it, e.g. R-002.")],
    accepter: Annotated[
        str, typer.Option("--accepter", help="Who accepts: one of the inventory's risk_criteria: may_accept.")
    ],
    justification: Annotated[
        str, typer.Option("--justification", "-j", help="Why the risk is accepted rather than treated further.")
    ],
    by: Annotated[str, typer.Option("--by", help="Who records it (a person id, e.g. a Slack user id).")],
    on: Annotated[
        str | None, typer.Option("--date", help="Day of the acceptance (YYYY-MM-DD); default today, never later.")
    ] = None,
) -> None:
    """Record that someone allowed to accept risk accepts RISK at the level it stands (residual if rated).

    The acceptance revises the risk's previous one and lapses by itself once the risk's level rises above
    the level accepted.
    """
    day = None
    if on is not None:
        try:
            day = dt.date.fromisoformat(on)
        except ValueError:
            raise fail(f"--date: expected a date YYYY-MM-DD, got {on!r}") from None
    request = risk_acceptance.AcceptanceRequest(risk, accepter, justification, by, accepted_on=day)
    today = dt.date.today()

    def accept(store: Store) -> risk_acceptance.AcceptanceResult:
        try:
            return risk_acceptance.record(store, request, today=today)
        except risk_acceptance.AcceptanceError as exc:  # each refused field on its own line, by its option
            for error in exc.errors:
                say(err, f"error: {_OPTIONS.get(error.field, error.field)}: {error.message}")
            raise typer.Exit(1) from None

    with opened_store(ctx.obj) as store:
        result = guarded(lambda: accept(store))
    a = result.acceptance
    if not result.created:
        say(out, f"already recorded: {a.risk} {a.summary()} ({a.iri})")
        return
    revised = f"; revises {a.revises}" if a.revises else ""
    say(out, f"recorded: {a.risk} {a.summary()} ({a.iri}){revised}")


def _row(risk: RiskStatus, criteria: RiskCriteria) -> dict[str, object]:
    return {
        "risk": risk.id,
        "title": risk.title,
        "systems": ", ".join(risk.system_names),
        "level": risk.rating(),
        "residual": risk.residual_rating(),
        "current": risk.current_level or None,
        "above_appetite": "yes" if risk.above_appetite(criteria) else "no",
        "treatment": risk.treatment,
        "actions": "; ".join(a.summary() for a in risk.actions),
        "acceptance": risk.acceptance_text(),
        "owner": risk.owner,
    }


@app.command("risks")
def list_risks(
    ctx: typer.Context,
    above: Annotated[
        bool, typer.Option("--above-appetite", help="Only risks at or above the appetite (accepted or not).")
    ] = False,
    system: Annotated[str | None, typer.Option("--system", "-s", help="Only this AI system's risks.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The risk register: each risk before and after treatment, its actions and its acceptance."""
    with opened_store(ctx.obj) as store:
        only = guarded(lambda: system_iri(store, system)) if system else None
        criteria = guarded(lambda: risk_criteria(store))
        if above:
            found = guarded(lambda: above_appetite(store, system=only))[1]
        else:
            found = guarded(lambda: risk_register(store, system=only))
    rows = [_row(r, criteria) for r in found]
    title = f"Appetite: treatment required at {criteria.appetite_text()}; may accept: {criteria.who_may_accept()}"
    if not rows and not as_json:
        say(out, ("no risk at or above the appetite" if above else "no risks recorded") + f" ({title})")
        return
    print_rows(out, COLUMNS, rows, as_json=as_json, title=title)
