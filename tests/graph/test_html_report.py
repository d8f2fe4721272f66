"""The HTML compliance report on the example organisation: what a reader sees, and that nothing in it is live."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest
import yaml

from graph.compliance.applicability import organisation_cells
from graph.compliance.decisions import DecisionRequest, record
from graph.ingest.load import OntologyLayout
from graph.ingest.rdf_files import read_triples
from graph.inventory.importer import import_inventory
from graph.publish import report_matrix, report_risks
from graph.publish.html_matrix import risk_table
from graph.publish.html_report import render
from graph.publish.report_data import gather_report
from graph.publish.report_model import APPLICABLE, SUGGESTED, Report
from graph.store.embedded import OxigraphStore
from tests.conftest import EXAMPLE_INVENTORY, ROOT
from tests.graph.example_copy import copy_of_example

TODAY = dt.date(2026, 12, 3)
WHEN = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)
HOSTILE = "<script>alert(1)</script>"
# Anything a browser would fetch or run: no script, no stylesheet link, no import, no remote source.
LIVE = re.compile(
    r"""<script|<link|@import|<iframe|<object|<embed|\b(?:src|href)\s*=\s*["']?\s*(?:https?:|//|javascript:)|url\(\s*["']?https?:""",
    re.I,
)


@pytest.fixture(scope="module")
def org(layout: OntologyLayout) -> OxigraphStore:
    store = copy_of_example()
    for control, system, verdict, why in [
        ("A.10.3", "Support chatbot", "applicable", "The chatbot runs on Orion's hosted model."),
        ("A.7.4", "Internal coding assistant", "not-applicable", "We neither train nor supply data to it."),
        ("A.2.2", None, "applicable", "One AI policy covers every AI system we run."),
    ]:
        kind = "risk-treatment" if verdict == "applicable" else "not-relevant"
        record(store, DecisionRequest(control, system, verdict, kind, why, "U-LEAD"), now=WHEN)
    return store


@pytest.fixture(scope="module")
def report(org: OxigraphStore) -> Report:
    return gather_report(org, TODAY)


@pytest.fixture(scope="module")
def page(report: Report) -> str:
    return render(report, TODAY)


def _tooltip(page: str, control: str, system: str) -> str:
    found = re.search(
        rf'<td class="cell [^"]+" title="({re.escape(control)} [^"]*?\n{re.escape(system)}: [^"]*)"', page
    )
    assert found, (control, system)
    return found.group(1)


def test_one_matrix_row_per_system_after_the_organisation_row(page: str) -> None:
    rows = re.findall(r'<tr class="system-row"><th scope="row"[^>]*>([^<]+)</th>', page)
    assert sorted(rows) == sorted(
        [
            "CV screening model",
            "Document OCR pipeline",
            "Fraud scoring model",
            "Internal coding assistant",
            "Product recommender",
            "Support chatbot",
        ]
    )
    assert page.count('<tr class="org-row">') == 1
    for row in re.findall(r'<tr class="system-row">.*?</tr>', page):
        assert row.count('<td class="cell ') == 38


def test_cells_say_verdict_who_when_and_inheritance(page: str, report: Report) -> None:
    own = _tooltip(page, "A.10.3", "Support chatbot")
    assert "Support chatbot: applicable" in own and "decided by U-LEAD on 2026-07-01" in own
    assert "decided for this system" in own
    inherited = _tooltip(page, "A.2.2", "Fraud scoring model")
    assert "applicable" in inherited and "inherited from the organisation" in inherited
    assert "decided by U-LEAD" in inherited
    excluded = _tooltip(page, "A.7.4", "Internal coding assistant")
    assert "not applicable" in excluded
    suggested = _tooltip(page, "A.8.2", "Support chatbot")
    assert "no decision" in suggested and "suggested by rule customer-facing" in suggested
    chatbot = next(r for r in report.matrix.rows if r.name == "Support chatbot")
    states = dict(zip((c.id for c in report.matrix.controls), (c.state for c in chatbot.cells), strict=True))
    assert states["A.10.3"] == APPLICABLE and states["A.2.2"] == APPLICABLE and states["A.8.2"] == SUGGESTED
    # Columns are grouped by Annex A objective, in the standard's order.
    assert [o.id for o in report.matrix.objectives][:5] == ["A.2", "A.3", "A.4", "A.5", "A.6.1"]
    assert [o.id for o in report.matrix.objectives][-1] == "A.10"


