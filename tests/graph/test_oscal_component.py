"""The OSCAL component definition carries the organisation's decisions and implementation, read back by trestle."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from trestle.oscal.common import Property, StringDatatype
from trestle.oscal.component import ComponentDefinition, DefinedComponent, ImplementedRequirement

from graph.compliance import decisions, implementation
from graph.compliance.decisions import DecisionRequest
from graph.compliance.implementation import ImplementationRequest
from graph.ingest.load import OntologyLayout
from graph.publish.export import ExportFormat, export
from graph.publish.oscal import CATALOG_HREF, NAMESPACE, NOTICE, plain, unmarkdown
from graph.publish.oscal_component import REQUIRED, component_definition
from graph.standard import standard_nodes
from graph.store.embedded import OxigraphStore
from tests.conftest import EXAMPLE_INVENTORY, example_store, run_aims

NOW = dt.datetime(2026, 6, 1, 9, 30, tzinfo=dt.UTC)
# What a hostile or careless decider might type: markup, a script, a fake link, control and bidi characters.
HOSTILE = (
    'Vendor says "no PII" </script><script>alert(1)</script> *bold* [click](javascript:alert(1)) &amp;\n'
    "# heading\x07\x1b[31m red\u202e txet desrever"
)
ORGANISATION_WIDE = "Our AI policy v1.2 covers every AI system we build, buy or use."
OWN = "Inference logs are needed to reconstruct wrong repayment answers (R-001)."
LOGGING_SPEC = "Chatbot inference logging specification"
EXTRA_LINK = "https://evidence.kestrel.example/logs?run=1&kind=sample"


def _decide(store: OxigraphStore, control: str, system: str | None, verdict: str, kind: str, why: str) -> None:
    decisions.record(store, DecisionRequest(control, system, verdict, kind, why, decided_by="U07KF1PRN"), now=NOW)


def _implement(store: OxigraphStore, requirement: str, system: str | None, status: str, **more: Any) -> None:
    implementation.record(
        store, ImplementationRequest(requirement, system, status, recorded_by="U07KF1PRN", **more), now=NOW
    )


def _populate(store: OxigraphStore) -> OxigraphStore:
    _decide(store, "A.2.2", None, "applicable", "best-practice", ORGANISATION_WIDE)
    _decide(store, "A.6.2.8", "Support chatbot", "applicable", "risk-treatment", OWN)
    _decide(store, "A.5.4", "Internal coding assistant", "not-applicable", "not-relevant", HOSTILE)
    _implement(
        store,
        "A.6.2.8",
        "Support chatbot",
        "in-progress",
        owner="Priya Natarajan",
        target_date="2027-01-31",
        evidence=(LOGGING_SPEC, EXTRA_LINK),
        note="Sampling agreed with the <b>DPO</b>.",
    )
    _implement(store, "A.2.2", None, "implemented", owner="Compliance")
    _implement(store, "9.2.1", None, "planned", owner="Compliance", target_date="2026-09-30")
    _implement(store, "4.1", None, "not-started")
    return store


@pytest.fixture(scope="module")
def org(layout: OntologyLayout) -> OxigraphStore:
    return _populate(example_store(layout))


@pytest.fixture(scope="module")
def document(org: OxigraphStore, tmp_path_factory: pytest.TempPathFactory) -> ComponentDefinition:
    """The export written to a file and read back by compliance-trestle."""
    target = tmp_path_factory.mktemp("oscal") / "components.json"
    assert export(org, ExportFormat.OSCAL_COMPONENT, target) == 6 * 38 + 38 + 32
    read = ComponentDefinition.oscal_read(target)
    assert isinstance(read, ComponentDefinition)
    return read


def _component(document: ComponentDefinition, title: str) -> DefinedComponent:
    return next(c for c in document.components or [] if c.title == title)


def _type(component: DefinedComponent) -> str:
    """The component's type as written (trestle reads it back as a plain-string wrapper or an enum)."""
    kind = component.type
    return str(kind.root if isinstance(kind, StringDatatype) else kind.value)


def _requirement(component: DefinedComponent, control_id: str) -> ImplementedRequirement:
    implementations = component.control_implementations or []
    return next(r for ci in implementations for r in ci.implemented_requirements if r.control_id == control_id)


