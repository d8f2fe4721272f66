"""Evidence reminders and the weekly digest, on a fixed day, against the fake Slack Web API.

On 2026-12-03 the example organisation has three expired evidence items (two owners with Slack ids, and
Legal, who has none) and one expiring within 30 days. Sends go through the real slack_sdk client (with its
429 retry handler); the buttons and the *Renewed* modal go to the real bolt app as signed requests.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient

from bots.slack.app import web_client
from bots.slack.config import SlackConfig
from bots.slack.digest import send_digest
from bots.slack.listeners.views.reminder_builder import DISOWN, RENEW, SNOOZE
from bots.slack.reminders import send_reminders
from bots.slack.schedule import check_schedules, start_schedule
from graph.compliance.reminders import due_reminders, person_by_name
from graph.compliance.soa import soa_for_system
from graph.ingest.load import OntologyLayout
from graph.store.embedded import OxigraphStore
from tests.bots.slack.conftest import DECIDER, EMPLOYEE, Bot
from tests.bots.slack.fake_slack_api import Call, Failure, FakeSlackApi
from tests.conftest import EXAMPLE_INVENTORY, example_store, run_aims

TODAY = dt.date(2026, 12, 3)
COMPLIANCE = "CCOMPLIANCE"
DIGEST = "CDIGEST"
PRIYA, TOMASZ, AMARA = "U07KF1PRN", "U07KF2TWS", "U07KF3AOK"
LOGGING_SPEC = "Chatbot inference logging specification"


@pytest.fixture
def store(layout: OntologyLayout) -> Iterator[OxigraphStore]:
    """A fresh example organisation per test: what one test sends is recorded in its own graph."""
    found = example_store(layout)
    try:
        yield found
    finally:
        found.close()


@pytest.fixture
def client(fake_api: FakeSlackApi) -> WebClient:
    return web_client(SlackConfig(bot_token="xoxb-test", api_url=fake_api.base_url))


def _posts(api: FakeSlackApi, channel: str | None = None) -> list[Call]:
    found = api.calls_to("chat.postMessage")
    return [c for c in found if channel is None or c.params["channel"] == channel]


def _dms(api: FakeSlackApi) -> list[Call]:
    return [c for c in _posts(api) if c.params["channel"].startswith(("U", "W"))]


def _shown(call: Call) -> str:
    """Everything a message shows: its sections' text and its buttons' labels."""
    found = [str(call.params.get("text", ""))]
    for block in call.params.get("blocks") or []:
        if isinstance(block.get("text"), dict):
            found.append(block["text"]["text"])
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if isinstance(element.get("text"), dict):
                found.append(element["text"]["text"])
    return "\n".join(found)


def _remind(client: WebClient | None, store: OxigraphStore, **kw: Any) -> list[Any]:
    return send_reminders(client, store, today=TODAY, within_days=30, compliance_channel=COMPLIANCE, **kw)


def test_expired_items_get_one_dm_each_one_digest_and_a_second_run_sends_nothing(
    fake_api: FakeSlackApi, client: WebClient, store: OxigraphStore
) -> None:
    _remind(client, store)
    dms = {c.params["channel"]: c for c in _dms(fake_api)}
    assert len(_dms(fake_api)) == 3 and set(dms) == {PRIYA, TOMASZ, AMARA}
    assert LOGGING_SPEC in _shown(dms[PRIYA]) and "expired on 2026-09-14" in _shown(dms[PRIYA])
    assert "A.6.2.8" in _shown(dms[PRIYA]) and "Support chatbot" in _shown(dms[PRIYA])
    assert "CV ranker bias evaluation report" in _shown(dms[TOMASZ])
    assert "expires on 2026-12-31 (in 28 days)" in _shown(dms[AMARA])
    buttons = [e["action_id"] for b in dms[PRIYA].params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == [RENEW, SNOOZE, DISOWN]
    # The three expired items are escalated, once each; Legal's says it cannot be reminded.
    escalations = _posts(fake_api, COMPLIANCE)
    assert len(escalations) == 3
    legal = next(c for c in escalations if "DocuScan" in _shown(c))
    assert "cannot be reminded" in _shown(legal)
    assert f"<@{PRIYA}>" in next(_shown(c) for c in escalations if LOGGING_SPEC in _shown(c))

    first = send_digest(client, store, today=TODAY, channel=DIGEST, within_days=30)
    assert first.status == "sent" and first.week == "2026-W49"
    [digest] = _posts(fake_api, DIGEST)
    assert "Cannot be reminded" in _shown(digest) and "Legal" in _shown(digest)
    assert "DocuScan licence and data processing agreement" in _shown(digest)

    fake_api.reset()
    assert not due_reminders(store, TODAY, 30)
    again = _remind(client, store)
    assert send_digest(client, store, today=TODAY, channel=DIGEST, within_days=30).status == "already sent"
    assert not _posts(fake_api) and not again
    # Another channel is another digest.
    assert send_digest(client, store, today=TODAY, channel="CELSEWHERE", within_days=30).status == "sent"


def test_owner_known_only_by_email_is_looked_up_once_and_kept(
    fake_api: FakeSlackApi, client: WebClient, store: OxigraphStore
) -> None:
    fake_api.users_by_email["compliance@example.com"] = "UCOMPLY"
    try:
        # 100 days ahead reaches the AI policy (Compliance: e-mail only) and the supplier assessment
        # (Procurement: an e-mail nobody in Slack has).
        sent = send_reminders(client, store, today=TODAY, within_days=100)
    finally:
        fake_api.users_by_email.clear()
    lookups = [c.params["email"] for c in fake_api.calls_to("users.lookupByEmail")]
    assert sorted(lookups) == ["compliance@example.com", "procurement@example.com"]
    assert "UCOMPLY" in {c.params["channel"] for c in _dms(fake_api)}
    compliance = person_by_name(store, "Compliance")
    assert compliance is not None and compliance.slack_id == "UCOMPLY"
    unreached = [d.reminder.owner for d in sent if not d.reached]
    assert sorted(unreached) == ["Legal", "Procurement"]


def test_rate_limited_post_is_retried(fake_api: FakeSlackApi, client: WebClient, store: OxigraphStore) -> None:
    fake_api.fail_next("chat.postMessage", Failure(429, {"Retry-After": "1"}))
    sent = _remind(client, store)
    assert not any(d.error for d in sent)
    posts = [(c.params["channel"], c.params["text"]) for c in _posts(fake_api)]
    assert len(posts) == 3 + 3 + 1  # three DMs, three escalations, and the first try that was refused
    assert len(set(posts)) == 6 and posts[0] == posts[1]
    assert not due_reminders(store, TODAY, 30)


def test_failed_dm_is_not_recorded_so_the_next_run_tries_again(
    fake_api: FakeSlackApi, client: WebClient, store: OxigraphStore
) -> None:
    fake_api.fail_next("chat.postMessage", Failure(500), times=10)
    sent = send_reminders(client, store, today=TODAY, within_days=30)
    assert all(d.error for d in sent if d.reached)
    assert len(due_reminders(store, TODAY, 30)) == 4


def test_dry_run_sends_and_records_nothing(fake_api: FakeSlackApi, store: OxigraphStore) -> None:
    planned = _remind(None, store, dry_run=True)
    assert not fake_api.calls
    lines = [d.describe(dry_run=True) for d in planned]
    assert any(line.startswith(f"would send DM to {PRIYA}") for line in lines)
    assert any("Legal" in line and "escalation" in line for line in lines)
    assert len(due_reminders(store, TODAY, 30)) == 4
    run = send_digest(None, store, today=TODAY, channel=DIGEST, within_days=30, dry_run=True)
    assert run.status == "would send" and "- Legal" in run.lines and not fake_api.calls


# --- the buttons and the modal, as signed requests to the running bot ---------------------------------


def _pressed(action_id: str, value: str, *, user: str, channel: str = "D1PRIYA") -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": user},
        "trigger_id": "trigger-r1",
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "channel": {"id": channel},
        "container": {"type": "message", "message_ts": "1764770000.000100", "channel_id": channel},
        "message": {"ts": "1764770000.000100", "text": "reminder"},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value, "action_ts": "1"}],
    }


def _submitted(view: dict[str, Any], user: str, *, valid_until: str, url: str = "") -> dict[str, Any]:
    state: dict[str, Any] = {"valid_until": {"value": {"type": "datepicker", "selected_date": valid_until}}}
    state["effective"] = {"value": {"type": "datepicker", "selected_date": None}}
    state["url"] = {"value": {"type": "plain_text_input", "value": url or None}}
    return {
        "type": "view_submission",
        "user": {"id": user},
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "trigger-r2",
        "view": {**view, "id": "VRENEW", "team_id": "T1", "hash": "h", "state": {"values": state}},
    }


_SENT_BY_BOT: list[Call] = []


def _dm_value(bot: Bot, title: str, action_id: str) -> str:
    """The value of ``action_id`` on the DM about ``title``, sent once from the bot's graph for the module."""
    if not _SENT_BY_BOT:
        client = web_client(SlackConfig(bot_token="xoxb-test", api_url=bot.api.base_url))
        send_reminders(client, bot.store, today=TODAY, within_days=30)
        _SENT_BY_BOT.extend(bot.api.calls_to("chat.postMessage"))
    calls = [c for c in _SENT_BY_BOT if title in _shown(c)]
    assert calls, f"no reminder about {title}"
    for block in calls[0].params["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button")