def test_expired_evidence_is_marked(page: str, report: Report) -> None:
    item = next(i for i in report.evidence.items if i.title == "CV ranker bias evaluation report Q1 2026")
    assert (item.status, item.valid_until, item.issued) == ("expired", "2026-10-01", "2026-04-02")
    assert re.search(
        r'<tr class="expired"><td>expired</td><td>CV ranker bias evaluation report Q1 2026</td><td>2026-10-01</td>',
        page,
    )
    assert "expired 2026-10-01" in page  # written beside its bar on the timeline
    assert "today 2026-12-03" in page  # the timeline's line for today
    assert dict(report.evidence.counts) == {"expired": 3, "expiring": 1, "current": 2}


def test_risk_matrix_places_each_risk_by_likelihood_and_impact(page: str, report: Report) -> None:
    cell = re.search(r'<td class="risk-cell" data-likelihood="3" data-impact="5"[^>]*>(.*?)</td>', page, re.S)
    assert cell and ">R-002</span>" in cell.group(1) and 'class="risk untreated"' in cell.group(1)
    assert page.count(">R-002</span>") == 1
    assert report.risks.highest[0].id == "R-002"  # the highest level (15) first
    assert report.risks.rated == 6 and report.risks.unrated_total == 0
    assert "3 of 6 risks also have a rating after treatment" in page  # the others have no after-position
    assert re.search(r'<div class="big">R-002: level 15</div>', page)  # on the first screen


def test_a_crowded_risk_cell_shows_the_first_risks_and_counts_the_rest(
    org: OxigraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_risks, "PER_CELL", 1)
    crowded = report_risks.risk_matrix(org)
    cell = next(c for c in crowded.cells if (c.likelihood, c.impact) == (3, 4))
    assert cell.total == 2 and [r.id for r in cell.shown] == ["R-006"]  # untreated before treated
    found = re.search(r'data-likelihood="3" data-impact="4"[^>]*>(.*?)</td>', risk_table(crowded), re.S)
    assert found and '<span class="more">+1 more</span>' in found.group(1)


def test_gap_roadmap_top_lines_with_reason_owner_due_and_next_step(page: str, report: Report) -> None:
    assert len(report.gaps) == 10 and report.gaps_total > 10
    lines = re.findall(r'<tr class="gap">(.*?)</tr>', page)
    assert len(lines) == 10
    first = report.gaps[0]
    assert first.subject == "CV ranker bias evaluation report Q1 2026"
    for text in (first.reason, first.owner, first.due, first.next_step):
        assert text and text.replace("'", "&#x27;") in lines[0]


def test_header_names_organisation_date_fingerprint_and_our_summaries(page: str, report: Report) -> None:
    assert report.header.organisation == "Kestrel Finance"
    assert "<dd>2026-12-03</dd>" in page
    assert re.search(r"sha256:[0-9a-f]{64}", page)
    assert "our own wording, not the text of the standard" in page


def test_fingerprint_follows_content_not_the_call(org: OxigraphStore, report: Report) -> None:
    again = gather_report(org, TODAY)
    assert again.header.fingerprint == report.header.fingerprint
    other = gather_report(org, TODAY, "support bot")
    assert other.header.fingerprint != report.header.fingerprint


def test_nothing_in_the_file_reaches_the_network_or_runs(page: str) -> None:
    assert not LIVE.search(page)
    assert "default-src 'none'" in page
    assert page.count("<svg ") == 4  # roll-up, objectives, systems, evidence timeline: all inline
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "inlined charts must not share ids"


def test_one_system_report(org: OxigraphStore) -> None:
    one = gather_report(org, TODAY, "support bot")
    assert one.header.subject == "Support chatbot" and one.single_system
    assert [r.name for r in one.matrix.rows] == ["Support chatbot"]
    assert {r.id for r in one.risks.highest} == {"R-001", "R-004"}
    titles = {i.title for i in one.evidence.items}
    assert (
        "Chatbot inference logging specification" in titles
        and "AI policy v1.2 (approved by the executive committee)" in titles
    )
    assert "CV ranker bias evaluation report Q1 2026" not in titles
    assert dict(one.coverage.rollup) == {"applicable": 2, "not applicable": 0, "no decision": 36}
    html = render(one, TODAY)
    assert html.count('<tr class="system-row">') == 1


