"""Benchmark: Slack ack latency and question-to-posted-answer latency against the fake Slack Web API.

Run: .venv/bin/python bench/slack_bench.py [--n 100]
The real bot (bolt app, FastAPI adapter, uvicorn) serves on 127.0.0.1; each question is a signed
``app_mention`` event. Ack = HTTP response time of the event POST; answer = from the POST until the fake
Web API has received the ``chat.postMessage`` in the thread.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluate import read_questions  # noqa: E402
from assistant.service import Assistant  # noqa: E402
from bots.slack.app import create_app, web_client  # noqa: E402
from bots.slack.config import SlackConfig  # noqa: E402
from bots.slack.runner import EVENTS_PATH, asgi_app  # noqa: E402
from bots.slack.services import SlackServices  # noqa: E402
from graph.ingest.load import OntologyLayout  # noqa: E402
from graph.settings import DEFAULT_ONTOLOGY_DIR  # noqa: E402
from tests.bots.slack.conftest import SECRET, Bot, serve  # noqa: E402
from tests.bots.slack.fake_slack_api import FakeSlackApi  # noqa: E402
from tests.conftest import example_store  # noqa: E402


def p95(values: list[float]) -> float:
    """95th percentile."""
    return statistics.quantiles(sorted(values), n=100, method="inclusive")[94]


def main() -> None:
    """Print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100)
    args = parser.parse_args()
    api = FakeSlackApi().start()
    store = example_store(OntologyLayout(DEFAULT_ONTOLOGY_DIR))
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        Assistant(store, index)  # build the index once, outside the measurement
        services = SlackServices(assistant=Assistant(store, index), store=store, deciders=frozenset())
        config = SlackConfig(bot_token="xoxb-bench", signing_secret=SECRET, api_url=api.base_url)
        server, thread, port = serve(asgi_app(create_app(config, web_client(config), services)))
        bot = Bot(f"http://127.0.0.1:{port}{EVENTS_PATH}", api, store, services)
        questions = [q.question for q in read_questions(ROOT / "tests/data/retrieval-holdout.jsonl")]
        acks, answers = [], []
        for i in range(args.n + 5):
            ts = f"1764000000.{i:06d}"
            event = {
                "type": "app_mention",
                "user": "U1",
                "text": f"<@UBOT> {questions[i % len(questions)]}",
                "ts": ts,
                "channel": "C1",
            }
            started = time.perf_counter()
            reply = bot.event(event, f"EvBench{i}")
            acked = time.perf_counter()
            api.wait_for("chat.postMessage", count=i + 1, timeout=30)
            done = time.perf_counter()
            assert reply.status == 200
            if i >= 5:  # the first few warm up the thread pools and caches
                acks.append((acked - started) * 1000)
                answers.append((done - started) * 1000)
        server.should_exit = True
        thread.join(timeout=10)
    api.stop()
    print("| measure | value |")
    print("|---|---|")
    print(
        f"| Slack ack latency, {args.n} signed app_mention events: p50 / p95 | {statistics.median(acks):.1f} ms / {p95(acks):.1f} ms |"
    )
    print(
        f"| question to posted answer (fake Web API): p50 / p95 | {statistics.median(answers):.1f} ms / {p95(answers):.1f} ms |"
    )


if __name__ == "__main__":
    main()