def _props(requirement: ImplementedRequirement, *, ours: bool = True) -> dict[str, str]:
    def namespaced(p: Property) -> bool:
        return (str(p.ns) if p.ns else "") == NAMESPACE

    return {p.name: p.value for p in requirement.props or [] if namespaced(p) == ours}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_one_component_per_ai_system_and_one_for_the_management_system(document: ComponentDefinition) -> None:
    components = document.components or []
    assert [(_type(c), c.title) for c in components[:1]] == [("policy", "Kestrel Finance AI management system")]
    systems = {c.title: c for c in components[1:]}
    assert set(systems) == {
        "Support chatbot",
        "CV screening model",
        "Fraud scoring model",
        "Internal coding assistant",
        "Product recommender",
        "Document OCR pipeline",
    }
    chatbot = systems["Support chatbot"]
    assert _type(chatbot) == "software"
    assert chatbot.description.startswith("Answers customers' questions about loans and payments")
    for component in components:
        (implemented,) = component.control_implementations or []
        assert implemented.source == CATALOG_HREF
    owner = (chatbot.responsible_roles or [])[0]
    parties = {p.uuid: p.name for p in document.metadata.parties or []}
    assert owner.role_id == "asset-owner" and [parties[u] for u in owner.party_uuids or []] == ["Priya Natarajan"]


def test_own_decision_inherited_decision_and_no_decision(document: ComponentDefinition) -> None:
    chatbot = _component(document, "Support chatbot")
    own = _props(_requirement(chatbot, "a.6.2.8"))
    assert own["applicability"] == "applicable" and own["applicability-basis"] == "decided for this system"
    assert own["justification"] == OWN and own["justification-type"] == "risk treatment"
    assert own["decided-by"] == "U07KF1PRN" and own["decided-at"].startswith("2026-06-01T09:30")

    # A system without a decision of its own on A.2.2 shows the organisation's, and says it is inherited.
    fraud = _props(_requirement(_component(document, "Fraud scoring model"), "a.2.2"))
    assert fraud["applicability"] == "applicable" and fraud["applicability-basis"] == "inherited from the organisation"
    assert fraud["justification"] == ORGANISATION_WIDE and fraud["justification-type"] == "best practice"
    management = _props(_requirement(_component(document, "Kestrel Finance AI management system"), "a.2.2"))
    assert management["applicability-basis"] == "decided organisation-wide"

    undecided = _requirement(chatbot, "a.2.3")
    assert _props(undecided) == {"applicability": "undecided"} and not _props(undecided, ours=False)
    assert "no applicability decision yet" in undecided.description

    excluded = _requirement(_component(document, "Internal coding assistant"), "a.5.4")
    assert _props(excluded)["applicability"] == "not-applicable"
    assert _props(excluded, ours=False) == {"implementation-status": "not-applicable"}


def test_implementation_status_owner_target_date_and_evidence(document: ComponentDefinition) -> None:
    requirement = _requirement(_component(document, "Support chatbot"), "a.6.2.8")
    assert _props(requirement, ours=False) == {"implementation-status": "partial"}
    ours = _props(requirement)
    assert ours["implementation-status"] == "in progress" and ours["target-date"] == "2027-01-31"
    assert ours["implementation-basis"] == "recorded for this system"
    parties = {p.uuid: p.name for p in document.metadata.parties or []}
    (owner,) = requirement.responsible_roles or []
    assert owner.role_id == "implementation-owner" and [parties[u] for u in owner.party_uuids or []] == [
        "Priya Natarajan"
    ]
    assert unmarkdown(requirement.remarks or "") == "Implementation note: Sampling agreed with the <b>DPO</b>."

    assert document.back_matter is not None
    resources = {r.uuid: r for r in document.back_matter.resources or []}
    evidence = {}
    for link in requirement.links or []:
        assert link.rel == "evidence" and link.href.startswith("#")
        resource = resources[link.href[1:]]
        evidence[unmarkdown(resource.title or "")] = [r.href for r in resource.rlinks or []]
    assert evidence[LOGGING_SPEC] == ["https://wiki.kestrel.example/chatbot/logging"]
    assert evidence[EXTRA_LINK] == [EXTRA_LINK]
    assert all(r.href.startswith(("https://", "http://")) for res in resources.values() for r in res.rlinks or []), (
        "back-matter links are web links only"
    )

    # The organisation's record reaches a system without its own, marked as inherited.
    fraud = _requirement(_component(document, "Fraud scoring model"), "a.2.2")
    assert _props(fraud, ours=False) == {"implementation-status": "implemented"}
    assert _props(fraud)["implementation-basis"] == "inherited from the organisation"


