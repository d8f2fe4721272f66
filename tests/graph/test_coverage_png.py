"""SoA coverage charts for Slack: the counts agree with the SoA and the report, the PNG is a real picture."""

from __future__ import annotations

import datetime as dt
import struct

import pytest

from graph.compliance.decisions import DecisionError, DecisionRequest, record
from graph.compliance.implementation import ImplementationRequest
from graph.compliance.implementation import record as record_implementation
from graph.compliance.soa import soa_for_system
from graph.publish.coverage_counts import (
    NOT_RECORDED,
    CoverageCounts,
    OrganisationCoverage,
    organisation_coverage,
    system_coverage,
)
from graph.publish.coverage_png import organisation_chart, system_chart
from graph.publish.report_data import gather_report
from graph.store.embedded import OxigraphStore
from tests.graph.example_copy import copy_of_example

TODAY = dt.date(2026, 12, 3)
WHEN = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def org() -> OxigraphStore:
    store = copy_of_example()
    for control, system, verdict in [
        ("A.10.3", "Support chatbot", "applicable"),
        ("A.6.2.8", "Support chatbot", "applicable"),
        ("A.7.4", "Support chatbot", "not-applicable"),
        ("A.2.2", None, "applicable"),
    ]:
        kind = "risk-treatment" if verdict == "applicable" else "not-relevant"
        record(store, DecisionRequest(control, system, verdict, kind, "Reason recorded for the test.", "U1"), now=WHEN)
    record_implementation(
        store,
        ImplementationRequest(requirement="A.6.2.8", system="Support chatbot", status="in-progress", recorded_by="U1"),
    )
    return store


def _size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_one_systems_counts_are_its_soa(org: OxigraphStore) -> None:
    counts = system_coverage(org, "support bot", TODAY)
    rows = soa_for_system(org, "Support chatbot", TODAY)
    assert counts.name == "Support chatbot" and counts.total == len(rows) == 38
    assert (counts.applicable, counts.not_applicable) == (3, 1)  # A.2.2 is inherited from the organisation
    assert counts.suggested == sum(r.verdict == "no decision" and bool(r.suggested_by) for r in rows) > 0
    assert counts.still_open == 34
    assert counts.implementation == (("in progress", 1), (NOT_RECORDED, 2))


def test_organisation_counts_agree_with_the_report_and_say_how_many_are_left_out(org: OxigraphStore) -> None:
    everyone = organisation_coverage(org, TODAY)
    report = gather_report(org, TODAY)
    assert everyone.total == 6 and everyone.not_shown == 0 and everyone.title == "SoA coverage per AI system"
    by_name = {c.name: c for c in everyone.systems}
    for name, tally in report.coverage.per_system:
        counts = by_name[name]
        assert (counts.applicable, counts.not_applicable, counts.still_open) == (
            tally.applicable,
            tally.not_applicable,
            tally.undecided,
        )
    two = organisation_coverage(org, TODAY, shown=2)
    assert len(two.systems) == 2 and two.not_shown == 4
    assert two.title == "SoA coverage per AI system: the 2 with the most open controls, and 4 more"
    assert "Support chatbot" not in {c.name for c in two.systems}  # the one with decisions is furthest ahead


def test_unknown_system_is_refused_by_name(org: OxigraphStore) -> None:
    with pytest.raises(DecisionError, match="no AI system called 'the toaster'"):
        system_coverage(org, "the toaster", TODAY)


def test_charts_are_pngs_of_a_readable_size_and_the_same_counts_give_the_same_bytes(org: OxigraphStore) -> None:
    one = system_chart(system_coverage(org, "Support chatbot", TODAY), TODAY.isoformat())
    width, height = _size(one)
    assert 900 <= width <= 1100 and 150 <= height <= 500
    assert system_chart(system_coverage(org, "Support chatbot", TODAY), TODAY.isoformat()) == one
    many = OrganisationCoverage(tuple(CoverageCounts(f"System {n}", 1, 2, 3, 32) for n in range(20)), 10_000)
    chart = organisation_chart(many, TODAY.isoformat())
    assert _size(chart)[1] > _size(organisation_chart(organisation_coverage(org, TODAY), TODAY.isoformat()))[1]
    assert chart != organisation_chart(many, "2026-12-04")  # the day is printed on the picture


def test_names_are_text_not_markup_and_outsize_ones_are_cut(org: OxigraphStore) -> None:
    odd = CoverageCounts("Price $x$ model " + "w" * 5_000, 0, 0, 0, 38)
    width, height = _size(system_chart(odd, TODAY.isoformat()))
    assert width < 1200 and height < 500
    empty = OrganisationCoverage((), 0)
    assert _size(organisation_chart(empty, TODAY.isoformat()))[0] > 0
