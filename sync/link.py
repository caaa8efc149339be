"""The terminal's side of sync: drain the outbox over MQTT 5, delete a row only on the backend's ack."""
from __future__ import annotations

import json
import logging
import os
import ssl
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt

from sync.backoff import Backoff
from sync.link_report import LinkCounts, LinkReport, now_text
from sync.mqtt import BrokerSettings, Will, make_client, reason_text
from sync.remote import ConfigReceiver
from sync.rpc import RpcChannel
from sync.schema import Ack, AckStatus, acks_topic, config_topic, decode_acks, events_topic, status_topic
from terminal.config.remote import RemoteSettings
from terminal.link.advice import RejectionCause, rejection_cause
from terminal.link.keyring import retire_current_key
from terminal.store.db import Database
from terminal.store.sync_store import LinkState, SyncStore

log = logging.getLogger(__name__)
CONNECT_TIMEOUT = 10.0
MAX_ACK_WAIT = 60.0


class SyncLink:
    """One thread owns the paho client and the link's DB connection; `run()` until `stop()`."""

    def __init__(self, db: Database, terminal_id: str, settings: BrokerSettings, currency: str, *,
                 window: int = 1000, ack_timeout: float = 3.0, idle_poll: float = 0.05,
                 backoff: Backoff | None = None, on_config: Callable[[RemoteSettings], None] | None = None,
                 keys_dir: Path | None = None) -> None:
        self.store, self.terminal, self.settings = SyncStore(db), terminal_id, settings
        self.keys_dir = keys_dir                  # where a key the backend calls wrong is kept aside (keyring)
        self.report = LinkReport(self.store)
        self.counts = LinkCounts()
        self.window, self.ack_timeout, self.idle_poll = window, ack_timeout, idle_poll
        self._ack_wait = ack_timeout              # doubles while no ack comes (backend away), up to MAX_ACK_WAIT
        self.backoff = backoff or Backoff()
        self.config = ConfigReceiver(self.store, currency, on_config)
        self.rpc = RpcChannel(terminal_id)
        self._stop = threading.Event()
        self._client: mqtt.Client | None = None
        self._connected = False
        self._refused = ""
        self.refusal = ""                         # the broker refused the login or our events: needs a fix
        self._acks: list[Ack] = []
        self._inflight: dict[str, float] = {}   # event id -> when it was (last) sent
        self._unacked: set[str] = set()           # sent at least once and not answered: a resend is counted apart
        self._cursor = 0                          # highest seq sent on this connection
        self._cursor_behind = True                # more rows may wait beyond the cursor

    # -- the loop ---------------------------------------------------------------------------------
    def run(self) -> None:
        """Connect, drain, reconnect with backoff; returns after `stop()`."""
        self.report.record(LinkState.CONNECTING, "", pid=os.getpid())
        try:
            while not self._stop.is_set():
                self.report.beat()
                if not self._connected:
                    self._connect_once()
                    continue
                busy = bool(self._inflight) or self._cursor_behind or self.rpc.busy
                assert self._client is not None
                if self._client.loop(timeout=0.002 if busy else self.idle_poll) != mqtt.MQTT_ERR_SUCCESS:
                    self._lost("connection lost")
                    continue
                self.rpc.flush(self._client)
                self._settle_acks()
                self._apply_configs()
                self._fill()
                self._resend_overdue()
        finally:
            self._shutdown()

    def stop(self) -> None:
        """Ask the loop to finish (thread-safe)."""
        self._stop.set()

    def start_thread(self) -> threading.Thread:
        """Run the link in a daemon thread (the kiosk's way)."""
        thread = threading.Thread(target=self.run, name="edgepos-sync", daemon=True)
        thread.start()
        return thread

    # -- connection -------------------------------------------------------------------------------
    def _connect_once(self) -> None:
        # A fresh client per connection: paho would otherwise resend its own in-memory queue on top of ours.
        will = Will(status_topic(self.terminal), json.dumps({"state": LinkState.OFFLINE}).encode())
        client = make_client(self.settings, self.terminal, will)
        client.max_inflight_messages_set(self.window)
        client.max_queued_messages_set(0)
        client.on_connect, client.on_disconnect = self._on_connect, self._on_disconnect
        client.on_message, client.on_publish = self._on_message, self._on_publish
        self._client, self._refused, self._cursor_behind = client, "", True
        try:
            client.connect(self.settings.host, self.settings.port, keepalive=15, clean_start=True)
            deadline = time.monotonic() + CONNECT_TIMEOUT
            while not (self._connected or self._refused or self._stop.is_set()) and time.monotonic() < deadline:
                self.report.beat()
                if client.loop(timeout=0.1) != mqtt.MQTT_ERR_SUCCESS:
                    self._refused = self._refused or "the broker closed the connection"
        except (OSError, ssl.SSLError, ValueError) as err:
            self._refused = f"cannot reach {self.settings.host}:{self.settings.port}: {err}"
        if self._connected or self._stop.is_set():
            return
        self._refused = self._refused or f"no answer from the broker within {CONNECT_TIMEOUT:.0f} s"
        if not self._refused.startswith("the broker refused"):
            self.refusal = ""                     # unreachable now: whatever it refused before is not known
        self._lost(self._refused, LinkState.REFUSED if self.refusal else LinkState.OFFLINE)

    def _lost(self, why: str, state: LinkState = LinkState.OFFLINE) -> None:
        self._connected = self.rpc.connected = False
        if self._client is not None:
            self._client.disconnect()
            self._client = None
        delay = self.backoff.next_delay()
        log.warning("sync link %s: %s; retrying in %.1f s", state, why, delay)
        self.report.record(state, why)
        self.report.wait(self._stop, delay)

    def _on_connect(self, client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any) -> None:
        if reason.is_failure:
            self._refused = self.refusal = f"the broker refused the terminal: {reason_text(reason)}"
            return
        self._connected, self._cursor, self._inflight, self.refusal = True, 0, {}, ""
        self.backoff.reset()
        client.subscribe([(acks_topic(self.terminal), 1), (config_topic(self.terminal), 1),
                          (self.rpc.subscription, 1)])
        self.rpc.connected = True
        self.publish_status()
        log.info("sync link online to %s:%s", self.settings.host, self.settings.port)
        self.report.record(LinkState.ONLINE, "")

    def _on_disconnect(self, _client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any) -> None:
        self._connected = self.rpc.connected = False

    def _on_message(self, _client: mqtt.Client, _userdata: Any, message: mqtt.MQTTMessage) -> None:
        if message.topic == acks_topic(self.terminal):
            self._acks.extend(decode_acks(message.payload))
        elif message.topic == config_topic(self.terminal):
            self.config.received(message.payload)
        elif message.topic.endswith("/reply"):
            self.rpc.deliver(message)

    def _on_publish(self, _client: mqtt.Client, _userdata: Any, _mid: int, reason: Any, _props: Any) -> None:
        if reason.is_failure:  # e.g. "Not authorized": the ACL dropped it; the ack timeout will retry
            log.error("the broker refused an event: %s", reason_text(reason))
            self.refusal = f"the broker refused events: {reason_text(reason)}"
            self.report.note(self.refusal)

    def publish_status(self) -> None:
        """Retained status: online, with the applied remote config version and any rejection."""
        if self._client is not None:
            body = {"state": LinkState.ONLINE, "at": now_text(), **self.config.status_fields()}
            self._client.publish(status_topic(self.terminal), json.dumps(body), qos=1, retain=True)

    # -- draining ---------------------------------------------------------------------------------
    def _fill(self) -> None:
        room = self.window - len(self._inflight)
        if room <= 0 or self._client is None:
            return
        if not self._inflight:
            self._cursor = 0   # rows put back below the cursor (`sync retry-rejected`) are picked up too
        rows = self.store.after(self._cursor, min(room, 500))
        self._cursor_behind = len(rows) == min(room, 500)
        now, topic = time.monotonic(), events_topic(self.terminal)
        for seq, event_id, envelope in rows:
            if self._client.publish(topic, envelope, qos=1).rc != mqtt.MQTT_ERR_SUCCESS:
                return  # disconnected meanwhile: the next connection starts again from seq 0
            self._inflight[event_id], self._cursor = now, seq
            if event_id in self._unacked:
                self.counts.resent += 1
            else:
                self._unacked.add(event_id)
                self.counts.sent += 1

    def _settle_acks(self) -> None:
        if not self._acks:
            return
        acks, self._acks = self._acks, []
        self._ack_wait = self.ack_timeout
        done = [a.id for a in acks if a.status != AckStatus.REJECTED]
        at = now_text()
        if done:
            self.counts.acked += self.store.acknowledge(done, at)
        for ack in acks:
            if ack.status == AckStatus.REJECTED:
                log.error("backend rejected event %s: %s", ack.id, ack.reason)
                self.counts.rejected += self.store.reject(ack.id, ack.reason or "rejected", at)
                self.counts.reasons[ack.reason or "rejected"] += 1
                if self.keys_dir is not None and rejection_cause(ack.reason or "") is RejectionCause.KEY:
                    retire_current_key(self.keys_dir)   # keep the key those events were signed with
            self._inflight.pop(ack.id, None)
            self._unacked.discard(ack.id)

    def _resend_overdue(self) -> None:
        if self._inflight and next(iter(self._inflight.values())) < time.monotonic() - self._ack_wait:
            log.warning("no ack within %.0f s for %d events: sending every unacked event again",
                        self._ack_wait, len(self._inflight))
            self._inflight, self._cursor = {}, 0
            self._ack_wait = min(self._ack_wait * 2, MAX_ACK_WAIT)

    def _apply_configs(self) -> None:
        if self.config.apply_pending():
            self.publish_status()

    def _shutdown(self) -> None:
        client, self._client = self._client, None
        if client is not None and self._connected:
            client.publish(status_topic(self.terminal), json.dumps({"state": LinkState.OFFLINE}), qos=1, retain=True)
            client.loop(timeout=0.2)
            client.disconnect()
        self._connected = self.rpc.connected = False
        self.report.record(LinkState.STOPPED, self.refusal)   # a refusal stays readable after the link stopped
