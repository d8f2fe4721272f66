"""Evidence reminders, renewals and the weekly digest on the example organisation, on a fixed day.

On 2026-12-02 three of Kestrel's six evidence items have expired (DocuScan on 2026-05-31, the chatbot's
logging spec on 2026-09-14, the CV ranker's bias report on 2026-10-01) and one expires within 30 days
(the fraud dashboard export, 2026-12-31); the AI policy and the Orion assessment run into 2027.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from graph.compliance.decisions import DecisionRequest, record
from graph.compliance.digest import digest_sent, iso_week, record_digest, weekly_digest
from graph.compliance.evidence import evidence_index
from graph.compliance.gap import gap_analysis
from graph.compliance.reminders import (
    Reminder,
    ReminderError,
    cache_slack_id,
    disown,
    due_reminders,
    person_by_name,
    record_sent,
    renew,
    snooze,
)
from graph.compliance.soa import soa_for_system, soa_rollup
from graph.ingest.load import OntologyLayout
from graph.ingest.rdf_files import read_triples
from graph.inventory.importer import import_inventory
from graph.namespaces import AIMS, GRAPH_RENEWALS, PROV, node_iri
from graph.store import text
from graph.store.embedded import OxigraphStore
from tests.conftest import EXAMPLE_INVENTORY, example_store

TODAY = dt.date(2026, 12, 2)
NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
CHATBOT_LOGGING = node_iri("evidence", "Chatbot inference logging specification")
DOCUSCAN = node_iri("evidence", "DocuScan licence and data processing agreement")
FRAUD_EXPORT = node_iri("evidence", "Fraud model monitoring dashboard export")


@pytest.fixture
def org(layout: OntologyLayout) -> OxigraphStore:
    store: OxigraphStore = example_store(layout)
    return store


def summary(reminders: list[Reminder]) -> list[tuple[str, str, str, str]]:
    return [(r.title, r.threshold, r.valid_until, r.person.slack_id if r.person else "-") for r in reminders]


def test_due_reminders_are_the_lapsing_items_with_their_owners(org: OxigraphStore) -> None:
    due = due_reminders(org, TODAY)
    assert summary(due) == [
        ("DocuScan licence and data processing agreement", "expired", "2026-05-31", ""),
        ("Chatbot inference logging specification", "expired", "2026-09-14", "U07KF1PRN"),
        ("CV ranker bias evaluation report Q1 2026", "expired", "2026-10-01", "U07KF2TWS"),
        ("Fraud model monitoring dashboard export", "expiring", "2026-12-31", "U07KF3AOK"),
    ]
    chatbot = due[1]
    assert chatbot.owner == "Priya Natarajan" and chatbot.person and chatbot.person.name == "Priya Natarajan"
    assert chatbot.controls == ("A.6.2.8",) and chatbot.systems == ("Support chatbot",)
    assert chatbot.url == "https://wiki.kestrel.example/chatbot/logging"
    assert due[2].controls == ("A.5.4", "A.6.2.4", "A.7.4")  # the standard's order
    assert due[0].person and due[0].person.name == "Legal"  # listed, but with no way to reach them
    assert [r.title for r in due_reminders(org, TODAY, within_days=10)] == [r.title for r in due[:3]]


def test_a_sent_reminder_is_not_due_again_until_its_threshold_changes(org: OxigraphStore) -> None:
    for reminder in due_reminders(org, TODAY):
        record_sent(org, reminder, to="U07KF1PRN", where="D123 1764000000.000100", now=NOW)
    assert due_reminders(org, TODAY) == []
    # On 2027-01-01 the fraud export's "expired" reminder is new, and the AI policy (2027-01-31) now expires.
    assert summary(due_reminders(org, dt.date(2027, 1, 1))) == [
        ("Fraud model monitoring dashboard export", "expired", "2026-12-31", "U07KF3AOK"),
        ("AI policy v1.2 (approved by the executive committee)", "expiring", "2027-01-31", ""),
    ]


def test_what_was_sent_survives_a_restart(layout: OntologyLayout, tmp_path: Path) -> None:
    store = example_store(layout, tmp_path / "store")
    [first, *_] = due_reminders(store, TODAY)
    record_sent(store, first, to="C-COMPLIANCE", where="C-COMPLIANCE 1764000000.000100", now=NOW)
    store.close()
    reopened = OxigraphStore(tmp_path / "store")
    try:
        assert first.evidence not in {r.evidence for r in due_reminders(reopened, TODAY)}
        assert len(due_reminders(reopened, TODAY)) == 3
    finally:
        reopened.close()


def test_snooze_hides_an_item_until_the_day(org: OxigraphStore) -> None:
    snooze(org, CHATBOT_LOGGING, dt.date(2026, 12, 9), by="U07KF1PRN", now=NOW)
    for day, shown in [(TODAY, False), (dt.date(2026, 12, 8), False), (dt.date(2026, 12, 9), True)]:
        assert (CHATBOT_LOGGING in {r.evidence for r in due_reminders(org, day)}) is shown, day
    assert len(due_reminders(org, TODAY)) == 3  # the others are still due


def test_bad_reminder_actions_are_refused_with_the_field(org: OxigraphStore) -> None:
    before = set(org.quads())
    with pytest.raises(ReminderError, match=r"^until: 2026-12-01 is not after today"):
        snooze(org, CHATBOT_LOGGING, dt.date(2026, 12, 1), by="U1", now=NOW)
    with pytest.raises(ReminderError, match=r"^evidence: .* is not an evidence item"):
        disown(org, node_iri("evidence", "No such thing"), by="U1", now=NOW)
    with pytest.raises(ReminderError, match=r"^valid_until: 2026-01-01 is before the effective date 2026-12-01"):
        renew(
            org,
            CHATBOT_LOGGING,
            valid_until=dt.date(2026, 1, 1),
            effective=dt.date(2026, 12, 1),
            url=None,
            by="U1",
            via="cli",
        )
    with pytest.raises(ReminderError, match=r"^url: "):
        renew(
            org,
            CHATBOT_LOGGING,
            valid_until=dt.date(2027, 1, 1),
            effective=None,
            url="javascript:x",
            by="U1",
            via="cli",
        )
    with pytest.raises(ReminderError, match=r"^slack_id: "):
        cache_slack_id(org, node_iri("people", "Procurement"), "procurement")
    assert set(org.quads()) == before


def test_not_mine_is_kept_with_who_and_when(org: OxigraphStore) -> None:
    disown(org, DOCUSCAN, by="U07KF6RCO", now=NOW)
    rows = org.select(
        f"SELECT ?who ?when WHERE {{ ?d a <{AIMS}Disowned> ; <{AIMS}remindedAbout> ?e ; "
        f"<{PROV}wasAttributedTo>/<http://www.w3.org/2000/01/rdf-schema#label> ?who ; <{PROV}generatedAtTime> ?when }}",
        bindings={"e": NamedNode(DOCUSCAN)},
    )
    assert [(text(r["who"]), text(r["when"])) for r in rows] == [("U07KF6RCO", "2026-12-02T09:00:00Z")]


def test_renewal_makes_the_item_current_in_the_soa_and_everywhere(org: OxigraphStore) -> None:
    [row] = [r for r in soa_for_system(org, "Support chatbot", TODAY) if r.control == "A.6.2.8"]
    assert [e.status for e in row.evidence] == ["expired"]
    link = "https://wiki.kestrel.example/chatbot/logging-v2"
    renew(
        org,
        CHATBOT_LOGGING,
        valid_until=dt.date(2027, 9, 14),
        effective=dt.date(2026, 9, 15),
        url=link,
        by="U07KF1PRN",
        via="https://kestrel.slack.com/archives/D1/p1764000000000100",
        now=NOW,
    )
    [row] = [r for r in soa_for_system(org, "Support chatbot", TODAY) if r.control == "A.6.2.8"]
    assert [(e.status, e.valid_until, e.url) for e in row.evidence] == [("current", "2027-09-14", link)]
    [rolled] = [r for r in soa_rollup(org, TODAY) if r.control == "A.6.2.8"]
    assert [e.status for e in rolled.evidence] == ["current"]  # the cached organisation-wide index too
    assert "Chatbot inference logging specification" not in {e.title for e in evidence_index(org, TODAY).lapsing}
    assert "Chatbot inference logging specification" not in {g.subject for g in gap_analysis(org, TODAY)}
    assert CHATBOT_LOGGING not in {r.evidence for r in due_reminders(org, TODAY)}
    [who] = org.select(
        f"SELECT ?who ?via WHERE {{ GRAPH <{GRAPH_RENEWALS}> {{ ?r <{AIMS}renews> ?e ; "
        f"<{PROV}wasAttributedTo>/<http://www.w3.org/2000/01/rdf-schema#label> ?who ; <{AIMS}renewedVia> ?via }} }}",
        bindings={"e": NamedNode(CHATBOT_LOGGING)},
    )
    assert text(who["who"]) == "U07KF1PRN" and text(who["via"]).startswith("https://kestrel.slack.com/")


def test_renewal_survives_a_reimport_and_the_newest_wins(layout: OntologyLayout, org: OxigraphStore) -> None:
    renew(org, CHATBOT_LOGGING, valid_until=dt.date(2027, 3, 1), effective=None, url=None, by="U1", via="cli", now=NOW)
    renew(
        org,
        CHATBOT_LOGGING,
        valid_until=dt.date(2027, 9, 14),
        effective=None,
        url=None,
        by="U2",
        via="cli",
        now=NOW + dt.timedelta(hours=1),
    )
    import_inventory(EXAMPLE_INVENTORY, org, read_triples(layout.vocabulary), layout.shapes)
    [row] = [r for r in soa_for_system(org, "Support chatbot", TODAY) if r.control == "A.6.2.8"]
    # The link was not renewed, so the file's stays; the dates are the newest renewal's.
    assert [(e.status, e.valid_until, e.url) for e in row.evidence] == [
        ("current", "2027-09-14", "https://wiki.kestrel.example/chatbot/logging")
    ]
    revisions = org.select(
        f"SELECT ?new ?old WHERE {{ GRAPH <{GRAPH_RENEWALS}> {{ ?new <{PROV}wasRevisionOf> ?old }} }}"
    )
    assert len(revisions) == 1


def test_a_file_edited_to_a_later_date_than_the_renewal_wins_on_reimport(
    layout: OntologyLayout, org: OxigraphStore, tmp_path: Path
) -> None:
    """The owner renewed in Slack, then the compliance lead wrote next year's date into the file."""
    renew(org, CHATBOT_LOGGING, valid_until=dt.date(2027, 3, 1), effective=None, url=None, by="U1", via="cli", now=NOW)
    edited = tmp_path / "kestrel.yaml"
    original = EXAMPLE_INVENTORY.read_text(encoding="utf-8")
    assert original.count("valid_until: 2026-09-14") == 1
    edited.write_text(original.replace("valid_until: 2026-09-14", "valid_until: 2027-12-31"), encoding="utf-8")
    import_inventory(edited, org, read_triples(layout.vocabulary), layout.shapes)
    [row] = [r for r in soa_for_system(org, "Support chatbot", TODAY) if r.control == "A.6.2.8"]
    assert [e.valid_until for e in row.evidence] == ["2027-12-31"]


