"""Issue 11 point 5: a terminal cannot join the backend's shared subscription and steal or delay its events.

Real Mosquitto with the generated config, real `edgepos cloud` worker processes, raw paho clients as terminals.
Mosquitto 2.0's acl_file grants every SUBSCRIBE, so a rogue terminal subscribing to the backend's shared group
would get a round-robin share of every terminal's events, dropped at its read check: those events are never
stored until their terminal resends them. The test therefore sends each event exactly once (no resends) and
checks what was delivered and stored, not the SUBACKs.
"""
from __future__ import annotations

import copy
import json
import threading
import uuid
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest

from backend_clients import BODIES, now_rfc3339
from sync.mqtt import BrokerSettings, make_client
from sync.provision import Deployment, load_deployment
from sync.schema import acks_topic, events_topic
from sync_helpers import start_cloud, stop, stored_ids, wait_for
from terminal.link.events import make_envelope

pytestmark = pytest.mark.integration
EVENTS = 30
ROGUE_FILTERS = ("$share/ingest/edgepos/v1/+/events", "$share/ingest/#", "$share/#",
                 "$share/edgepos/edgepos/v1/+/events", "$share/backend/edgepos/v1/T-0002/events", "edgepos/v1/+/events",
                 "#")


class Client:
    """A terminal's raw MQTT session that records every message it is delivered."""

    def __init__(self, settings: BrokerSettings, client_id: str, filters: tuple[str, ...] = ()) -> None:
        self.messages: list[tuple[str, bytes]] = []
        self.lock = threading.Lock()
        self.subacks = threading.Event()
        self.client = make_client(settings, client_id)
        self.client.on_message = self._on_message
        self.client.on_subscribe = lambda *_: self.subacks.set()
        topics = [(f, 1) for f in filters]
        self.client.on_connect = lambda c, *_: c.subscribe(topics) if topics else self.subacks.set()
        self.client.connect(settings.host, settings.port, 30)
        self.client.loop_start()
        assert self.subacks.wait(20), f"{settings.username}: no SUBACK"

    def _on_message(self, _c: Any, _u: Any, msg: mqtt.MQTTMessage) -> None:
        with self.lock:
            self.messages.append((msg.topic, bytes(msg.payload)))

    def received(self) -> list[tuple[str, bytes]]:
        with self.lock:
            return list(self.messages)

    def send_once(self, tid: str, secret: bytes, seq: int) -> str:
        """Publish one signed payment/1 event at QoS 1, once, and wait for the broker's PUBACK."""
        body = copy.deepcopy(BODIES["payment/1"]) | {"sale_id": uuid.uuid4().hex}   # a schema-valid cash sale
        env = make_envelope("payment/1", body, tid, seq, now_rfc3339(), secret)
        self.client.publish(events_topic(tid), json.dumps(env), qos=1).wait_for_publish(20)
        return str(env["id"])

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def test_a_terminal_in_the_shared_group_gets_nothing_and_delays_nothing(deployment: Deployment, broker: Any,
                                                                        tmp_path: Path) -> None:
    cloud_db, logs = tmp_path / "cloud" / "events.db", (tmp_path / "cloud.log", tmp_path / "mosquitto.log")
    cloud_db.parent.mkdir()
    cloud = start_cloud(deployment, cloud_db, logs[0], "--workers", "2")
    made: list[Client] = []
    try:
        honest = Client(deployment.terminal_settings("T-0002"), "T-0002")
        made.append(honest)
        secret2 = deployment.secrets()["T-0002"]
        # Until a worker holds the group, an event has no subscriber at all: warm up the way a terminal does.
        seq = 0

        def warm() -> bool:
            nonlocal seq
            seq += 1
            honest.send_once("T-0002", secret2, seq)
            return bool(stored_ids(cloud_db))
        wait_for("the backend storing a first event", warm, timeout=60, logs=logs)

        rogue = Client(deployment.terminal_settings("T-0001"), "T-0001", (*ROGUE_FILTERS, acks_topic("T-0001")))
        made.append(rogue)

        sent = [honest.send_once("T-0002", secret2, seq + n) for n in range(1, EVENTS + 1)]
        # Sent once each: any event handed to the rogue would never be stored.
        wait_for(f"all {EVENTS} events of T-0002 stored without a resend",
                 lambda: set(sent) <= set(stored_ids(cloud_db, "T-0002")), timeout=20, logs=logs)

        own = rogue.send_once("T-0001", deployment.secrets()["T-0001"], 1)   # its ack is the barrier
        wait_for("the rogue's own event acked", lambda: any(own.encode() in p for _t, p in rogue.received()),
                 timeout=20, logs=logs)
        # Its overlapping filters each deliver the ack (MQTT 5): one topic, its own acks, nothing else.
        assert {t for t, _p in rogue.received()} == {acks_topic("T-0001")}
    finally:
        for client in made:
            client.close()
        stop(cloud)

    group = deployment.shared_group
    assert len(group) >= 22 and group not in ("ingest", "backend", "edgepos")
    assert deployment.backend_settings().shared_events == f"$share/{group}/edgepos/v1/+/events"
    assert load_deployment(deployment.directory).shared_group == group
    for path in (deployment.directory / "terminals").rglob("*"):   # what is handed to terminals
        assert not path.is_file() or group not in path.read_text()
    assert group not in (deployment.directory / "acl").read_text()