def test_renewed_opens_a_modal_and_its_submission_makes_the_soa_current(bot: Bot) -> None:
    value = _dm_value(bot, LOGGING_SPEC, RENEW)
    assert bot.interaction(_pressed(RENEW, value, user=PRIYA)).status == 200
    [opened] = bot.api.wait_for("views.open")
    view = opened.params["view"]
    assert view["callback_id"] == RENEW and LOGGING_SPEC in view["blocks"][0]["text"]["text"]

    too_early = bot.interaction(_submitted(view, PRIYA, valid_until=dt.date.today().isoformat()))
    assert too_early.json()["response_action"] == "errors" and "valid_until" in too_early.json()["errors"]
    bad_link = bot.interaction(_submitted(view, PRIYA, valid_until="2099-01-01", url="javascript:alert(1)"))
    assert "url" in bad_link.json()["errors"]

    renewed_until = dt.date.today() + dt.timedelta(days=365)
    new_url = "https://wiki.kestrel.example/chatbot/logging-v2"
    accepted = bot.interaction(_submitted(view, PRIYA, valid_until=renewed_until.isoformat(), url=new_url))
    assert accepted.status == 200 and not accepted.body
    [update] = bot.api.wait_for("chat.update")
    assert update.params["channel"] == "D1PRIYA" and renewed_until.isoformat() in _shown(update)
    rows = {r.control: r for r in soa_for_system(bot.store, "Support chatbot", TODAY)}
    [evidence] = [e for e in rows["A.6.2.8"].evidence if e.title == LOGGING_SPEC]
    assert (evidence.status, evidence.valid_until) == ("current", renewed_until.isoformat())
    assert LOGGING_SPEC not in {r.title for r in due_reminders(bot.store, TODAY, 30)}


