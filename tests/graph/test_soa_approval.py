"""SoA approvals: recorded like decisions (PROV, own graph, revisions), shown in every format, never stale unsaid."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from graph.compliance import approvals
from graph.compliance.approvals import ApprovalError
from graph.compliance.decisions import DecisionRequest, record
from graph.ingest.load import OntologyLayout
from graph.ingest.rdf_files import read_triples
from graph.inventory.importer import import_inventory
from graph.namespaces import AIMS, DCTERMS, GRAPH_APPROVALS, ORGANISATION, PROV, RDFS, XSD, node_iri
from graph.publish.reports import DOCUMENT_SHEET, soa_csv, soa_json, soa_markdown, soa_xlsx
from graph.publish.soa_header import NOT_APPROVED, approve_soa, soa_document
from graph.store import Store, text
from tests.conftest import EXAMPLE_INVENTORY, example_store

TODAY = dt.date(2026, 11, 25)
NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
CHATBOT = "Support chatbot"


@pytest.fixture
def store(layout: OntologyLayout) -> Store:
    """A fresh example organisation per test: approvals are writes."""
    built: Store = example_store(layout)
    return built


def _approval_quads(store: Store) -> int:
    return store.count(GRAPH_APPROVALS)


def test_approval_is_a_prov_entity_in_its_own_graph_with_who_when_and_version(store: Store) -> None:
    result, document = approve_soa(
        store, None, approver="priya natarajan", today=TODAY, approved_on=dt.date(2026, 11, 20), by="U-LEAD", now=NOW
    )
    assert result.created and result.approval.revises is None
    rows = store.select(
        f"""
        PREFIX aims: <{AIMS}>
        PREFIX prov: <{PROV}>
        PREFIX dcterms: <{DCTERMS}>
        PREFIX rdfs: <{RDFS}>
        SELECT ?subject ?approver ?on ?fingerprint ?who ?when ?via WHERE {{
          GRAPH <{GRAPH_APPROVALS}> {{
            ?a a aims:SoaApproval , prov:Entity ; aims:approvalOf ?subject ; aims:approvedBy ?approver ;
               dcterms:dateAccepted ?on ; aims:approvedFingerprint ?fingerprint ;
               prov:wasAttributedTo/rdfs:label ?who ; prov:generatedAtTime ?when ; aims:approvedVia ?via
          }}
        }}"""
    )
    assert len(rows) == 1
    row = rows[0]
    assert text(row["subject"]) == ORGANISATION
    assert text(row["approver"]) == node_iri("people", "Priya Natarajan")
    assert row["on"] is not None and row["on"].datatype.value == XSD + "date"  # type: ignore[union-attr]
    assert text(row["on"]) == "2026-11-20"
    assert text(row["fingerprint"]) == document.header.fingerprint
    assert (text(row["who"]), text(row["via"])) == ("U-LEAD", "cli")
    assert text(row["when"]).startswith("2026-11-25T09:30:00")
    # Approving is no decision: nothing counted as one, and the inventory graph is untouched.
    assert not store.ask(f"ASK {{ GRAPH <{GRAPH_APPROVALS}> {{ ?a a <{AIMS}Decision> }} }}")


def test_the_header_names_approver_and_date_in_every_format(store: Store, tmp_path: Path) -> None:
    _, approved = approve_soa(store, CHATBOT, approver="Amara Okafor", today=TODAY, approved_on=dt.date(2026, 11, 24))
    document = soa_document(store, "support bot", TODAY)  # asked by alias: the same subject
    header = document.header
    assert header == approved.header and header.approved
    assert (header.approver, header.approved_on) == ("Amara Okafor", "2026-11-24")
    assert header.approval == "approved by Amara Okafor on 2026-11-24 (this version)"

    parsed = list(csv.DictReader(io.StringIO(soa_csv(document.rows, header=header))))
    assert {(r["approval"], r["approved_by"], r["approved_on"]) for r in parsed} == {
        (header.approval, "Amara Okafor", "2026-11-24")
    }
    assert {r["approved_fingerprint"] for r in parsed} == {f"sha256:{header.fingerprint}"}
    markdown = soa_markdown(document.rows, header=header).splitlines()
    assert "- Approved by: Amara Okafor" in markdown and "- Approved on: 2026-11-24" in markdown
    rows = json.loads(soa_json(document.rows, header=header))
    assert rows[0]["control"] == "A.2.2"  # still a list of rows
    assert rows[0]["document"]["approver"] == "Amara Okafor" and rows[0]["document"]["approved"] is True
    soa_xlsx(document.rows, tmp_path / "soa.xlsx", header=header)
    about = dict(load_workbook(tmp_path / "soa.xlsx")[DOCUMENT_SHEET].iter_rows(values_only=True))
    assert (about["approved by"], about["approved on"]) == ("Amara Okafor", "2026-11-24")


def test_no_approval_says_not_yet_approved(store: Store) -> None:
    document = soa_document(store, None, TODAY)
    assert document.header.approval == NOT_APPROVED and not document.header.approved
    markdown = soa_markdown(document.rows, header=document.header).splitlines()
    assert "- Approval: not yet approved" in markdown
    assert not any(line.startswith("- Approved by") for line in markdown)
    parsed = next(csv.DictReader(io.StringIO(soa_csv(document.rows, header=document.header))))
    assert (parsed["approval"], parsed["approved_by"], parsed["approved_on"]) == (NOT_APPROVED, "", "")


def test_an_soa_changed_after_approval_says_the_approved_version_differs(store: Store, tmp_path: Path) -> None:
    _, approved = approve_soa(store, CHATBOT, approver="Priya Natarajan", today=TODAY)
    why = "The chatbot runs on Orion's hosted model."
    record(store, DecisionRequest("A.10.3", CHATBOT, "applicable", "risk-treatment", why, "U-LEAD"))
    document = soa_document(store, CHATBOT, TODAY)
    header = document.header
    assert header.fingerprint != approved.header.fingerprint
    assert not header.approved and header.approver == "Priya Natarajan"  # the facts are kept ...
    assert header.approval.startswith("NOT APPROVED: the approved version")  # ... but no one is misled
    assert header.approval.endswith("differs from this one; re-approve")
    assert approved.header.fingerprint[:12] in header.approval

    markdown = soa_markdown(document.rows, header=header).splitlines()
    assert f"- Approval: {header.approval}" in markdown
    assert not any(line.startswith(("- Approved by", "- Approved on")) for line in markdown)
    parsed = next(csv.DictReader(io.StringIO(soa_csv(document.rows, header=header))))
    assert (parsed["approved_by"], parsed["approved_on"]) == ("", "")
    assert parsed["approved_fingerprint"] == f"sha256:{approved.header.fingerprint}" != parsed["content_fingerprint"]
    assert json.loads(soa_json(document.rows, header=header))[0]["document"]["approved"] is False
    soa_xlsx(document.rows, tmp_path / "soa.xlsx", header=header)
    about = dict(load_workbook(tmp_path / "soa.xlsx")[DOCUMENT_SHEET].iter_rows(values_only=True))
    assert str(about["approval"]).endswith("re-approve") and about["approved by"] is None

    # Re-approving revises the earlier approval; nothing is deleted.
    result, again = approve_soa(store, CHATBOT, approver="Priya Natarajan", today=TODAY)
    assert again.header.approved and result.approval.revises == approvals.history(store, result.approval.subject)[0].iri
    assert len(approvals.history(store, result.approval.subject)) == 2
    assert approvals.current(store, result.approval.subject) == result.approval


def test_approving_the_same_version_again_writes_nothing(store: Store) -> None:
    first, _ = approve_soa(store, None, approver="Priya Natarajan", today=TODAY)
    written = _approval_quads(store)
    second, _ = approve_soa(store, None, approver="priya natarajan", today=TODAY, by="someone else")
    assert not second.created and second.approval == first.approval
    assert _approval_quads(store) == written


def test_an_unknown_approver_is_refused_saying_how_to_fix_it_and_nothing_is_written(store: Store) -> None:
    with pytest.raises(ApprovalError) as refused:
        approve_soa(store, CHATBOT, approver="Priya Natarjan", today=TODAY)
    message = str(refused.value)
    assert message.startswith("approver: 'Priya Natarjan' is not in the inventory's people section")
    assert "did you mean Priya Natarajan?" in message and "Tomasz Wiśniewski" in message
    assert "add them under `people:` in the inventory file" in message and "aims load --inventory FILE" in message
    assert _approval_quads(store) == 0
    assert soa_document(store, CHATBOT, TODAY).header.approval == NOT_APPROVED


def test_a_future_date_and_an_unknown_system_are_refused_together(store: Store) -> None:
    with pytest.raises(ApprovalError) as refused:
        approvals.approve(
            store,
            system="no such system",
            approver="Nobody Known",
            fingerprint="0" * 64,
            today=TODAY,
            approved_on=TODAY + dt.timedelta(days=1),
        )
    fields = [e.field for e in refused.value.errors]
    assert fields == ["system", "approver", "date"]
    assert "2026-11-26 is in the future" in str(refused.value)
    assert _approval_quads(store) == 0


def test_approvals_survive_a_reimport_of_the_inventory(store: Store, layout: OntologyLayout) -> None:
    approve_soa(store, None, approver="Priya Natarajan", today=TODAY)
    import_inventory(EXAMPLE_INVENTORY, store, read_triples(layout.vocabulary), layout.shapes)
    assert soa_document(store, None, TODAY).header.approved


def test_approval_round_trip_on_each_backend(layout: OntologyLayout, fresh_store: Callable[[], Store]) -> None:
    store: Store = example_store(layout, store=fresh_store())
    first, _ = approve_soa(store, "support bot", approver="Priya Natarajan", today=TODAY, now=NOW)
    second, document = approve_soa(store, CHATBOT, approver="Amara Okafor", today=TODAY)
    assert second.approval.revises == first.approval.iri
    assert approvals.current(store, second.approval.subject) == second.approval
    assert soa_document(store, CHATBOT, TODAY).header == document.header and document.header.approved
