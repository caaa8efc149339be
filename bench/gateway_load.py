"""The bench's simulated terminals: one MQTT 5 client each, pay requests at a fixed total rate."""
from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

from sync.mqtt import BrokerSettings, make_client, publish_properties
from sync.rpc import reply_topic, rpc_topic


class SimTerminal:
    """A terminal's MQTT side: sends pay requests, times each reply by its correlation."""

    def __init__(self, settings: BrokerSettings, terminal: str) -> None:
        self.terminal = terminal
        self.sent: dict[bytes, tuple[str, float]] = {}
        self.rtt: dict[str, float] = {}            # out_trade_no -> seconds from publish to reply
        self.statuses: dict[str, str] = {}
        self.ready = threading.Event()
        self._lock = threading.Lock()
        self.client = make_client(settings, terminal)
        self.client.on_connect = lambda c, *_: c.subscribe(reply_topic(terminal, "+"), qos=1)
        self.client.on_subscribe = lambda *_: self.ready.set()
        self.client.on_message = self._on_message
        self.client.connect_async(settings.host, settings.port)
        self.client.loop_start()

    def _on_message(self, _c: Any, _u: Any, message: Any) -> None:
        now = time.perf_counter()
        with self._lock:
            sent = self.sent.pop(bytes(getattr(message.properties, "CorrelationData", b"") or b""), None)
        if sent is not None:
            self.rtt[sent[0]] = now - sent[1]
            self.statuses[sent[0]] = str(json.loads(message.payload).get("status"))

    def pay(self, amount: str, code: str) -> None:
        """Publish one pay request."""
        otn, correlation = f"{self.terminal}-{uuid.uuid4().hex[:20]}", uuid.uuid4().hex.encode()
        body = {"out_trade_no": otn, "amount": amount, "currency": "CNY", "sale_id": otn[-12:], "scheme": "alipay",
                "auth_code": code}
        props = publish_properties(correlation, reply_topic(self.terminal, "pay"))
        with self._lock:
            self.sent[correlation] = (otn, time.perf_counter())
        self.client.publish(rpc_topic(self.terminal, "pay"), json.dumps(body), qos=1, properties=props)

    def close(self) -> None:
        """Disconnect."""
        self.client.loop_stop()
        self.client.disconnect()


def drive(terminals: list[SimTerminal], rate: float, seconds: float, amount: str, code: str) -> int:
    """Send pay requests round-robin at `rate` per second for `seconds`; the number sent."""
    count, start = int(rate * seconds), time.perf_counter()
    for n in range(count):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        terminals[n % len(terminals)].pay(amount, code)
    return count
