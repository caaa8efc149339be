"""MQTT 5 request/response on the link's connection: response topic + correlation data, and notifications."""
from __future__ import annotations

import json
import logging
import threading
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import paho.mqtt.client as mqtt

from sync.mqtt import publish_properties
from sync.schema import ROOT
from terminal.payments.acquirer import AcquirerReply, AcquirerUnreachable

log = logging.getLogger(__name__)


def rpc_topic(terminal: str, method: str) -> str:
    """Where the terminal sends a request."""
    return f"{ROOT}/{terminal}/rpc/{method}"


def reply_topic(terminal: str, method: str) -> str:
    """Where the answer to a request (or an unsolicited notification, method 'notify') arrives."""
    return f"{ROOT}/{terminal}/rpc/{method}/reply"


class RpcChannel:
    """Requests from any thread, sent and answered on the link's thread; notifications on a worker thread."""

    def __init__(self, terminal: str) -> None:
        self.terminal = terminal
        self._lock = threading.Lock()
        self._outgoing: deque[tuple[str, bytes, bytes]] = deque()
        self._waiting: dict[bytes, Future[AcquirerReply]] = {}
        self._handlers: list[Callable[[AcquirerReply], None]] = []
        self._notify_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="edgepos-notify")
        self.connected = False

    @property
    def subscription(self) -> str:
        """The filter for every reply and notification to this terminal."""
        return reply_topic(self.terminal, "+")

    def submit(self, method: str, body: dict[str, Any]) -> Future[AcquirerReply]:
        """Queue a request for the link thread; raises AcquirerUnreachable while the link is down."""
        if not self.connected:
            raise AcquirerUnreachable("the link to the acquirer is down")
        correlation = uuid.uuid4().hex.encode()
        future: Future[AcquirerReply] = Future()
        with self._lock:
            self._waiting[correlation] = future
            self._outgoing.append((method, json.dumps(body, ensure_ascii=False).encode(), correlation))
        return future

    def forget(self, future: Future[AcquirerReply]) -> None:
        """Stop waiting for a request's answer (its caller timed out)."""
        with self._lock:
            for key, waiting in list(self._waiting.items()):
                if waiting is future:
                    del self._waiting[key]

    def on_notify(self, handler: Callable[[AcquirerReply], None]) -> None:
        """Call handler (on a worker thread) for each unsolicited result."""
        self._handlers.append(handler)

    @property
    def busy(self) -> bool:
        """True while requests wait to be sent."""
        return bool(self._outgoing)

    def flush(self, client: mqtt.Client) -> None:
        """Publish the queued requests (link thread only)."""
        while True:
            with self._lock:
                if not self._outgoing:
                    return
                method, payload, correlation = self._outgoing.popleft()
            props = publish_properties(correlation, reply_topic(self.terminal, method))
            client.publish(rpc_topic(self.terminal, method), payload, qos=1, properties=props)

    def deliver(self, message: mqtt.MQTTMessage) -> None:
        """A message on a reply topic: resolve its request, or hand it to the notification handlers."""
        try:
            body = json.loads(message.payload)
            reply = AcquirerReply.from_dict(body if isinstance(body, dict) else {})
        except ValueError:
            log.warning("unreadable acquirer message on %s", message.topic)
            return
        correlation = getattr(message.properties, "CorrelationData", None)
        with self._lock:
            future = self._waiting.pop(bytes(correlation), None) if correlation else None
        if future is not None:
            future.set_result(reply)
            return
        for handler in self._handlers:
            self._notify_pool.submit(self._safe, handler, reply)

    @staticmethod
    def _safe(handler: Callable[[AcquirerReply], None], reply: AcquirerReply) -> None:
        try:
            handler(reply)
        except Exception:  # a notification handler must never take the link down
            log.exception("acquirer notification handler failed")


class MqttAcquirer:
    """The Acquirer port over the terminal's sync link."""

    def __init__(self, channel: RpcChannel) -> None:
        self.channel = channel

    def reachable(self) -> bool:
        """True while the link is connected."""
        return self.channel.connected

    def call(self, method: str, body: dict[str, Any], timeout: float) -> AcquirerReply | None:
        """Send and wait; None when no answer came in time."""
        future = self.channel.submit(method, body)
        try:
            return future.result(timeout)
        except TimeoutError:
            self.channel.forget(future)
            return None

    def on_notify(self, handler: Callable[[AcquirerReply], None]) -> None:
        """Register for unsolicited results."""
        self.channel.on_notify(handler)
