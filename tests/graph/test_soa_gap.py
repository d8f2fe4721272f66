"""SoA and gap analysis on the example organisation, against hand-checked expectations."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
import yaml

from graph.compliance.decisions import DecisionRequest, record
from graph.compliance.gap import gap_analysis
from graph.compliance.soa import soa_for_system, soa_progress, soa_rollup
from graph.ingest.load import OntologyLayout
from graph.publish.reports import gap_text, soa_csv, soa_json, soa_markdown, soa_xlsx
from graph.publish.soa_header import soa_header
from graph.queries.saved import SavedQueryError, run_saved_query, saved_queries
from graph.store import Row, text
from graph.store.embedded import OxigraphStore
from tests.conftest import EXAMPLE_INVENTORY, example_store

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def org(layout: OntologyLayout) -> OxigraphStore:
    store: OxigraphStore = example_store(layout)
    when = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
    for control, system, verdict, why in [
        ("A.10.3", "Support chatbot", "applicable", "The chatbot runs on Orion's hosted model."),
        ("A.6.2.8", "Support chatbot", "applicable", "Customer conversations must be traceable."),
        ("A.7.4", "Internal coding assistant", "not-applicable", "We neither train nor supply data to it."),
    ]:
        kind = "risk-treatment" if verdict == "applicable" else "not-relevant"
        record(store, DecisionRequest(control, system, verdict, kind, why, "U-LEAD"), now=when)
    return store


def test_system_soa_shows_verdicts_suggestions_and_evidence_freshness(org: OxigraphStore) -> None:
    rows = {r.control: r for r in soa_for_system(org, "Support chatbot", TODAY)}
    assert len(rows) == 38
    assert rows["A.10.3"].verdict == "applicable" and rows["A.10.3"].decided_by == "U-LEAD"
    assert [(e.title, e.status) for e in rows["A.10.3"].evidence] == [
        ("Orion Language Models supplier assessment 2026", "current")
    ]
    assert [(e.status, e.valid_until) for e in rows["A.6.2.8"].evidence] == [("expired", "2026-09-14")]
    assert rows["A.8.2"].verdict == "no decision"
    assert any(s.startswith("customer-facing:") for s in rows["A.8.2"].suggested_by)
    assert rows["A.7.4"].suggested_by and rows["A.7.4"].suggested_by[0].startswith("personal-data:")
    assert rows["A.2.2"].evidence[0].status == "current"  # organisation-wide evidence counts for every system


def test_progress_names_the_systems_furthest_behind(org: OxigraphStore) -> None:
    everyone = soa_progress(org, show=10)
    assert everyone.systems == 6 and everyone.open_cells == 6 * 38 - 3
    assert len(everyone.least_advanced) == 6 and everyone.least_advanced[-1][1:] == ("Support chatbot", 36)
    two = soa_progress(org, show=2)
    assert [open_ for _, _, open_ in two.least_advanced] == [38, 38]
    assert "Support chatbot" not in {name for _, name, _ in two.least_advanced}


def test_rollup_is_applicable_if_any_system_applies(org: OxigraphStore) -> None:
    rows = {r.control: r for r in soa_rollup(org, TODAY)}
    assert rows["A.10.3"].verdict == "applicable"
    assert rows["A.10.3"].basis == "applicable to 1 of 6 AI systems"
    assert rows["A.7.4"].verdict == "partly decided (1 of 6)"  # one exclusion out of six is not "not applicable"
    assert rows["A.5.2"].verdict == "no decision"


def test_gap_roadmap_is_ordered_and_explained(org: OxigraphStore) -> None:
    items = gap_analysis(org, TODAY)
    kinds = {(g.kind, g.subject.split(" ")[0]) for g in items}
    assert ("untreated risk", "R-002") in kinds and ("untreated risk", "R-004") in kinds
    assert ("untreated risk", "R-001") not in kinds  # R-001 has a treatment
    assert ("expired evidence", "Chatbot") in kinds and ("expired evidence", "DocuScan") in kinds
    assert ("no current evidence", "A.6.2.8") in kinds  # applicable, but its only evidence expired
    assert ("no current evidence", "A.10.3") not in kinds
    assert [g.priority for g in items] == list(range(1, len(items) + 1))
    scores = [g.score for g in items]
    assert scores == sorted(scores, reverse=True)
    assert all(g.reason and g.owner and g.due and g.next_step for g in items)


def test_gap_for_one_system(org: OxigraphStore) -> None:
    items = gap_analysis(org, TODAY, "CV screening model")
    top = {(g.kind, g.subject.split(" ")[0]) for g in items[:2]}
    assert top == {("untreated risk", "R-002"), ("expired evidence", "CV")}
    undecided = [g for g in items if g.kind == "no decision"]
    assert len(undecided) == 38 and all(g.systems == 1 for g in undecided)
    # Only evidence about this system or the whole organisation: not the chatbot's expired logging spec.
    lapsed = {g.subject for g in items if g.kind.endswith("evidence") and "expir" in g.kind}
    assert "Chatbot inference logging specification" not in lapsed
    everyone = {g.subject for g in gap_analysis(org, TODAY) if "expir" in g.kind}
    assert lapsed < everyone


def test_soa_formats(org: OxigraphStore, tmp_path: Path) -> None:
    rows = soa_for_system(org, "Support chatbot", TODAY)
    header = soa_header(org, "Support chatbot", TODAY, rows)
    parsed = list(csv.DictReader(io.StringIO(soa_csv(rows, header=header))))
    assert len(parsed) == 38 and parsed[0]["control"] == "A.2.2"
    assert json.loads(soa_json(rows))[0]["control"] == "A.2.2"
    markdown = soa_markdown(rows, header=header).splitlines()
    assert markdown[0] == "# Statement of Applicability: Support chatbot"
    assert any(line.startswith("| control | title | verdict") for line in markdown)
    soa_xlsx(rows, tmp_path / "soa.xlsx", header=header)
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "soa.xlsx").active
    assert sheet is not None and sheet.max_row == 39
    assert "untreated risk" in gap_text(gap_analysis(org, TODAY))


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_every_saved_query_runs_and_says_what_it_answers(org: OxigraphStore, name: str) -> None:
    query = saved_queries()[name]
    assert query.answers
    params = {
        p.name: {"integer": "60", "date": "2026-01-01", "text": "U-LEAD"}[p.type]
        for p in query.parameters
        if not p.optional
    }
    _, rows = run_saved_query(org, name, params)
    assert rows, name


def test_saved_query_parameters(org: OxigraphStore) -> None:
    _, rows = run_saved_query(org, "controls-without-decision", {"name": "Support chatbot"})
    assert len(rows) == 36
    _, expiring = run_saved_query(org, "evidence-expiring", {"days": "0"})
    assert {r["title"].value for r in expiring} >= {"Chatbot inference logging specification"}  # type: ignore[union-attr]
    with pytest.raises(SavedQueryError, match="expected integer"):
        run_saved_query(org, "evidence-expiring", {"days": "soon"})
    with pytest.raises(SavedQueryError, match="missing --param days"):
        run_saved_query(org, "evidence-expiring", {})
    with pytest.raises(SavedQueryError, match="unknown parameter"):
        run_saved_query(org, "risks-by-source", {"x": "1"})
    with pytest.raises(SavedQueryError, match="no saved query 'nope'"):
        run_saved_query(org, "nope", {})


def _values(rows: list[Row], *names: str) -> list[tuple[str, ...]]:
    return [tuple(text(r[n]) for n in names) for r in rows]


def test_risks_by_source_lists_every_risk_with_its_level_treatment_and_controls(org: OxigraphStore) -> None:
    _, rows = run_saved_query(org, "risks-by-source", {})
    listed = [
        (s, r, lvl, t, frozenset(c.split(", ")))
        for s, r, lvl, t, c in _values(rows, "source", "risk", "level", "treated", "controls")
    ]
    assert listed == [  # by Annex C source, then the biggest risk first
        ("C.3.3", "R-003", "8", "true", frozenset({"A.6.2.6"})),
        ("C.3.4", "R-002", "15", "false", frozenset({"A.5.4", "A.7.4"})),
        ("C.3.4", "R-001", "12", "true", frozenset({"A.6.2.4", "A.8.2"})),
        ("C.3.5", "R-006", "12", "false", frozenset({"A.6.2.4", "A.9.4"})),
        ("C.3.6", "R-004", "12", "false", frozenset({"A.10.3"})),
        ("C.3.7", "R-005", "6", "true", frozenset({"A.10.3", "A.9.2"})),
    ]
    titles = {r: t for r, t in _values(rows, "risk", "title")}
    assert titles["R-004"] == "Vendor model changes without notice"
    assert all(text(r["sourceTitle"]) for r in rows)


def test_systems_by_tier_counts_open_controls_from_the_decisions(org: OxigraphStore) -> None:
    _, rows = run_saved_query(org, "systems-by-tier-with-open-gaps", {})
    listed = _values(rows, "tier", "name", "openControls")
    # The fixture decided two controls for the chatbot and one for the coding assistant.
    assert [(tier, n) for tier, _, n in listed] == [
        ("high", "38"),
        ("limited", "38"),
        ("limited", "36"),
        ("minimal", "38"),
        ("minimal", "38"),
        ("minimal", "37"),
    ]
    assert {name: n for _, name, n in listed} == {
        "CV screening model": "38",
        "Document OCR pipeline": "38",
        "Support chatbot": "36",
        "Fraud scoring model": "38",
        "Product recommender": "38",
        "Internal coding assistant": "37",
    }


@pytest.mark.parametrize("days", [0, 45, 400])
def test_evidence_expiring_matches_the_inventory_dates(org: OxigraphStore, days: int) -> None:
    inventory = yaml.safe_load(EXAMPLE_INVENTORY.read_text(encoding="utf-8"))
    # The query compares with the store's clock (NOW()), so the expectation does too.
    until = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=days)
    expected = sorted(
        (str(e["valid_until"]), e["title"], e["owner"], frozenset(e["controls"]))
        for e in inventory["evidence"]
        if e["valid_until"] <= until
    )
    _, rows = run_saved_query(org, "evidence-expiring", {"days": str(days)})
    found = [
        (v, t, o, frozenset(c.split(", "))) for v, t, o, c in _values(rows, "validUntil", "title", "owner", "controls")
    ]
    assert [f[0] for f in found] == sorted(f[0] for f in found)  # soonest first
    assert sorted(found) == expected and expected


def test_gap_lines_for_many_systems_match_a_brute_force_count(
    layout: OntologyLayout, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk that finds each line's top risk level and riskiest systems agrees with counting every cell."""
    import random

    from pyoxigraph import Literal, NamedNode, Triple

    from graph.compliance import gap_decisions as gap
    from graph.compliance.applicability import rebuild
    from graph.compliance.soa import controls
    from graph.ingest.load import load_reference
    from graph.namespaces import AIMS, DCTERMS, GRAPH_INVENTORY, ISO, ORG, RDF_TYPE, RDFS, SKOS, XSD

    # Small thresholds, so 60 systems take every path: everyone, listed outright, walked in growing chunks.
    monkeypatch.setattr(gap, "SMALL_SCOPE", 10)
    monkeypatch.setattr(gap, "LIST_OUTRIGHT", 5)
    monkeypatch.setattr(gap, "WALK_FIRST", 2)
    monkeypatch.setattr(gap, "WALK_SLACK", 0.5)
    store = OxigraphStore(None)
    load_reference(store, layout)
    ids = [c for c, _ in controls(store)]
    rng = random.Random(11)
    triples: list[Triple] = []
    level: dict[str, int] = {}
    fresh: dict[str, set[str]] = {c: set() for c in ids}
    integer = NamedNode(XSD + "integer")
    for i in range(60):
        name = f"System {rng.randrange(10**6):06d}"
        system = NamedNode(f"{ORG}systems/s{i}")
        triples += [
            Triple(system, NamedNode(RDF_TYPE), NamedNode(AIMS + "AISystem")),
            Triple(system, NamedNode(RDFS + "label"), Literal(name)),
        ]
        level[name] = 0
        if rng.random() < 0.7:
            likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
            risk = NamedNode(f"{ORG}risks/r{i}")
            triples += [
                Triple(risk, NamedNode(RDF_TYPE), NamedNode(AIMS + "Risk")),
                Triple(risk, NamedNode(SKOS + "notation"), Literal(f"R-{i}")),
                Triple(risk, NamedNode(DCTERMS + "title"), Literal(f"Risk {i}")),
                Triple(risk, NamedNode(AIMS + "affectsSystem"), system),
                Triple(risk, NamedNode(AIMS + "likelihood"), Literal(str(likelihood), datatype=integer)),
                Triple(risk, NamedNode(AIMS + "impact"), Literal(str(impact), datatype=integer)),
                Triple(risk, NamedNode(AIMS + "treatment"), Literal("Mitigated.")),
            ]
            level[name] = likelihood * impact
        control = rng.choice(ids[:6])
        valid = TODAY + dt.timedelta(days=rng.choice([-10, 90]))
        evidence = NamedNode(f"{ORG}evidence/e{i}")
        triples += [
            Triple(evidence, NamedNode(RDF_TYPE), NamedNode(AIMS + "Evidence")),
            Triple(evidence, NamedNode(DCTERMS + "title"), Literal(f"Evidence {i}")),
            Triple(evidence, NamedNode(AIMS + "supportsControl"), NamedNode(ISO + control)),
            Triple(evidence, NamedNode(AIMS + "supportsSystem"), system),
            Triple(
                evidence, NamedNode(DCTERMS + "valid"), Literal(valid.isoformat(), datatype=NamedNode(XSD + "date"))
            ),
        ]
        if valid >= TODAY:
            fresh[control].add(name)
    store.insert(GRAPH_INVENTORY, triples)
    rebuild(store)
    names = sorted(level)
    riskiest_first = sorted(names, key=lambda n: (-level[n], n))
    verdicts: dict[str, dict[str, bool]] = {c: {} for c in ids}
    # Controls decided for no system, a few systems, about half, and nearly all of them.
    for share, chosen in (
        (0.0, ids[6:10]),
        (0.05, ids[10:14]),
        (0.5, ids[:3] + ids[14:20]),
        (0.95, ids[3:6] + ids[20:]),
    ):
        for control in chosen:
            for name in names:
                if rng.random() < share:
                    verdicts[control][name] = rng.random() < 0.8
                    verdict = "applicable" if verdicts[control][name] else "not-applicable"
                    record(
                        store,
                        DecisionRequest(control, name, verdict, "best-practice", "Decided for the test.", "U1"),
                    )
    lines = {(g.kind, g.subject.split()[0]): g for g in gap_analysis(store, TODAY)}
    for control in ids:
        expected = {
            "no decision": [n for n in riskiest_first if n not in verdicts[control]],
            "no current evidence": [n for n in riskiest_first if verdicts[control].get(n) and n not in fresh[control]],
        }
        for kind, members in expected.items():
            line = lines.get((kind, control))
            if not members:
                assert line is None, (kind, control)
                continue
            assert line is not None, (kind, control)
            shown = ", ".join(members[:5]) + (f" and {len(members) - 5} more" if len(members) > 5 else "")
            assert (line.systems, line.risk_level) == (len(members), max(level[n] for n in members)), (kind, control)
            assert f"system(s): {shown}" in line.reason, (kind, control)
