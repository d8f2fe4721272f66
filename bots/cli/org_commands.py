"""Organisation commands: systems, decide, history, soa, approve-soa, gap, query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated

import typer

from bots.cli.app import app, fail, guarded, opened_store, out, report, warn
from bots.cli.output import cell_text as _cell
from bots.cli.output import plain, print_rows, say, visible
from graph.compliance import decisions
from graph.compliance.approvals import ApprovalError
from graph.compliance.consistency import warnings_for
from graph.compliance.gap import gap_analysis
from graph.compliance.organisation import ai_systems
from graph.compliance.soa import REQUIRED, SoaRow
from graph.namespaces import AIMS, ORGANISATION
from graph.publish import reports
from graph.publish.soa_header import ROLLUP, SoaDocument, approve_soa, soa_document
from graph.queries.catalog import catalog
from graph.queries.saved import run_saved_query
from graph.settings import Settings
from graph.store import Store
from graph.vocabulary import Scheme, VocabularyError, vocabulary


@app.command()
def systems(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print name, IRI and aliases as JSON.")] = False,
) -> None:
    """The organisation's AI systems, one name per line."""
    with opened_store(ctx.obj) as store:
        found = guarded(lambda: ai_systems(store))
    if as_json:
        rows = [{"name": s.name, "iri": s.iri, "aliases": list(s.aliases)} for s in found]
        print_rows(out, ["name", "iri", "aliases"], rows, as_json=True)
        return
    for system in found:
        print(plain(system.name))


VERDICTS = vocabulary().scheme("verdicts")
JUSTIFICATION_TYPES = vocabulary().scheme("justification_types")


def _in(scheme: Scheme) -> Callable[[str], str]:
    """A typer callback accepting only the notations of ``scheme`` (the ontology's values)."""

    def check(value: str) -> str:
        try:
            return scheme.get(value).notation
        except VocabularyError as exc:
            raise typer.BadParameter(str(exc)) from None

    return check


@app.command()
def decide(
    ctx: typer.Context,
    control: Annotated[str, typer.Option("--control", "-c", help="Annex A control id, e.g. A.7.4.")],
    verdict: Annotated[
        str, typer.Option("--verdict", callback=_in(VERDICTS), help=" or ".join(VERDICTS.notations()) + ".")
    ],
    justification: Annotated[
        str,
        typer.Option(
            "--justification",
            "-j",
            help=f"Why ({vocabulary().min_justification} to {vocabulary().max_justification:,} characters).",
        ),
    ],
    by: Annotated[str, typer.Option("--by", help="Who decides (a person id, e.g. a Slack user id).")],
    system: Annotated[
        str | None, typer.Option("--system", "-s", help="AI system name; omit for the organisation.")
    ] = None,
    justification_type: Annotated[
        str,
        typer.Option(
            "--type",
            callback=_in(JUSTIFICATION_TYPES),
            help="Kind of justification: " + ", ".join(JUSTIFICATION_TYPES.notations()) + ".",
        ),
    ] = JUSTIFICATION_TYPES.concepts[0].notation,
    risk: Annotated[list[str] | None, typer.Option("--risk", help="Linked risk id (repeatable).")] = None,
    evidence: Annotated[list[str] | None, typer.Option("--evidence", help="Evidence link (repeatable).")] = None,
    key: Annotated[str | None, typer.Option("--key", help="Idempotency key: the same key records once.")] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse, recording nothing, when the decision draws any warning.")
    ] = False,
) -> None:
    """Record an applicability decision (revising the current one, if any).

    Warnings (a risk or rule that contradicts a not-applicable verdict, evidence outside the register) are
    printed on stderr; the decision is recorded anyway unless --strict.
    """
    request = decisions.DecisionRequest(
        control=control,
        system=system,
        verdict=verdict,
        justification_type=justification_type,
        justification=justification,
        decided_by=by,
        recorded_via="cli",
        risks=tuple(risk or ()),
        evidence=tuple(evidence or ()),
        key=key,
    )
    with opened_store(ctx.obj) as store:
        if errors := guarded(lambda: decisions.validate(store, request)):
            raise report(decisions.DecisionError(*errors))
        warnings = guarded(lambda: warnings_for(store, request))
        warn(warnings, strict=strict)
        result = guarded(lambda: decisions.record(store, request))
    d = result.decision
    state = "recorded" if result.created else "already recorded (same key)"
    revised = f"; revises {d.revises}" if d.revises else ""
    say(out, f"{state}: {d.control} on {system or 'the organisation'} -> {d.verdict} ({d.iri}){revised}")