def test_a_renewed_item_that_lapses_is_reminded_again(org: OxigraphStore) -> None:
    [expiring] = [r for r in due_reminders(org, TODAY) if r.evidence == FRAUD_EXPORT]
    record_sent(org, expiring, to="U07KF3AOK", where="D1 1", now=NOW)
    renew(
        org,
        FRAUD_EXPORT,
        valid_until=dt.date(2027, 3, 31),
        effective=None,
        url=None,
        by="U07KF3AOK",
        via="cli",
        now=NOW,
    )
    assert summary([r for r in due_reminders(org, dt.date(2027, 3, 15)) if r.evidence == FRAUD_EXPORT]) == [
        ("Fraud model monitoring dashboard export", "expiring", "2027-03-31", "U07KF3AOK")
    ]


def test_a_slack_id_found_by_email_is_kept(org: OxigraphStore) -> None:
    procurement = person_by_name(org, "Procurement")
    assert procurement is not None and procurement.slack_id == ""
    cache_slack_id(org, procurement.iri, "U07PROC01")
    cache_slack_id(org, procurement.iri, "U07PROC02")  # a newer lookup replaces the older one
    found = person_by_name(org, "Procurement")
    assert found is not None and found.slack_id == "U07PROC02"
    with pytest.raises(ReminderError, match=r"^person: "):
        cache_slack_id(org, node_iri("people", "Nobody"), "U07PROC03")


