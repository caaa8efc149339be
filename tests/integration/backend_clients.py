"""A terminal's MQTT session for the backend tests: signs with the terminal's secret, collects its acks."""
from __future__ import annotations

import copy
import json
import multiprocessing
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
import pytest

from sync.mqtt import make_client
from sync.schema import Ack, acks_topic, decode_acks, events_topic
from terminal.link.events import make_envelope, rfc3339

CREATED = "2026-11-22T08:30:00.000000Z"
SPAWN = multiprocessing.get_context("spawn")
# Bodies valid under each schema (sync/event_schemas): a one-line cash sale of 12.50, a refund, a member, a shift.
PAYMENT: dict[str, Any] = {
    "sale_id": "s-1", "shift_id": "sh-1", "currency": "CNY", "subtotal": 1250, "discount": 0, "tax": 0,
    "total": 1250, "closed_at": None,
    "lines": [{"sku": "DRK-001", "name": "Trà sữa 奶茶", "quantity": 1, "unit_price": 1250, "amount": 1250, "tax": 0}],
    "payments": [{"id": "p-1", "method": "cash", "amount": 1250, "reference": "", "status": "approved"}]}
BODIES: dict[str, dict[str, Any]] = {
    "payment/1": PAYMENT,
    "refund/1": {"refund_id": "r-1", "sale_id": "s-1", "amount": 500, "currency": "CNY", "method": "cash",
                 "reason": "damaged"},
    "member/1": {"action": "points", "member_id": "m-1", "sale_id": "s-1", "points": 12, "balance": 12},
    "shift/1": {"event": "open", "shift_id": "sh-1", "cashier": "Lan", "float": 10000, "currency": "CNY"},
}


def now_rfc3339() -> str:
    """The current time as the terminal writes created_at."""
    return rfc3339(datetime.now(UTC))


class TerminalClient:
    """A terminal's MQTT session: publishes on its events topic, collects what arrives on its acks topic."""

    def __init__(self, deployment: Any, tid: str) -> None:
        self.tid, self.secret, self.seq = tid, deployment.secrets()[tid], 0
        self.acks: dict[str, list[Ack]] = {}
        self.changed = threading.Condition()
        subscribed = threading.Event()
        settings = deployment.terminal_settings(tid)
        self.client = make_client(settings, tid)
        self.client.max_inflight_messages_set(1000)
        self.client.on_connect = lambda c, *_: c.subscribe(acks_topic(tid), qos=1)
        self.client.on_subscribe = lambda *_: subscribed.set()
        self.client.on_message = self._on_message
        self.client.connect(settings.host, settings.port, 30)
        self.client.loop_start()
        assert subscribed.wait(20), f"{tid} could not subscribe to its acks"

    def _on_message(self, _c: Any, _u: Any, msg: mqtt.MQTTMessage) -> None:
        with self.changed:
            for ack in decode_acks(msg.payload):
                self.acks.setdefault(ack.id, []).append(ack)
            self.changed.notify_all()

    def envelope(self, schema: str = "payment/1", body: dict[str, Any] | None = None, seq: int | None = None,
                 created: str | None = None, event_id: str | None = None) -> dict[str, Any]:
        """A signed envelope of this terminal: a valid body of the schema (a new sale id), the next seq, now."""
        self.seq += 1
        if body is None:
            body = copy.deepcopy(BODIES[schema])
            if "sale_id" in body:
                body["sale_id"] = uuid.uuid4().hex
        return make_envelope(schema, body, self.tid, self.seq if seq is None else seq, created or now_rfc3339(),
                             self.secret, event_id)

    def publish(self, *payloads: dict[str, Any] | bytes) -> None:
        infos = [self.client.publish(events_topic(self.tid), p if isinstance(p, bytes) else json.dumps(p), qos=1)
                 for p in payloads]
        for info in infos:
            info.wait_for_publish(20)

    def wait_acks(self, ids: list[str], timeout: float = 20.0) -> dict[str, Ack]:
        """The first ack of each id; fails if one is missing after `timeout`."""
        with self.changed:
            self.changed.wait_for(lambda: all(i in self.acks for i in ids), timeout)
            missing = [i for i in ids if i not in self.acks]
            assert not missing, f"{len(missing)} of {len(ids)} events got no ack within {timeout:.0f} s"
            return {i: self.acks[i][0] for i in ids}

    def send_until_acked(self, envelopes: list[dict[str, Any]], timeout: float = 60.0) -> dict[str, Ack]:
        """What the real terminal does: re-send whatever is still unacked every few seconds."""
        deadline = time.monotonic() + timeout
        pending = envelopes
        while pending and time.monotonic() < deadline:
            self.publish(*pending)
            with self.changed:
                self.changed.wait_for(lambda: all(e["id"] in self.acks for e in pending), 3.0)  # noqa: B023 - waits here
                pending = [e for e in pending if e["id"] not in self.acks]
        return self.wait_acks([e["id"] for e in envelopes], 0.1)

    def no_ack_for(self, event_id: str, window: float = 1.0) -> bool:
        with self.changed:
            return not self.changed.wait_for(lambda: event_id in self.acks, window)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def terminals(deployment: Any, broker: Any) -> Iterator[dict[str, TerminalClient]]:
    made = {tid: TerminalClient(deployment, tid) for tid in ("T-0001", "T-0002")}
    yield made
    for client in made.values():
        client.close()
