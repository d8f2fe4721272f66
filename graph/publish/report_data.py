"""Gathering the HTML report's content from the graph: one ``Report`` value, no markup.

Every figure comes from the functions the SoA, the roll-up and the gap already use (``soa_for_system``,
``soa_rollup``, ``organisation_cells``, ``gap_analysis``, ``evidence_index``), so the report can never
disagree with ``aims soa`` or ``aims gap``; what they do not carry (validity windows with their start dates,
risk ratings, groups of systems) is read by ``report_matrix``, ``report_evidence`` and ``report_risks``.
Every list is capped before it is read in full, so 10,000 systems cost a few aggregate reads, not 10,000 of
anything drawn.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import asdict

from graph.compliance.applicability import APPLICABLE as APPLICABLE_CELL
from graph.compliance.applicability import NOT_APPLICABLE as NOT_APPLICABLE_CELL
from graph.compliance.applicability import UNDECIDED as UNDECIDED_CELL
from graph.compliance.applicability import organisation_cells
from graph.compliance.decisions import system_iri
from graph.compliance.gap import gap_analysis
from graph.compliance.soa import NO_DECISION, PARTLY_DECIDED, soa_rollup
from graph.namespaces import ORGANISATION
from graph.publish import report_matrix
from graph.publish.report_evidence import evidence_timeline
from graph.publish.report_matrix import GroupBy
from graph.publish.report_model import (
    APPLICABLE,
    NOT_APPLICABLE,
    WHOLE_ORGANISATION,
    Coverage,
    Matrix,
    Report,
    ReportHeader,
    Tally,
)
from graph.publish.report_risks import risk_matrix
from graph.publish.report_systems import system_facts
from graph.publish.soa_header import ORGANISATION_RECORD
from graph.store import Store, text

# Bars of the per-system coverage chart; past this the systems with the most open controls are drawn.
BARS = 40
# Lines of the gap roadmap shown.
GAP_LINES = 10
# The roll-up's verdicts in the order the chart stacks them.
ROLLUP_ORDER = ("applicable", "not applicable", PARTLY_DECIDED, NO_DECISION)


def gather_report(
    store: Store,
    today: dt.date,
    system: str | None = None,
    *,
    group_by: GroupBy = GroupBy.TIER,
    aggregate_above: int | None = None,
) -> Report:
    """Everything the report shows about the organisation, or about one AI system (name or alias).

    Raises ``DecisionError`` (the ``system`` field) for a name that is no AI system of the inventory.
    """
    only = system_iri(store, system) if system is not None else ORGANISATION
    single = system_facts(store, [only])[0] if only != ORGANISATION else None
    shown = report_matrix.matrix(store, today, single=single, group_by=group_by, aggregate_above=aggregate_above)
    gaps = gap_analysis(store, today, system if single else None)
    scope = single.iri if single else None
    report = Report(
        header=_header(store, single.name if single else WHOLE_ORGANISATION, today),
        matrix=shown,
        coverage=_coverage(store, today, shown, single is not None),
        evidence=evidence_timeline(store, today, scope),
        risks=risk_matrix(store, scope),
        gaps=tuple(gaps[:GAP_LINES]),
        gaps_total=len(gaps),
        single_system=single is not None,
    )
    return dataclasses.replace(report, header=dataclasses.replace(report.header, fingerprint=fingerprint(report)))


def fingerprint(report: Report) -> str:
    """SHA-256 of what the report states, its date and own fingerprint excluded: equal content, equal print."""
    content = asdict(
        dataclasses.replace(report, header=dataclasses.replace(report.header, generated="", fingerprint=""))
    )
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _header(store: Store, subject: str, today: dt.date) -> ReportHeader:
    record = store.select(ORGANISATION_RECORD)
    name = text(record[0].get("name")) if record else ""
    scope = text(record[0].get("scope")) if record else ""
    return ReportHeader(name, scope, subject, today.isoformat())


def _coverage(store: Store, today: dt.date, shown: Matrix, single: bool) -> Coverage:
    """Per system (the least decided first past ``BARS``), per objective, and the roll-up or the system's SoA."""
    rows = list(shown.rows)
    if len(rows) > BARS:
        rows = sorted(rows, key=lambda r: (-r.still_open, r.name.lower()))[:BARS]
    per_system = tuple((r.name, Tally(r.count(APPLICABLE), r.count(NOT_APPLICABLE), r.still_open)) for r in rows)
    if single:
        cells = dict(zip((c.id for c in shown.controls), shown.rows[0].cells, strict=True))
        per_objective = tuple(
            (
                f"{o.id} {o.title}",
                Tally(
                    sum(cells[c.id].state == APPLICABLE for c in o.controls),
                    sum(cells[c.id].state == NOT_APPLICABLE for c in o.controls),
                    sum(cells[c.id].state not in (APPLICABLE, NOT_APPLICABLE) for c in o.controls),
                ),
            )
            for o in shown.objectives
        )
        verdicts = [c.verdict for c in shown.rows[0].cells]
        rollup = tuple((v, verdicts.count(v)) for v in ("applicable", "not applicable", NO_DECISION))
        return Coverage(per_system, per_objective, rollup)
    counted = organisation_cells(store)
    per_objective = tuple(
        (
            f"{o.id} {o.title}",
            Tally(
                sum(counted.in_force(APPLICABLE_CELL, c.id) for c in o.controls),
                sum(counted.in_force(NOT_APPLICABLE_CELL, c.id) for c in o.controls),
                sum(counted.in_force(UNDECIDED_CELL, c.id) for c in o.controls),
            ),
        )
        for o in shown.objectives
    )
    verdicts = [r.verdict.split(" (")[0] for r in soa_rollup(store, today)]
    rollup = tuple((v, verdicts.count(v)) for v in ROLLUP_ORDER)
    return Coverage(per_system, per_objective, rollup, shown.systems - len(per_system))
