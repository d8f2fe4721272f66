"""Implementation commands: record where the work on a control or clause stands, and list it.

``aims implement`` writes one implementation record (graph.compliance.implementation) with the same
rules as ``aims decide``: every refused field on its own line, nothing written; consistency warnings on
stderr, and ``--strict`` refuses when there is any.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from bots.cli.app import app, guarded, opened_store, out, report, warn
from bots.cli.output import print_rows, say
from graph.compliance import implementation
from graph.compliance.consistency import implementation_warnings
from graph.compliance.decisions import DecisionError, system_iri
from graph.compliance.organisation import ai_systems
from graph.namespaces import ORGANISATION
from graph.vocabulary import vocabulary

STATUSES = vocabulary().scheme("implementation_statuses")
COLUMNS = ["requirement", "for", "status", "owner", "target_date", "evidence", "note", "recorded_by", "recorded_at"]


@app.command()
def implement(
    ctx: typer.Context,
    requirement: Annotated[str, typer.Argument(help="Annex A control (A.6.2.8) or clause of 4-10 (9.2.1).")],
    status: Annotated[str, typer.Option("--status", help=", ".join(STATUSES.notations()) + ".")],
    by: Annotated[str, typer.Option("--by", help="Who records it (a person id, e.g. a Slack user id).")],
    system: Annotated[
        str | None, typer.Option("--system", "-s", help="AI system name; omit for the organisation and for clauses.")
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Who answers for the work (a name from the people section).")
    ] = None,
    target: Annotated[str | None, typer.Option("--target", help="Target date, YYYY-MM-DD.")] = None,
    evidence: Annotated[
        list[str] | None, typer.Option("--evidence", help="Evidence register title or URL (repeatable).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A short note.")] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse, recording nothing, when the record draws any warning.")
    ] = False,
) -> None:
    """Record how far a control or clause has got (revising the current record; unspecified fields are kept)."""
    request = implementation.ImplementationRequest(
        requirement=requirement,
        system=system,
        status=status,
        recorded_by=by,
        owner=owner,
        target_date=target,
        evidence=tuple(evidence) if evidence is not None else None,
        note=note,
    )
    with opened_store(ctx.obj) as store:
        if errors := guarded(lambda: implementation.validate(store, request)):
            raise report(DecisionError(*errors))
        warnings = guarded(lambda: implementation_warnings(store, request, dt.date.today()))
        warn(warnings, strict=strict)
        written = guarded(lambda: implementation.record(store, request))
    revised = f"; revises {written.revises}" if written.revises else ""
    say(out, f"recorded: {written.requirement} for {system or 'the organisation'} -> {written.summary()}{revised}")


@app.command("implementation")
def list_implementation(
    ctx: typer.Context,
    system: Annotated[str | None, typer.Option("--system", "-s", help="Only this AI system's records.")] = None,
    requirement: Annotated[
        str | None, typer.Option("--requirement", "-r", help="Only this control or clause, with its history.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Implementation records in force (or one requirement's history with --requirement)."""
    with opened_store(ctx.obj) as store:
        names = {s.iri: s.name for s in guarded(lambda: ai_systems(store))} | {ORGANISATION: "organisation"}
        if requirement:
            records = guarded(lambda: implementation.history(store, requirement, system))
        else:
            only = guarded(lambda: system_iri(store, system)) if system else None
            records = [
                r for r in guarded(lambda: implementation.in_force(store)).values() if only is None or r.subject == only
            ]
            records.sort(key=lambda r: (names.get(r.subject, r.subject), r.requirement))
    rows = [
        {
            "requirement": r.requirement,
            "for": names.get(r.subject, r.subject),
            "status": r.status + ("" if r.current else " (superseded)"),
            "owner": r.owner,
            "target_date": r.target_date,
            "evidence": "; ".join(r.evidence),
            "note": r.note,
            "recorded_by": r.recorded_by,
            "recorded_at": r.recorded_at,
        }
        for r in records
    ]
    if not rows and not as_json:
        say(out, "no implementation recorded" + (f" for {requirement}" if requirement else ""))
        return
    print_rows(out, COLUMNS, rows, as_json=as_json)