def test_someone_else_cannot_renew_or_snooze_anothers_evidence(bot: Bot) -> None:
    value = _dm_value(bot, "CV ranker bias evaluation report", SNOOZE)
    bot.api.reset()
    bot.interaction(_pressed(SNOOZE, value, user=EMPLOYEE, channel="C1"))
    [note] = bot.api.wait_for("chat.postEphemeral")
    assert note.params["user"] == EMPLOYEE and "Only the owner" in note.params["text"]
    bot.interaction(_pressed(RENEW, value, user=EMPLOYEE, channel="C1"))
    bot.api.wait_for("chat.postEphemeral", count=2)
    assert not bot.api.calls_to("views.open") and not bot.api.calls_to("chat.update")


def test_a_button_value_naming_another_owner_does_not_grant_the_right_to_act(bot: Bot) -> None:
    """Who may act is read from the graph: Amara cannot snooze Tomasz's item by a value that names her."""
    forged = json.loads(_dm_value(bot, "CV ranker bias evaluation report", SNOOZE)) | {"owner": "Amara Okafor"}
    bot.api.reset()
    bot.interaction(_pressed(SNOOZE, json.dumps(forged), user=AMARA, channel="D3AMARA"))
    [note] = bot.api.wait_for("chat.postEphemeral")
    assert note.params["user"] == AMARA and "Only the owner" in note.params["text"]
    assert not bot.api.calls_to("chat.update")


