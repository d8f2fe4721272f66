"""Consistency warnings at decision time, and evidence linked to the register, on both store backends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from graph.compliance.consistency import warnings_for
from graph.compliance.decisions import DecisionError, DecisionRequest, record, validate
from graph.ingest.load import OntologyLayout
from graph.namespaces import AIMS, ORG
from tests.conftest import example_store

LOGGING_SPEC = ORG + "evidence/chatbot-inference-logging-specification"


def req(control: str, system: str | None, verdict: str, *evidence: str) -> DecisionRequest:
    kind = "not-relevant" if verdict == "not-applicable" else "risk-treatment"
    return DecisionRequest(control, system, verdict, kind, "Reviewed by the governance board.", "U1", evidence=evidence)


@pytest.fixture
def store(layout: OntologyLayout, fresh_store: Callable[[], Any]) -> Any:
    return example_store(layout, store=fresh_store())


def test_not_applicable_warns_of_the_treating_risk_and_the_suggesting_rule(store: Any) -> None:
    kinds = [(w.field, w.kind) for w in warnings_for(store, req("A.10.3", "Support chatbot", "not-applicable"))]
    assert kinds == [("verdict", "risk-treatment"), ("verdict", "rule-suggestion")]


def test_applicable_or_an_untreated_uncovered_control_draws_no_warning(store: Any) -> None:
    assert warnings_for(store, req("A.10.3", "Support chatbot", "applicable")) == []
    assert warnings_for(store, req("A.4.2", "Support chatbot", "not-applicable")) == []


def test_registered_evidence_is_linked_and_a_bare_word_is_refused(store: Any) -> None:
    with pytest.raises(DecisionError) as refused:
        record(store, req("A.6.2.8", "Support chatbot", "applicable", "not-a-url"))
    assert [e.field for e in refused.value.errors] == ["evidence"]
    request = req("A.6.2.8", "Support chatbot", "applicable", "Chatbot inference logging specification")
    assert validate(store, request) == [] and warnings_for(store, request) == []
    decision = record(store, request).decision
    rows = store.select(f"SELECT ?item WHERE {{ <{decision.iri}> <{AIMS}citesEvidence> ?item }}")
    assert [r["item"].value for r in rows] == [LOGGING_SPEC]