def test_clauses_4_to_10_are_requirements_of_the_management_system(document: ComponentDefinition) -> None:
    management = _component(document, "Kestrel Finance AI management system")
    audit = _requirement(management, "clause-9.2.1")
    assert _props(audit)["applicability"] == "applicable" and _props(audit)["applicability-basis"] == REQUIRED
    assert _props(audit, ours=False) == {"implementation-status": "planned"}
    assert _props(audit)["target-date"] == "2026-09-30"
    # OSCAL has no "not started": it is planned there, and our own label travels beside it.
    context = _requirement(management, "clause-4.1")
    assert _props(context, ours=False) == {"implementation-status": "planned"}
    assert _props(context)["implementation-status"] == "not started"
    assert not _props(_requirement(management, "clause-4.2"), ours=False)
    chatbot = _component(document, "Support chatbot")
    assert not any(
        r.control_id.startswith("clause-")
        for ci in chatbot.control_implementations or []
        for r in ci.implemented_requirements
    )


def test_hostile_justification_survives_as_data(org: OxigraphStore, tmp_path: Path) -> None:
    target = tmp_path / "components.json"
    export(org, ExportFormat.OSCAL_COMPONENT, target)
    raw = target.read_text(encoding="utf-8")
    json.loads(raw)  # still JSON
    assert "\\u0007" not in raw and "\\u001b" not in raw and "\u202e" not in raw
    read = ComponentDefinition.oscal_read(target)
    assert isinstance(read, ComponentDefinition)
    requirement = _requirement(_component(read, "Internal coding assistant"), "a.5.4")
    stated = _props(requirement)["justification"]
    assert stated == plain(HOSTILE) and "</script><script>alert(1)</script>" in stated
    # The Markdown description shows the same words, with nothing left for a renderer to act on.
    assert plain(HOSTILE) in unmarkdown(requirement.description)
    assert "</script>" not in requirement.description and "[click](" not in requirement.description
    assert "\\</script\\>" in requirement.description and "\\*bold\\*" in requirement.description


def test_no_text_of_the_standard(org: OxigraphStore, document: ComponentDefinition) -> None:
    strings = list(_strings(json.loads(document.oscal_serialize_json())))
    nodes = standard_nodes(org)
    prose = [n.summary for n in nodes.values() if n.summary] + [e for n in nodes.values() for e in n.evidence]
    assert prose and not [p for p in prose if any(p in s for s in strings)], (
        "summaries and guidance stay in the catalog"
    )
    ids = {n.id.lower() if n.id[0].isalpha() else f"clause-{n.id}" for n in nodes.values()}
    requirements = [
        r
        for c in document.components or []
        for ci in c.control_implementations or []
        for r in ci.implemented_requirements
    ]
    assert {r.control_id for r in requirements} <= ids
    assert NOTICE in unmarkdown(document.metadata.remarks or "")


def _uuids(value: Any) -> list[str]:
    if isinstance(value, dict):
        own = [value["uuid"]] if "uuid" in value else []
        return own + [u for item in value.values() for u in _uuids(item)]
    if isinstance(value, list):
        return [u for item in value for u in _uuids(item)]
    return []


def test_uuids_and_version_are_stable_for_the_same_graph(layout: OntologyLayout) -> None:
    store = _populate(example_store(layout))
    first = json.loads(component_definition(store, NOW).oscal_serialize_json())
    again = json.loads(component_definition(store, NOW + dt.timedelta(days=3)).oscal_serialize_json())
    assert _uuids(first) == _uuids(again) and len(set(_uuids(first))) == len(_uuids(first))
    assert first["component-definition"]["metadata"]["version"] == again["component-definition"]["metadata"]["version"]
    assert (
        first["component-definition"]["metadata"]["last-modified"]
        != again["component-definition"]["metadata"]["last-modified"]
    )

    # A new decision changes the content's version, not the identity of what it describes.
    _decide(store, "A.2.3", "Support chatbot", "applicable", "best-practice", "Escalation paths are part of the bot.")
    later = json.loads(component_definition(store, NOW).oscal_serialize_json())
    assert later["component-definition"]["metadata"]["version"] != first["component-definition"]["metadata"]["version"]
    assert _uuids(later) == _uuids(first)


def test_aims_export_writes_the_component_definition(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run_aims(home, "load", "--inventory", str(EXAMPLE_INVENTORY)).returncode == 0
    target = tmp_path / "components.json"
    result = run_aims(home, "export", "--format", "oscal-component", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert f"wrote {6 * 38 + 38 + 32} implemented requirements" in result.stdout
    read = ComponentDefinition.oscal_read(target)
    assert isinstance(read, ComponentDefinition) and len(read.components or []) == 7