def test_snooze_and_not_mine_are_recorded_and_told(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.services, "compliance_channel", COMPLIANCE)
    snooze_value = _dm_value(bot, "Fraud model monitoring dashboard export", SNOOZE)
    bot.api.reset()
    bot.interaction(_pressed(SNOOZE, snooze_value, user=AMARA, channel="D3AMARA"))
    [update] = bot.api.wait_for("chat.update")
    until = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    assert f"snoozed by <@{AMARA}> until {until}" in _shown(update)

    disown_value = json.loads(snooze_value)
    bot.api.reset()
    bot.interaction(_pressed(DISOWN, json.dumps(disown_value), user=DECIDER, channel="C1"))
    [told] = bot.api.wait_for("chat.postMessage")
    assert told.params["channel"] == COMPLIANCE and f"<@{DECIDER}> says" in told.params["text"]
    assert "Amara Okafor" in told.params["text"]


# --- settings and schedule ----------------------------------------------------------------------------


def test_settings_defaults_and_turning_schedules_off() -> None:
    default = SlackConfig.from_environ({})
    assert (default.remind_days, default.reminder_schedule, default.digest_schedule) == (
        30,
        "0 9 * * mon-fri",
        "0 9 * * mon",
    )
    off = SlackConfig.from_environ(
        {"AIMS_REMINDER_SCHEDULE": "", "AIMS_DIGEST_SCHEDULE": "off", "AIMS_REMIND_DAYS": "14"}
    )
    assert (off.reminder_schedule, off.digest_schedule, off.remind_days) == ("", "", 14)
    assert start_schedule(off, WebClient(token="x"), OxigraphStore(None)) is None
    with pytest.raises(ValueError, match="AIMS_REMIND_DAYS"):
        SlackConfig.from_environ({"AIMS_REMIND_DAYS": "soon"})
    with pytest.raises(ValueError, match="AIMS_DIGEST_SCHEDULE"):
        check_schedules(SlackConfig.from_environ({"AIMS_DIGEST_SCHEDULE": "every monday"}))


def test_bot_schedules_both_jobs_and_stops_them(store: OxigraphStore) -> None:
    config = SlackConfig.from_environ({"AIMS_DIGEST_CHANNEL": DIGEST})
    scheduler = start_schedule(config, WebClient(token="x"), store)
    assert scheduler is not None
    try:
        jobs = {j.id: j for j in scheduler.get_jobs()}
        assert set(jobs) == {"reminders", "digest"}
        assert jobs["digest"].next_run_time.weekday() == 0 and jobs["digest"].next_run_time.hour == 9
    finally:
        scheduler.shutdown(wait=True)
    no_channel = SlackConfig.from_environ({})
    only_reminders = start_schedule(no_channel, WebClient(token="x"), store)
    assert only_reminders is not None
    try:
        assert [j.id for j in only_reminders.get_jobs()] == ["reminders"]
    finally:
        only_reminders.shutdown(wait=True)


# --- the commands cron runs -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("remind") / "home"
    assert run_aims(home, "load", "--inventory", str(EXAMPLE_INVENTORY)).returncode == 0
    return home


