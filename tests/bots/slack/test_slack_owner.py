"""The Slack bot holds the on-disk store for as long as it runs; the CLI works beside it (issue 17).

Before, `aims decide` failed with "open in another process" while `aims slack` ran. Now the bot serves
the store on 127.0.0.1 and publishes itself in AIMS_HOME, and the CLI goes through it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from graph.ingest.load import OntologyLayout
from graph.store.owner import live_owner, owner_path
from tests.bots.slack.conftest import SECRET
from tests.bots.slack.fake_slack_api import FakeSlackApi
from tests.conftest import example_store, home_with_index, run_aims


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_cli_decides_beside_a_running_slack_bot_instead_of_failing_on_the_lock(
    fake_api: FakeSlackApi, layout: OntologyLayout, index_dir: Path, assistant: object, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    example_store(layout, home / "store").close()
    home_with_index(home, index_dir)
    env = {**os.environ, "AIMS_HOME": str(home), "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET}
    env["SLACK_API_URL"] = fake_api.base_url
    for name in ("SLACK_APP_TOKEN", "AIMS_STORE", "AIMS_UPDATE_TOKEN"):
        env.pop(name, None)
    exe = Path(sys.executable).parent / "aims"
    bot = subprocess.Popen(
        [str(exe), "slack", "--http", "--port", str(_free_port())],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 180
        while (owner := live_owner(home)) is None:
            assert bot.poll() is None, bot.communicate()[1][-2000:]
            assert time.monotonic() < deadline, "the bot did not publish its store"
            time.sleep(0.3)
        assert owner.pid == bot.pid and owner.url.startswith("http://127.0.0.1:")
        decided = run_aims(
            home,
            *("decide", "--control", "A.5.2", "--system", "Support chatbot", "--verdict", "applicable"),
            *("--justification", "Recorded from the CLI while the bot runs", "--by", "lead"),
        )
        assert decided.returncode == 0, decided.stderr
        shown = run_aims(home, "history", "A.5.2", "--system", "Support chatbot", "--json")
        assert shown.returncode == 0, shown.stderr
        assert [r["justification"] for r in json.loads(shown.stdout)] == ["Recorded from the CLI while the bot runs"]
    finally:
        bot.send_signal(signal.SIGTERM)
        bot.wait(timeout=30)
    assert not owner_path(home).exists(), "the owner file outlived the bot"
