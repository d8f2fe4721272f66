"""Pictures and files in Slack: the coverage chart of ``/aims soa`` and the Home tab, and ``/aims report`` by DM.

Signed requests go to the real bolt app; files travel through Slack's external upload flow on the fake Web
API (``files.getUploadURLExternal``, the POST of the bytes, ``files.completeUploadExternal``), which keeps
what was uploaded and refuses an image block naming a file it does not hold, or holds but has not finished
processing. "Today" is pinned to 2026-12-03.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import struct
from collections.abc import Iterator
from typing import Any

import pytest

from bots.slack import report_delivery
from graph.compliance import decisions, implementation
from graph.compliance.implementation import ImplementationRequest
from graph.compliance.organisation import ai_systems
from tests.bots.slack.conftest import DECIDER, EMPLOYEE, Bot
from tests.bots.slack.fake_slack_api import Failure, StoredFile

TODAY = dt.date(2026, 12, 3)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
NOTICE = "The coverage chart could not be attached"


@pytest.fixture(autouse=True)
def pinned_today(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(bot.services, "today", lambda: TODAY)
    bot.services.uploaded.clear()  # each test starts with no file in Slack, and the bot knows it
    bot.api.files.clear()
    yield
    bot.api.processing_seconds = 0.0


def _slack_files(payload: Any) -> list[dict[str, Any]]:
    """Every image block or element in a payload that shows an uploaded file."""
    if isinstance(payload, dict):
        found = [payload] if payload.get("type") == "image" else []
        return found + [i for v in payload.values() for i in _slack_files(v)]
    if isinstance(payload, list):
        return [i for v in payload for i in _slack_files(v)]
    return []


def _png(stored: StoredFile) -> tuple[int, int]:
    """Width and height of an uploaded PNG, read from its header (and the header checked)."""
    data = stored.content or b""
    assert data.startswith(PNG_MAGIC) and data[12:16] == b"IHDR", data[:16]
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _shown(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_soa_command_shows_the_systems_coverage_chart_uploaded_to_slack(bot: Bot) -> None:
    decisions.record(
        bot.store,
        decisions.DecisionRequest(
            control="A.6.2.8",
            system="CV screening model",
            verdict="applicable",
            justification_type="risk-treatment",
            justification="Rankings must be reconstructable when a candidate challenges them.",
            decided_by=DECIDER,
        ),
    )
    implementation.record(
        bot.store,
        ImplementationRequest(requirement="A.6.2.8", system="CV screening model", status="planned", recorded_by="U1"),
    )
    assert bot.command('soa "CV screening model"').status == 200
    [reply] = bot.api.wait_for("response/cmd")
    [stored] = bot.api.stored()
    width, height = _png(stored)
    assert 800 <= width <= 1400 and 150 <= height <= 600 and 5_000 < stored.length < 300_000
    assert stored.channel == "" and stored.filename == "soa-coverage-cv-screening-model-2026-12-03.png"
    blocks = reply.params["blocks"]
    [image] = _slack_files(blocks)
    assert blocks[0] is not None and blocks[0]["type"] == "image"
    assert image["slack_file"] == {"id": stored.id} and "image_url" not in _shown(blocks)
    assert image["title"]["text"] == "SoA coverage: CV screening model"
    assert image["alt_text"].startswith("SoA coverage of CV screening model on 2026-12-03: 1 applicable, 0 not app")
    assert "applicable controls by implementation: planned 1" in image["alt_text"]
    assert "*SoA for CV screening model*: 1 applicable" in _shown(blocks)


def test_home_tab_shows_coverage_per_system_as_an_uploaded_image_uploaded_once(bot: Bot) -> None:
    home = {"type": "app_home_opened", "user": EMPLOYEE, "channel": "D1", "tab": "home", "event_ts": "1"}
    reply = bot.event(home, "Ev-files-home-1")
    assert reply.status == 200 and reply.millis < 1000
    [publish] = bot.api.wait_for("views.publish")
    view = publish.params["view"]
    [image] = _slack_files(view)
    [stored] = [f for f in bot.api.stored() if f.id == image["slack_file"]["id"]]
    width, height = _png(stored)
    assert width >= 800 and height > 300 and stored.channel == ""
    assert image["title"]["text"] == "SoA coverage per AI system" and "image_url" not in _shown(view["blocks"])
    names = [s.name for s in ai_systems(bot.store)]
    assert len(names) == 6 and all(f"{n}: " in image["alt_text"] for n in names)
    position = [b.get("text", {}).get("text") for b in view["blocks"]].index("Statement of Applicability progress")
    assert view["blocks"][position + 2] is image  # header, the progress line, then the chart

    bot.event(home | {"event_ts": "2"}, "Ev-files-home-2")  # nothing changed: the same picture, not uploaded again
    again = bot.api.wait_for("views.publish", count=2)[1]
    assert [i["slack_file"] for i in _slack_files(again.params["view"])] == [{"id": stored.id}]
    assert len(bot.api.calls_to("files.getUploadURLExternal")) == 1


def test_the_chart_waits_until_slack_has_processed_the_upload(bot: Bot) -> None:
    bot.api.processing_seconds = 0.5  # an image block naming the file before then is refused
    bot.command("soa support bot")
    [reply] = bot.api.wait_for("response/cmd")
    [image] = _slack_files(reply.params["blocks"])
    assert image["slack_file"]["id"] == bot.api.stored()[-1].id
    polls = bot.api.calls_to("files.info")
    assert polls and all(c.params["file"] == image["slack_file"]["id"] for c in polls)


@pytest.mark.parametrize(
    ("method", "failure", "times", "said"),
    [
        ("files.getUploadURLExternal", Failure(429, {"Retry-After": "0"}), 4, "Slack is limiting how often"),
        ("files.completeUploadExternal", Failure(500), 1, "Slack answered fatal_error"),
    ],
    ids=["rate-limited", "server-error"],
)
def test_a_failed_upload_still_sends_the_soa_and_says_the_chart_is_missing(
    bot: Bot, method: str, failure: Failure, times: int, said: str
) -> None:
    bot.api.fail_next(method, failure, times=times)
    bot.command("soa Fraud scoring model")
    [reply] = bot.api.wait_for("response/cmd")
    blocks = reply.params["blocks"]
    assert _slack_files(blocks) == [] and reply.params["text"] == "SoA for Fraud scoring model"
    assert "*SoA for Fraud scoring model*" in _shown(blocks) and "A.6.2.8" in _shown(blocks)
    [notice] = [b for b in blocks if b["type"] == "context"]
    assert notice["elements"][0]["text"].startswith(f"{NOTICE}: {said}")
    assert len(bot.api.calls_to(method)) == times  # a 429 is retried after Retry-After, three times


def test_a_failed_upload_still_publishes_the_home_tab_with_the_notice(bot: Bot) -> None:
    bot.api.fail_next("files.getUploadURLExternal", Failure(500))
    bot.event({"type": "app_home_opened", "user": DECIDER, "channel": "D1", "tab": "home", "event_ts": "3"}, "Ev-f3")
    [publish] = bot.api.wait_for("views.publish")
    view = publish.params["view"]
    assert _slack_files(view) == [] and "Support chatbot" in _shown(view["blocks"])
    assert f"{NOTICE}: Slack answered fatal_error" in _shown(view["blocks"])


def test_a_picture_slack_no_longer_has_is_replaced_by_the_notice_and_uploaded_afresh(bot: Bot) -> None:
    bot.command("soa Product recommender")
    [first] = bot.api.wait_for("response/cmd")
    [image] = _slack_files(first.params["blocks"])
    del bot.api.files[image["slack_file"]["id"]]  # deleted in Slack by an admin; the bot still remembers it
    bot.command("soa Product recommender")
    replies = bot.api.wait_for("response/cmd", count=3)
    assert _slack_files(replies[1].params["blocks"]) == [image]
    assert [r.method for r in bot.api.take_refusals()] == ["response/cmd"]
    assert _slack_files(replies[2].params["blocks"]) == [] and NOTICE in _shown(replies[2].params["blocks"])
    bot.command("soa Product recommender")
    [image_again] = _slack_files(bot.api.wait_for("response/cmd", count=4)[3].params["blocks"])
    assert image_again["slack_file"]["id"] != image["slack_file"]["id"]


def _system_rows(html: str) -> list[str]:
    return re.findall(r'<tr class="system-row"><th scope="row"[^>]*>([^<]+)</th>', html)


def test_report_command_sends_the_html_report_to_the_requester_by_dm(bot: Bot) -> None:
    reply = bot.command("report", user=EMPLOYEE)
    assert reply.status == 200 and reply.millis < 1000
    [said] = bot.api.wait_for("response/cmd")
    assert said.params["text"] == "Sending the report by DM…" and said.params["response_type"] == "ephemeral"
    [opened] = bot.api.wait_for("conversations.open")
    assert opened.params["users"] == EMPLOYEE
    bot.api.wait_for("files.completeUploadExternal")
    [stored] = bot.api.stored()
    assert stored.channel == "D" + EMPLOYEE[1:] and stored.filename == "aims-report-kestrel-finance-2026-12-03.html"
    html = (stored.content or b"").decode("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Kestrel Finance" in html and "2026-12-03" in html
    assert sorted(_system_rows(html)) == sorted(s.name for s in ai_systems(bot.store))
    assert "*Kestrel Finance* (whole organisation), as on 2026-12-03: 6 AI systems" in stored.initial_comment
    assert len(bot.api.calls_to("response/cmd")) == 1  # nothing more to say where the command was typed


def test_report_of_one_system_and_of_an_unknown_one(bot: Bot) -> None:
    bot.command("report support bot", user=DECIDER)
    bot.api.wait_for("files.completeUploadExternal")
    [stored] = bot.api.stored()
    assert _system_rows((stored.content or b"").decode("utf-8")) == ["Support chatbot"]
    assert stored.channel == "D" + DECIDER[1:] and "(Support chatbot)" in stored.initial_comment
    bot.api.reset()
    bot.command("report the toaster")
    [unknown] = bot.api.wait_for("response/cmd")
    assert "No AI system called *the toaster*" in unknown.params["text"]
    assert bot.api.calls_to("files.getUploadURLExternal") == []


def test_a_failed_report_upload_is_told_privately(bot: Bot) -> None:
    before = len(bot.api.stored())
    bot.api.fail_next("files.completeUploadExternal", Failure(500))
    bot.command("report")
    replies = bot.api.wait_for("response/cmd", count=2)
    assert replies[1].params["text"] == "The report could not be sent by DM: Slack answered fatal_error."
    assert replies[1].params["response_type"] == "ephemeral" and len(bot.api.stored()) == before


def test_a_report_over_the_size_cap_is_not_sent_and_the_requester_is_told(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_delivery, "MAX_REPORT_BYTES", 10_000)
    bot.command("report")
    replies = bot.api.wait_for("response/cmd", count=2)
    assert re.match(r"The report is \d{2,3} KB, more than the 10 KB the bot sends", replies[1].params["text"])
    assert "`/aims report SYSTEM`" in replies[1].params["text"]
    assert bot.api.calls_to("conversations.open") == [] and bot.api.calls_to("files.getUploadURLExternal") == []