def test_weekly_digest_names_lapsing_evidence_the_weeks_decisions_and_who_cannot_be_reminded(
    org: OxigraphStore,
) -> None:
    for when in (dt.datetime(2026, 11, 25, 23, tzinfo=dt.UTC), dt.datetime(2026, 11, 26, 8, tzinfo=dt.UTC)):
        request = DecisionRequest("A.10.3", "Support chatbot", "applicable", "risk-treatment", "Vendor LLM", "U-LEAD")
        record(org, request, now=when)
    for reminder in due_reminders(org, TODAY):  # the digest lists lapsing evidence whatever was sent
        record_sent(org, reminder, to="U1", where="D1 1", now=NOW)
    digest = weekly_digest(org, TODAY)
    assert digest.week == "2026-W49" == iso_week(TODAY) and digest.today == "2026-12-02"
    assert [r.title for r in digest.expired] == [
        "DocuScan licence and data processing agreement",
        "Chatbot inference logging specification",
        "CV ranker bias evaluation report Q1 2026",
    ]
    assert [r.title for r in digest.expiring] == ["Fraud model monitoring dashboard export"]
    # Only the decision of 2026-11-26 falls in the seven days up to 2026-12-02.
    assert [(d.control, d.system, d.decided_by) for d in digest.decisions] == [("A.10.3", "Support chatbot", "U-LEAD")]
    assert dict(digest.undecided)["Support chatbot"] == 37 and dict(digest.undecided)["Product recommender"] == 38
    assert digest.overdue and all(": " in line for line in digest.overdue)
    assert digest.unreachable == ("Legal",)


def test_a_digest_is_recorded_once_per_week_and_channel(org: OxigraphStore) -> None:
    assert not digest_sent(org, "2026-W49", "C-COMPLIANCE")
    record_digest(org, "2026-W49", "C-COMPLIANCE", "C-COMPLIANCE 1764000000.000100", now=NOW)
    assert digest_sent(org, "2026-W49", "C-COMPLIANCE")
    assert not digest_sent(org, "2026-W50", "C-COMPLIANCE") and not digest_sent(org, "2026-W49", "C-OTHER")
