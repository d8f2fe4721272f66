"""The browser harness says why Chromium did not start, at once, rather than timing out in silence.

A browser that dies at start while a helper process it spawned keeps the DevTools pipe open looks, from
the pipe alone, like a browser that is slow to answer; these tests stand in a script for Chromium that
does exactly that.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests import headless_chromium
from tests.headless_chromium import BrowserError, Chromium

DIES_AT_START = """#!/bin/sh
echo "[0:0:ERROR:zygote] the renderer helper did not answer" >&2
sleep 30 &
exit 3
"""


@pytest.fixture
def dying_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    script = tmp_path / "chromium"
    script.write_text(DIES_AT_START)
    script.chmod(0o755)
    monkeypatch.setattr(headless_chromium, "executable", lambda: str(script))
    return script


@pytest.mark.usefixtures("dying_browser")
def test_a_browser_that_dies_at_start_is_reported_with_what_it_printed() -> None:
    began = time.monotonic()
    with pytest.raises(BrowserError) as failed:
        Chromium()
    assert time.monotonic() - began < 10, "the death was noticed only at the timeout"
    assert "exited (3)" in str(failed.value)
    assert "the renderer helper did not answer" in str(failed.value)


@pytest.mark.usefixtures("dying_browser")
def test_a_second_start_with_the_fallback_flags_is_tried_and_both_failures_named() -> None:
    with pytest.raises(BrowserError) as failed:
        Chromium.start()
    message = str(failed.value)
    assert message.count("exited (3)") == 2
    assert "--no-zygote" in message
