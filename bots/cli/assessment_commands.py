"""Impact assessment commands: ``aims assess`` (guided, one question at a time) and ``aims assessments``.

``aims assess`` asks its questions on stderr and reads the answers from stdin (``bots.cli.assess_interview``):
on a terminal a refused answer is asked again, from a pipe the first refused answer ends it with the
question and the value named, and nothing is recorded. What was recorded is printed on stdout.
``aims assessments`` lists the assessments in force with each system's status, or one assessment's history.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import asdict
from typing import Annotated

import typer

from bots.cli.app import app, fail, guarded, opened_store, out, report
from bots.cli.assess_interview import Asker, InterviewError, interview
from bots.cli.output import print_rows, say
from graph.compliance import impact_assessments
from graph.compliance.assessment_checks import AssessmentChecks
from graph.compliance.assessment_status import assessment_status
from graph.compliance.decisions import system_iri
from graph.compliance.impact_assessments import AssessmentError, ImpactAssessment
from graph.store import Store

COLUMNS = ["id", "system", "status", "date", "assessor", "approver", "next_review", "harms", "benefits", "recorded"]


def _line() -> str | None:
    line = sys.stdin.readline()
    return line.rstrip("\n") if line else None


def _prompt(text: str) -> None:
    sys.stderr.write(text)
    sys.stderr.flush()


@app.command()
def assess(
    ctx: typer.Context,
    by: Annotated[str, typer.Option("--by", help="Who records it (a person id, e.g. a Slack user id).")],
    system: Annotated[
        str | None, typer.Option("--system", "-s", help="The AI system assessed (name or alias).")
    ] = None,
    assessment_id: Annotated[
        str | None, typer.Option("--id", help="Revise this assessment (its answers are offered as defaults).")
    ] = None,
    today: Annotated[str | None, typer.Option("--today", help="The day to judge dates against, YYYY-MM-DD.")] = None,
) -> None:
    """Record an impact assessment, guided: one question at a time, each answer checked at once."""
    day = _day(today)
    with opened_store(ctx.obj) as store:
        checks = AssessmentChecks(store, day)
        previous, name = _target(store, checks, system, assessment_id)
        asker = Asker(_line, _prompt, retry=sys.stdin.isatty())
        try:
            request = interview(asker, checks, recorded_by=by, system=name, previous=previous)
        except InterviewError as exc:
            raise fail(f"{exc}; nothing was recorded") from None
        if assessment_id and previous is None:
            request = impact_assessments.AssessmentInput(**{**request.__dict__, "id": assessment_id})
        if errors := guarded(lambda: impact_assessments.validate(store, request, today=day)):
            raise report(AssessmentError(*errors))
        recorded = guarded(lambda: impact_assessments.record(store, request, today=day))
    a = recorded.assessment
    if not recorded.created:
        say(out, f"unchanged: {a.label} already says this (revision of {a.recorded_at}); nothing was recorded")
        return
    harms = len(a.harms)
    revises = f"; revises {a.revises}" if a.revises else " (new assessment)"
    say(out, f"recorded: {a.label}{revises}")
    say(out, f"  date {a.date}; assessor {a.assessor}; approver {a.approver or 'none yet'}")
    say(out, f"  {harms} harm(s), {len(a.impacts) - harms} benefit(s); next review {a.next_review or 'not set'}")
    say(out, f"  triggers: {', '.join(a.triggers) or 'none'}")


def _day(today: str | None) -> dt.date:
    if today is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(today)
    except ValueError:
        raise fail(f"--today: {today!r} is not a date (YYYY-MM-DD)") from None


def _target(
    store: Store, checks: AssessmentChecks, system: str | None, assessment_id: str | None
) -> tuple[ImpactAssessment | None, str | None]:
    """The revision being revised (``--id`` of a recorded assessment) and the system's name, if known yet."""
    iri = ""
    if system is not None:
        iri, refusal = checks.system(system)
        if refusal:
            raise fail(f"--system: {refusal}")
    if assessment_id is None:
        return None, system
    if refusal := checks.assessment_id(assessment_id):
        raise fail(f"--id: {refusal}")
    current = [r for r in impact_assessments.history(store, assessment_id) if r.current]
    if not current:
        return None, system  # a new assessment with the id given
    previous = current[0]
    names = {s.system: s.system_name for s in assessment_status(store, checks.today, previous.system)}
    if system is not None and iri != previous.system:
        raise fail(f"--system: {previous.id} is an assessment of {names.get(previous.system, previous.system)}")
    return previous, names.get(previous.system, system)


@app.command("assessments")
def list_assessments(
    ctx: typer.Context,
    system: Annotated[str | None, typer.Option("--system", "-s", help="Only this AI system's assessments.")] = None,
    history: Annotated[
        str | None, typer.Option("--history", help="Every revision of this assessment (its id).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (every field, with the impacts).")] = False,
    today: Annotated[str | None, typer.Option("--today", help="The day to judge against, YYYY-MM-DD.")] = None,
) -> None:
    """Impact assessments in force, each with its system's status; or one assessment's history (--history)."""
    day = _day(today)
    with opened_store(ctx.obj) as store:
        only = guarded(lambda: system_iri(store, system)) if system else None
        statuses = guarded(lambda: assessment_status(store, day, only))
        if history:
            shown = guarded(lambda: impact_assessments.history(store, history))
            if not shown:
                raise fail(f"--history: no impact assessment {history!r} recorded")
        else:
            shown = guarded(lambda: impact_assessments.in_force(store, only))
    names = {s.system: s.system_name for s in statuses}
    standing = {s.assessment.iri: s.status for s in statuses if s.assessment is not None}
    missing = [s for s in statuses if s.assessment is None] if not history else []
    if as_json:
        rows = [asdict(a) | {"system_name": names.get(a.system, ""), "status": _status(a, standing)} for a in shown]
        rows += [{"system": s.system, "system_name": s.system_name, "status": s.status} for s in missing]
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    table = [_row(a, names, standing) for a in shown]
    table += [{"system": s.system_name, "status": "missing"} for s in missing]
    if not table:
        say(out, "no impact assessment recorded")
        return
    print_rows(out, COLUMNS, table)


def _status(a: ImpactAssessment, standing: dict[str, str]) -> str:
    if not a.current:
        return "superseded"
    return standing.get(a.iri, "in force, not the system's latest")


def _row(a: ImpactAssessment, names: dict[str, str], standing: dict[str, str]) -> dict[str, object]:
    harms = len(a.harms)
    return {
        "id": a.id,
        "system": names.get(a.system, a.label),
        "status": _status(a, standing),
        "date": a.date,
        "assessor": a.assessor,
        "approver": a.approver,
        "next_review": a.next_review,
        "harms": harms,
        "benefits": len(a.impacts) - harms,
        "recorded": f"{a.recorded_at[:19]} by {a.recorded_by} via {a.recorded_via}",
    }
