"""One Socket Mode round trip: a local websocket server stands in for Slack's Socket Mode endpoint."""

from __future__ import annotations

import json
import queue
import threading
import time
from pathlib import Path

from slack_bolt.adapter.socket_mode import SocketModeHandler
from websockets.sync.server import ServerConnection, serve

from assistant.service import Assistant
from bots.slack.app import create_app, web_client
from bots.slack.config import SlackConfig
from bots.slack.services import SlackServices
from graph.store.embedded import OxigraphStore
from tests.bots.slack.fake_slack_api import FakeSlackApi

ENVELOPE = {
    "envelope_id": "env-1",
    "type": "events_api",
    "accepts_response_payload": False,
    "payload": {
        "type": "event_callback",
        "team_id": "T1",
        "api_app_id": "A1",
        "event_id": "EvSocket1",
        "event_time": 1764000000,
        "event": {
            "type": "app_mention",
            "user": "U1",
            "text": "<@UBOT> what is A.6.2.8?",
            "ts": "1764000000.000001",
            "channel": "C9",
            "event_ts": "1764000000.000001",
        },
    },
}


def test_socket_mode_round_trip(
    fake_api: FakeSlackApi, assistant: Assistant, loaded_store: OxigraphStore, tmp_path: Path
) -> None:
    acks: queue.Queue[str] = queue.Queue()

    def slack_side(connection: ServerConnection) -> None:
        connection.send(
            json.dumps({"type": "hello", "num_connections": 1, "debug_info": {"approximate_connection_time": 3600}})
        )
        connection.send(json.dumps(ENVELOPE))
        try:
            for message in connection:
                acks.put(str(message))
        except Exception:  # the client closing the socket ends the round trip
            pass

    with serve(slack_side, "127.0.0.1", 0) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        fake_api.ws_url = f"ws://127.0.0.1:{server.socket.getsockname()[1]}/link"
        config = SlackConfig(bot_token="xoxb-test", app_token="xapp-test", api_url=fake_api.base_url)
        services = SlackServices(assistant=assistant, store=loaded_store, deciders=frozenset())
        app = create_app(config, web_client(config), services)
        handler = SocketModeHandler(app, config.app_token, web_client=app.client)
        try:
            handler.connect()  # type: ignore[no-untyped-call]
            ack = json.loads(acks.get(timeout=10))
            assert ack["envelope_id"] == "env-1"
            [post] = fake_api.wait_for("chat.postMessage", timeout=10)
            assert post.params["channel"] == "C9" and "A.6.2.8" in json.dumps(post.params["blocks"])
            assert fake_api.calls_to("apps.connections.open")
        finally:
            handler.close()  # type: ignore[no-untyped-call]
            server.shutdown()
            fake_api.ws_url = ""
    time.sleep(0.1)
