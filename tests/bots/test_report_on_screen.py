"""`aims report` as a person sees it: the example organisation's file opened from disk in headless Chromium.

What is asserted is what the browser drew, read back from the rendered page (text that is laid out inside
the window and not covered, computed colours), never the HTML source: one row per AI system, expired
evidence marked expired, the first screen of a 1440 x 900 window showing the expired evidence, the
undecided controls and the highest risk (the issue's done-when), no console error and no request at all.
The expectations come from the example's inventory file, not from the report.

One browser and one rendering per module (per xdist worker that runs any of these tests); the first
screen is kept as ``test-artifacts/report-first-screen.png``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from bots.cli import app
from graph.publish.palette import FRESHNESS_COLOURS, STATE_COLOURS, STATE_SYMBOLS
from tests.conftest import ARTEFACTS, EXAMPLE_INVENTORY
from tests.graph.example_copy import copy_of_example
from tests.headless_chromium import BrowserError, Chromium, Page, ensure_installed

pytestmark = pytest.mark.browser

TODAY = dt.date(2026, 12, 3)
WIDTH, HEIGHT = 1440, 900
SCREENSHOT = ARTEFACTS / "report-first-screen.png"
ANNEX_A_CONTROLS = 38

# Text as a person reads it off the first screen: every text node laid out wholly inside the window whose
# middle is not covered by something else (an element clipped by a scrolled box or hidden is not hit).
FIRST_SCREEN_TEXT = """(() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.data.trim();
    if (!text) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    const shown = rects.length > 0 && rects.every(r =>
      r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth && (() => {
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return hit !== null && (hit === node.parentElement || node.parentElement.contains(hit));
      })());
    if (shown) seen.push(text);
  }
  return seen.join(' ');
})()"""


def _rgb(colour: str) -> str:
    """A ``#rrggbb`` colour as the browser's computed style writes it."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def inventory() -> dict[str, Any]:
    return dict(yaml.safe_load(EXAMPLE_INVENTORY.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example organisation's report, written by the command a person runs."""
    home = tmp_path_factory.mktemp("report-on-screen") / "home"
    copy_of_example(home / "store").close()
    target = home.parent / "report.html"
    result = CliRunner().invoke(
        app, ["report", "-o", str(target), "--today", TODAY.isoformat()], env={"AIMS_HOME": str(home)}
    )
    assert result.exit_code == 0, result.stderr
    return target


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    if (why := ensure_installed()) is not None:
        pytest.skip(f"headless Chromium is needed to look at the report: {why}")
    try:
        chromium = Chromium.start()
    except BrowserError as failed:  # a machine that cannot run a browser at all: say what Chromium printed
        pytest.skip(f"headless Chromium is installed but does not start on this machine: {failed}")
    with chromium:
        yield chromium


@pytest.fixture(scope="module")
def page(browser: Chromium, report_file: Path) -> Page:
    shown = browser.open(report_file.as_uri(), width=WIDTH, height=HEIGHT)
    shown.screenshot(SCREENSHOT)  # before any assertion, so a failing run keeps its picture too
    print(f"screenshot of the report's first screen: {SCREENSHOT}")
    return shown


def _expired(inventory: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in inventory["evidence"] if e.get("valid_until") and e["valid_until"] < TODAY]


def test_the_first_screen_shows_expired_evidence_undecided_controls_and_the_highest_risk(
    page: Page, inventory: dict[str, Any], record_property: Any
) -> None:
    record_property("artefact", str(SCREENSHOT))
    screen = _squeeze(page.evaluate(FIRST_SCREEN_TEXT))
    assert screen, "nothing readable on the first screen"

    expired = _expired(inventory)
    assert expired, "the example is meant to have expired evidence"
    assert f"{len(expired)} expired" in screen
    listed = [e for e in expired if f"expired {e['title']} ({e['valid_until']})" in screen]
    assert listed, f"no expired item is named on the first screen: {screen}"

    undecided = page.evaluate(
        """[...document.querySelectorAll('tr.system-row td.cell')]
             .filter(td => ['?', '◆'].includes(td.innerText.trim())).length"""
    )
    assert undecided > 0
    assert re.search(rf"undecided controls {undecided:,} open\b", screen, re.I), screen
    assert "Applicability matrix" in screen
    first = page.evaluate("document.querySelector('tr.system-row th').innerText.trim()")
    row = re.search(re.escape(first) + rf" ((?:[?◆✓–] ){{{ANNEX_A_CONTROLS}}})", screen + " ")
    assert row and "?" in row.group(1), f"the matrix's first system row, undecided cells and all: {screen}"

    level = max(r["likelihood"] * r["impact"] for r in inventory["risks"])
    top = [r for r in inventory["risks"] if r["likelihood"] * r["impact"] == level]
    shown = [r for r in top if re.search(rf"Highest risk {r['id']}: level {level} {re.escape(r['title'])}", screen)]
    assert shown, screen


def test_the_matrix_has_one_visible_row_per_ai_system(page: Page, inventory: dict[str, Any]) -> None:
    rows = page.evaluate(
        """[...document.querySelectorAll('#matrix table.matrix tr.system-row')].map(tr => ({
             name: tr.querySelector('th').innerText.trim(),
             shown: tr.checkVisibility() && tr.getBoundingClientRect().height > 0,
             cells: [...tr.querySelectorAll('td.cell')].map(td => [
               td.innerText.trim(), getComputedStyle(td).backgroundColor,
               td.getBoundingClientRect().width > 0 && td.getBoundingClientRect().height > 0]),
           }))"""
    )
    names = [row["name"] for row in rows]
    assert sorted(names) == sorted(s["name"] for s in inventory["systems"])
    assert len(names) == 6  # the example's six systems, each once
    colour_of = {STATE_SYMBOLS[state]: _rgb(colour) for state, colour in STATE_COLOURS.items()}
    for row in rows:
        assert row["shown"], row["name"]
        assert len(row["cells"]) == ANNEX_A_CONTROLS, row["name"]
        for symbol, background, drawn in row["cells"]:
            assert drawn and colour_of.get(symbol) == background, (row["name"], symbol, background)


def test_expired_evidence_is_marked_expired(page: Page, inventory: dict[str, Any]) -> None:
    listed = page.evaluate(
        """[...document.querySelectorAll('#evidence table.list tbody tr')].map(tr => {
             const status = tr.cells[0];
             return {cells: [...tr.cells].map(td => td.innerText.trim()), shown: tr.checkVisibility(),
                     colour: getComputedStyle(status).color, weight: getComputedStyle(status).fontWeight};
           })"""
    )
    by_title = {row["cells"][1]: row for row in listed}
    red = _rgb(FRESHNESS_COLOURS["expired"])
    for item in _expired(inventory):
        row = by_title[item["title"]]
        assert row["shown"] and row["cells"][0] == "expired" and row["cells"][2] == str(item["valid_until"])
        assert (row["colour"], row["weight"]) == (red, "700"), "'expired' stands out in red and bold"
    current = [e["title"] for e in inventory["evidence"] if e["valid_until"] >= TODAY]
    assert all(by_title[t]["cells"][0] != "expired" for t in current if t in by_title)

    drawn = page.evaluate(
        """[...document.querySelectorAll('#evidence svg text')]
             .filter(t => t.textContent.trim().startsWith('expired '))
             .map(t => [t.textContent.trim(), getComputedStyle(t).fill, t.getBoundingClientRect().width > 0])"""
    )
    expected = {f"expired {e['valid_until']}" for e in _expired(inventory)}
    assert {text for text, _, _ in drawn} == expected  # beside each expired bar on the timeline
    assert all(fill == red and width for _, fill, width in drawn)


def test_no_console_error_and_no_request(page: Page) -> None:
    assert page.console_errors() == []
    assert page.requests() == [page.url]  # the file itself, nothing else
    assert page.evaluate("performance.getEntriesByType('resource').length") == 0
    policy = page.evaluate("document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
    assert "default-src 'none'" in policy


def test_the_checks_see_errors_and_requests_when_there_are_some(browser: Chromium, tmp_path: Path) -> None:
    """The same checks on a page that fetches, logs and throws: they would fail a report that did."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; script-src 'unsafe-inline'\"></head><body>"
        '<img src="https://charts.example.invalid/bar.png">'
        f"<script>console.error({json.dumps('logged')}); missing();</script></body></html>",
        encoding="utf-8",
    )
    shown = browser.open(bad.as_uri(), width=400, height=300)
    errors = shown.console_errors()
    assert any("logged" in e for e in errors) and any("missing is not defined" in e for e in errors)
    assert any("charts.example.invalid" in e for e in errors)  # refused by the policy, and said so
    assert "https://charts.example.invalid/bar.png" in shown.requests()
