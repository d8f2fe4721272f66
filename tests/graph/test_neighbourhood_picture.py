"""`aims graph ID`'s content and picture: what touches a control, capped per kind, drawn as SVG or PNG."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graph.compliance.decisions import DecisionRequest, record
from graph.publish import neighbourhood as hood_module
from graph.publish.neighbourhood import (
    CROSSWALK,
    EVIDENCE,
    RISK,
    SYSTEM,
    Neighbour,
    Neighbourhood,
    UnknownNodeError,
    neighbourhood,
)
from graph.publish.picture import PictureError, PictureFormat, as_networkx, picture, picture_format, ring_layout
from graph.store.embedded import OxigraphStore
from tests.graph.example_copy import copy_of_example

TODAY = dt.date(2026, 12, 3)


@pytest.fixture(scope="module")
def org() -> OxigraphStore:
    store = copy_of_example()
    record(
        store,
        DecisionRequest(
            "A.6.2.8", "Support chatbot", "applicable", "risk-treatment", "Conversations must be traceable.", "U-LEAD"
        ),
    )
    record(
        store,
        DecisionRequest(
            "A.6.2.8",
            "Internal coding assistant",
            "not-applicable",
            "not-relevant",
            "The vendor keeps no logs of ours.",
            "U-LEAD",
        ),
    )
    return store


@pytest.fixture(scope="module")
def logging(org: OxigraphStore) -> Neighbourhood:
    return neighbourhood(org, "a.6.2.8", TODAY)


def _of(hood: Neighbourhood, kind: str) -> dict[str, str]:
    return {n.label: n.relation for n in hood.neighbours if n.kind == kind}


def test_a_control_touches_the_standard_crosswalks_systems_and_evidence(logging: Neighbourhood) -> None:
    assert (logging.id, logging.title) == ("A.6.2.8", "AI system recording of event logs")
    systems = _of(logging, SYSTEM)
    assert systems["Support chatbot"] == "applicable"
    assert systems["Internal coding assistant"] == "not applicable"
    assert systems["CV screening model"] == "suggested by a rule"
    assert "EU AI Act: Art. 12 (logging)" in _of(logging, CROSSWALK)
    assert _of(logging, EVIDENCE) == {"Chatbot inference logging specification": "expired"}
    standard = {n.key: n.relation for n in logging.neighbours if n.kind not in (SYSTEM, CROSSWALK, EVIDENCE, RISK)}
    assert standard["A.6.2"] == "part of" and standard["A.6.2.6"] == "related to"
    assert standard["C.3.2"] == "addresses risk source"


def test_risks_that_name_the_control_as_their_treatment(org: OxigraphStore) -> None:
    data = neighbourhood(org, "A.7.4", TODAY)
    assert "R-002 CV ranking disadvantages older applicants" in _of(data, RISK)


def test_each_kind_is_capped_and_the_rest_counted(org: OxigraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hood_module, "PER_KIND", 2)
    capped = neighbourhood(org, "A.6.2.8", TODAY)
    assert len(_of(capped, SYSTEM)) == 2 and dict(capped.more)[SYSTEM] == 3
    graph = as_networkx(capped)
    assert graph.nodes[f"more:{SYSTEM}"]["label"] == "+3 more (AI system)"


def test_a_clause_and_an_unknown_id(org: OxigraphStore) -> None:
    audit = neighbourhood(org, "clause 9.2", TODAY)
    assert audit.id == "9.2" and {"9.2.1", "9.2.2", "9"} <= {n.key for n in audit.neighbours}
    with pytest.raises(UnknownNodeError) as refused:
        neighbourhood(org, "A.6.2.9", TODAY)
    assert "'A.6.2.9' is no id of ISO/IEC 42001:2023" in str(refused.value)
    assert "A.6.2.8" in str(refused.value).split("close:")[1]


def test_the_centre_is_in_the_middle_and_kinds_go_round_together(logging: Neighbourhood) -> None:
    graph = as_networkx(logging)
    pos = ring_layout(graph)
    assert pos["centre"] == (0.0, 0.0)
    assert all(abs(x) + abs(y) > 0.5 for node, (x, y) in pos.items() if node != "centre")


def test_the_svg_names_the_control_and_its_systems_as_text(logging: Neighbourhood) -> None:
    svg = picture(logging, PictureFormat.SVG).decode("utf-8")  # PNG: tests/bots/test_cli_report.py
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "A.6.2.8" in svg and "Support chatbot" in svg and "<text" in svg


def test_the_format_comes_from_the_suffix() -> None:
    assert picture_format(Path("x.SVG")) is PictureFormat.SVG
    assert picture_format(Path("out/x.png")) is PictureFormat.PNG
    for bad in ("x.pdf", "x", "x.svg.txt"):
        with pytest.raises(PictureError, match=r"\.svg or \.png"):
            picture_format(Path(bad))


def test_stored_names_are_text_in_the_picture() -> None:
    hostile = Neighbourhood(
        "A.6.2.8",
        "AI system recording of event logs",
        "Control",
        (
            Neighbour(SYSTEM, "s1", "<script>alert(1)</script>", "applicable"),
            Neighbour(RISK, "r1", "R-9 $x^2$ & </text>", "treated by it, level 9"),
        ),
        (),
    )
    svg = picture(hostile, PictureFormat.SVG).decode("utf-8")
    assert "<script" not in svg and "&lt;script&gt;alert(1)&lt;/script" in svg  # wrapped before its last ">"
    assert "R-9 $x^2$ &amp; &lt;/text&gt;" in svg


def test_a_risk_source_shows_the_risks_that_come_from_it(org: OxigraphStore) -> None:
    source = neighbourhood(org, "C.3.4", TODAY)
    assert {
        "R-001 Chatbot gives wrong repayment information",
        "R-002 CV ranking disadvantages older applicants",
    } <= set(_of(source, RISK))