def test_cli_dry_run_prints_what_would_be_sent_and_sends_nothing(
    home: Path, fake_api: FakeSlackApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_API_URL", fake_api.base_url)
    monkeypatch.setenv("AIMS_COMPLIANCE_CHANNEL", COMPLIANCE)
    monkeypatch.setenv("AIMS_DIGEST_CHANNEL", DIGEST)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    remind = run_aims(home, "remind", "--today", "2026-12-03", "--dry-run", check=True).stdout.splitlines()
    assert any(line.startswith(f"would send DM to {PRIYA} (Priya Natarajan)") for line in remind)
    assert f"would send escalation to {COMPLIANCE} (Legal cannot be reminded): DocuScan" in "\n".join(remind)
    digest = run_aims(home, "digest", "--today", "2026-12-03", "--dry-run", check=True).stdout.splitlines()
    assert digest[0] == f"digest of 2026-W49 to {DIGEST}: would send"
    assert "Cannot be reminded (no Slack id or e-mail):" in digest and "- Legal" in digest
    assert not fake_api.calls

    missing = run_aims(home, "remind", "--today", "2026-12-03")
    assert missing.returncode == 1 and len(missing.stderr.strip().splitlines()) == 1
    assert "SLACK_BOT_TOKEN" in missing.stderr and not fake_api.calls


def test_cli_sends_once_from_cron(home: Path, fake_api: FakeSlackApi, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_API_URL", fake_api.base_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("AIMS_DIGEST_CHANNEL", DIGEST)
    monkeypatch.delenv("AIMS_COMPLIANCE_CHANNEL", raising=False)
    fake_api.fail_next("chat.postMessage", Failure(429, {"Retry-After": "1"}))
    run_aims(home, "remind", "--today", "2026-12-03", check=True)
    assert {c.params["channel"] for c in _dms(fake_api)} == {PRIYA, TOMASZ, AMARA}
    assert "sent" in run_aims(home, "digest", "--today", "2026-12-03", check=True).stdout
    sent = len(_posts(fake_api))
    # Legal still cannot be reminded (and no compliance channel is set): said again, sent to nobody.
    second = run_aims(home, "remind", "--today", "2026-12-03", check=True).stdout.splitlines()
    assert [line.split(":")[0] for line in second] == ["cannot be reminded"]
    assert "already sent" in run_aims(home, "digest", "--today", "2026-12-03", check=True).stdout
    assert len(_posts(fake_api)) == sent


# --- what the builders make of hostile and outsize inventory text -------------------------------------


def test_names_titles_and_links_from_the_inventory_cannot_ping_or_break_a_message() -> None:
    from bots.slack.listeners.views.digest_builder import digest_blocks, digest_text
    from bots.slack.listeners.views.reminder_builder import escalation_message, reminder_message, renew_modal
    from bots.slack.listeners.views.reminder_builder import read_value as read_button
    from graph.compliance.digest import Digest, DigestDecision
    from graph.compliance.reminders import Reminder
    from tests.bots.slack.block_rules import payload_problems

    hostile = Reminder(
        evidence="https://w3id.org/aims-graph/org/evidence/x",
        title="<!channel> urgent & " + "t" * 5000,
        url="https://evil.example/a|b>c",
        valid_until="2026-11-01",
        threshold="expired",
        owner="<@U999> & co " + "o" * 500,
        person=None,
        controls=tuple(f"A.{n}" for n in range(300)),
        systems=("<#C1|general>",),
    )
    for text, blocks in (reminder_message(hostile, TODAY), escalation_message(hostile, TODAY, None)):
        assert not payload_problems("chat.postMessage", {"channel": "U1", "text": text, "blocks": blocks})
        shown = _shown(Call("chat.postMessage", {"text": text, "blocks": blocks}))
        assert "<!channel>" not in shown and "<@U999>" not in shown and "|b>" not in shown
    [actions] = [b for b in reminder_message(hostile, TODAY)[1] if b["type"] == "actions"]
    item = read_button(actions["elements"][0])
    assert item.evidence == hostile.evidence and len(actions["elements"][0]["value"]) <= 2000
    assert not payload_problems("views.open", {"view": renew_modal(item, {"channel": "D1", "message_ts": "1.2"})})

    digest = Digest(
        today="2026-12-03",
        week="2026-W49",
        expired=(hostile,) * 40,
        expiring=(),
        decisions=(DigestDecision("A.6.2.8", "<!here>", "applicable", "<@U1|x>", "2026-12-01T10:00:00Z"),) * 40,
        undecided=tuple((f"System {n} <b>", 38) for n in range(40)),
        overdue=("R-1 <!everyone>",) * 40,
        unreachable=("Legal <#C1>",),
    )
    blocks = digest_blocks(digest)
    assert not payload_problems("chat.postMessage", {"channel": DIGEST, "text": digest_text(digest), "blocks": blocks})
    shown = _shown(Call("chat.postMessage", {"blocks": blocks}))
    assert "<!here>" not in shown and "<!everyone>" not in shown and "<#C1>" not in shown