@app.command()
def history(
    ctx: typer.Context,
    control: Annotated[str, typer.Argument(help="Annex A control id.")],
    system: Annotated[str | None, typer.Option("--system", "-s", help="AI system; omit for the organisation.")] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Show only the decision in force at this date (YYYY-MM-DD).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decisions as JSON.")] = False,
) -> None:
    """Every decision for a control on a system, oldest first; --at answers "what did we decide on 1 July?"."""
    with opened_store(ctx.obj) as store:
        if at is not None:
            try:
                moment = dt.datetime.combine(dt.date.fromisoformat(at), dt.time.max, tzinfo=dt.UTC)
            except ValueError:
                raise fail(f"--at: expected a date YYYY-MM-DD, got {at!r}") from None
            found = guarded(lambda: decisions.as_of(store, control, system, moment))
            rows = [found] if found else []
        else:
            rows = guarded(lambda: decisions.history(store, control, system))
        own = bool(rows)
        if not rows and system is not None and guarded(lambda: decisions.system_iri(store, system)) != ORGANISATION:
            # A system without a decision of its own inherits the organisation's: show that one, and say so.
            if at is not None:
                found = guarded(lambda: decisions.as_of(store, control, None, moment))
                rows = [found] if found else []
            else:
                rows = guarded(lambda: decisions.history(store, control, None))
    where = f"{control} on {system or 'the organisation'}" + (f" as of {at}" if at else "")
    if not rows and not as_json:
        say(out, f"no decision for {where}, nor organisation-wide" if system else f"no decision for {where}")
        return
    if not own and not as_json:
        say(out, f"no decision of its own for {where}; it inherits the organisation-wide decision:")
    print_rows(
        out,
        ["when", "verdict", "by", "type", "justification", "current", "via"],
        [
            {
                "when": d.decided_at,
                "verdict": d.verdict,
                "by": d.decided_by,
                "type": JUSTIFICATION_TYPES.label_of(AIMS + d.justification_type),  # "risk treatment"
                "justification": d.justification,
                "current": "yes" if d.current else "",
                "via": d.recorded_via,
            }
            for d in rows
        ],
        as_json=as_json,
    )


@app.command()
def soa(
    ctx: typer.Context,
    system: Annotated[
        str | None, typer.Option("--system", "-s", help="AI system; omit for the organisation roll-up.")
    ] = None,
    fmt: Annotated[
        reports.SoaFormat, typer.Option("--format", "-f", help="csv, md, json or xlsx.")
    ] = reports.SoaFormat.MD,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (required for xlsx).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
) -> None:
    """Statement of Applicability for one AI system, or rolled up for the organisation.

    Every format carries the document's header, approval included ("not yet approved", or that the
    approved version differs from this one). The roll-up's xlsx has one sheet per AI system beside it.
    """
    fmt = reports.SoaFormat.JSON if as_json else fmt
    today = dt.date.today()
    if fmt is reports.SoaFormat.XLSX and output is None:
        raise fail("--format xlsx needs --output FILE.xlsx")
    with opened_store(ctx.obj) as store:
        document = guarded(lambda: soa_document(store, system, today))
        systems: list[SoaDocument] = []
        omitted = 0
        if fmt is reports.SoaFormat.XLSX and document.header.subject == ROLLUP:
            names = sorted((s.name for s in guarded(lambda: ai_systems(store))), key=str.lower)
            systems = [_system_document(store, name, today) for name in names[: reports.MAX_SYSTEM_SHEETS]]
            omitted = max(0, len(names) - reports.MAX_SYSTEM_SHEETS)
    rows, header = document.rows, document.header
    if fmt is reports.SoaFormat.XLSX:
        assert output is not None
        reports.soa_xlsx(rows, output, header=header, systems=systems, omitted=omitted)
        sheets = f" and {len(systems)} AI systems" if systems else ""
        say(out, f"wrote {_counted(rows)}{sheets} to {output}")
        return
    render: dict[reports.SoaFormat, Callable[[], str]] = {
        reports.SoaFormat.CSV: lambda: reports.soa_csv(rows, header=header),
        reports.SoaFormat.MD: lambda: reports.soa_markdown(rows, header=header),
        reports.SoaFormat.JSON: lambda: reports.soa_json(rows, header=header),
    }
    text = render[fmt]()
    if output is not None:
        output.write_text(text, encoding="utf-8")
        say(out, f"wrote {_counted(rows)} to {output}")
    else:
        print(visible(text), end="")