def test_stored_text_is_shown_as_text_never_markup(layout: OntologyLayout, tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE_INVENTORY.read_text(encoding="utf-8"))
    data["organisation"]["name"] = 'Kestrel "<b>Finance</b>"'
    hostile = {**data["systems"][0], "name": HOSTILE, "aliases": [], "owner": "Priya Natarajan"}
    data["systems"].append(hostile)
    data["risks"].append(
        {
            "id": "R-666",
            "title": "<img src=x onerror=alert(2)> $x^2$",
            "description": "A hostile title.",
            "systems": [HOSTILE],
            "likelihood": 5,
            "impact": 5,
            "owner": "Priya Natarajan",
            "controls": ["A.6.2.8"],
        }
    )
    data["evidence"].append(
        {
            "title": "</svg><script>alert(3)</script>",
            "url": "javascript:alert(4)",
            "owner": "Legal",
            "effective": "2026-01-01",
            "valid_until": "2026-11-01",
            "controls": ["A.6.2.8"],
            "systems": [HOSTILE],
        }
    )
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    store = copy_of_example(reference_only=True)
    import_inventory(path, store, read_triples(layout.vocabulary), layout.shapes)
    html = render(gather_report(store, TODAY), TODAY)
    assert not LIVE.search(html)
    assert "<b>" not in html and "<img" not in html.lower() and "javascript:" not in html
    row = '<tr class="system-row"><th scope="row" title="EU AI Act tier: limited\nowner: Priya Natarajan">'
    assert row + "&lt;script&gt;alert(1)&lt;/script&gt;</th>" in html
    assert "&lt;/svg&gt;&lt;script&gt;alert(3)&lt;/script&gt;" in html  # in the table and in the chart's text
    assert "$x^2$" in html  # a dollar sign is text, not mathtext
    assert "Kestrel &quot;&lt;b&gt;Finance&lt;/b&gt;&quot;" in html


def test_large_organisations_are_counted_by_group(org: OxigraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_matrix, "AGGREGATE_ABOVE", 3)
    monkeypatch.setattr(report_matrix, "WORST_SHOWN", 2)
    grouped = gather_report(org, TODAY)
    m = grouped.matrix
    assert m.aggregated and m.grouped_by == "EU AI Act tier" and m.systems == 6
    assert [(g.group, g.systems) for g in m.groups] == [("high", 1), ("limited", 2), ("minimal", 3)]
    controls = [c.id for c in m.controls]
    a22 = controls.index("A.2.2")
    assert all(g.tallies[a22].applicable == g.systems for g in m.groups)  # inherited from the organisation
    a74 = controls.index("A.7.4")
    assert sum(g.tallies[a74].not_applicable for g in m.groups) == 1
    assert len(m.rows) == 2 and not m.rules_evaluated
    html = render(grouped, TODAY)
    assert html.count('<tr class="group-row">') == 3 and html.count('<tr class="system-row">') == 2
    assert "Systems furthest behind (2 of 6)" in html
    by_owner = gather_report(org, TODAY, group_by=report_matrix.GroupBy.OWNER)
    assert len(by_owner.matrix.groups) == 6 and by_owner.matrix.grouped_by == "owner"


def test_a_synthetic_organisation_past_the_threshold(layout: OntologyLayout, monkeypatch: pytest.MonkeyPatch) -> None:
    """The benchmark's synthetic organisation (decisions for 90% of cells), past a threshold lowered to 40."""
    sys.path.insert(0, str(ROOT / "bench"))
    from synthetic_org import CONTROL_IDS, synthetic

    from graph.compliance.soa import controls

    monkeypatch.setattr(report_matrix, "AGGREGATE_ABOVE", 40)
    monkeypatch.setattr(report_matrix, "WORST_SHOWN", 5)
    store = copy_of_example(reference_only=True)
    CONTROL_IDS[:] = [c for c, _ in controls(store)]
    for graph, triples in synthetic(80, undecided=0.1):
        store.insert(graph, triples)
    big = gather_report(store, TODAY)
    m = big.matrix
    assert m.aggregated and m.systems == 80 and sum(g.systems for g in m.groups) == 80
    counted = organisation_cells(store)
    for index, control in enumerate(c.id for c in m.controls):
        assert sum(g.tallies[index].undecided for g in m.groups) == counted.count(
            "https://w3id.org/aims-graph/ontology#undecidedControl", control
        )
    assert len(m.rows) == 5
    open_counts = [r.still_open for r in m.rows]
    assert open_counts == sorted(open_counts, reverse=True) and open_counts[0] > 0
    assert big.coverage.systems_not_shown == 80 - len(big.coverage.per_system)
    html = render(big, TODAY)
    assert html.count('<tr class="system-row">') == 5 and html.count('<tr class="group-row">') == 3
    assert html.count('<td class="cell ') == 38 * (5 + 1)