def _system_document(store: Store, name: str, today: dt.date) -> SoaDocument:
    """One AI system's SoA for a sheet of the roll-up workbook."""
    return guarded(lambda: soa_document(store, name, today))


@app.command("approve-soa")
def approve_soa_command(
    ctx: typer.Context,
    approver: Annotated[
        str, typer.Option("--approver", help="Who approves: a person of the inventory's people section.")
    ],
    system: Annotated[
        str | None, typer.Option("--system", "-s", help="AI system; omit for the organisation roll-up.")
    ] = None,
    on: Annotated[
        str | None, typer.Option("--date", help="Day of the approval (YYYY-MM-DD); default today, never later.")
    ] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Who records it (a person id, e.g. a Slack id); default the approver."),
    ] = None,
) -> None:
    """Approve the SoA as it stands now: the approver, the date and the version (content fingerprint) approved.

    The approval revises the previous one of the same SoA. Once the SoA changes (a decision, evidence that
    lapses), `aims soa` says the approved version differs and asks for a new approval.
    """
    day = None
    if on is not None:
        try:
            day = dt.date.fromisoformat(on)
        except ValueError:
            raise fail(f"--date: expected a date YYYY-MM-DD, got {on!r}") from None
    with opened_store(ctx.obj) as store:
        try:
            result, document = guarded(
                lambda: approve_soa(store, system, approver=approver, today=dt.date.today(), approved_on=day, by=by)
            )
        except ApprovalError as exc:
            raise fail(str(exc)) from None
    a, header = result.approval, document.header
    state = "approved" if result.created else "already approved (same version, approver and date)"
    revised = f"; revises {a.revises}" if result.created and a.revises else ""
    say(
        out,
        f"{state}: {header.title}, version sha256:{a.fingerprint[:12]}..., "
        f"by {a.approver} on {a.approved_on} ({a.iri}){revised}",
    )


def _counted(rows: Sequence[SoaRow]) -> str:
    """``38 controls``, or ``32 clauses and 38 controls`` for the roll-up's SoA pack."""
    clauses = sum(r.verdict == REQUIRED for r in rows)
    controls = f"{len(rows) - clauses} controls"
    return f"{clauses} clauses and {controls}" if clauses else controls


@app.command()
def gap(
    ctx: typer.Context,
    system: Annotated[str | None, typer.Option("--system", "-s", help="Only this AI system.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Prioritised roadmap: missing decisions, missing or stale evidence, untreated risks, each with its reason."""
    with opened_store(ctx.obj) as store:
        items = guarded(lambda: gap_analysis(store, dt.date.today(), system))
    if as_json:
        print(reports.gap_json(items), end="")
    else:
        lines = [plain(part) for g in items for part in reports.gap_parts(g)]
        print("\n".join(lines) if items else reports.NO_GAPS)


def _parse_params(values: list[str]) -> dict[str, str]:
    params = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise fail(f"--param expects NAME=VALUE, got {item!r}")
        params[name.strip()] = value.strip()
    return params


@app.command()
def query(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="Saved query name; omit to list them.")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print rows as JSON.")] = False,
) -> None:
    """Run a saved query from ontology/queries/ (or list them with what each answers)."""
    settings: Settings = ctx.obj
    if name is None:
        listing = [
            {
                "name": q.name,
                "parameters": " ".join(
                    f"--param {p.name}=<{p.type}>" + ("?" if p.optional else "") for p in q.parameters
                ),
                "answers": q.answers,
            }
            for q in catalog().values()
        ]
        print_rows(out, ["name", "parameters", "answers"], listing, as_json=as_json)
        return
    bound = _parse_params(param or [])
    with opened_store(settings) as store:
        saved, rows = guarded(lambda: run_saved_query(store, name, bound))
    names = list(rows[0].keys()) if rows else []
    values = [{k: _cell(v) for k, v in r.items()} for r in rows]
    print_rows(out, names, values, as_json=as_json, title=saved.answers)
