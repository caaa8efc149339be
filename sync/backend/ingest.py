"""An ingest worker: shared-subscription consumer that checks events, commits each batch once, then acks."""
from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections import Counter
from datetime import timedelta
from typing import Any, Protocol

import paho.mqtt.client as mqtt

from sync.backend.judge import as_text, check_event
from sync.backend.keeper import BatchKeeper
from sync.backend.store import BackendError, EventStore, Received
from sync.mqtt import BrokerSettings, make_client, reason_text, session_properties
from sync.schema import Ack, EnvelopeError, acks_topic, encode_acks, terminal_of

__all__ = ["Flag", "IngestWorker", "check_event"]
log = logging.getLogger(__name__)
SESSION_EXPIRY_S = 300     # the broker keeps our subscription and queued events this long while we restart
LINGER_S = 0.002           # a batch waits this long for more events after the queue runs dry...
FLUSH_S = 0.020            # ...but never longer than this after its first event
KEEPALIVE_S = 30
REPORT_EVERY_S = 60.0      # how often a busy worker logs what it ingested
_WAKE = ("", b"", 0)       # a queue item that only wakes the batch loop


class Flag(Protocol):
    """A threading.Event or a multiprocessing Event."""

    def set(self) -> None: ...

    def wait(self, timeout: float | None = None) -> bool: ...


class IngestWorker:
    """Receives every terminal's events through the deployment's secret shared group at QoS 1.

    An event is PUBACKed and acked only after the commit that stored it.
    """

    def __init__(self, settings: BrokerSettings, store_url: str, secrets: dict[str, bytes], name: str, *,
                 batch_max: int = 500, die_after_commit: int | None = None,
                 session_expiry_s: int = SESSION_EXPIRY_S, ready: Flag | None = None,
                 clock_window: timedelta | None = None) -> None:
        self.settings, self.secrets, self.name = settings, dict(secrets), name
        self.client_id = settings.username   # Mosquitto's use_username_as_clientid forces this anyway
        self.store = EventStore(store_url)
        self.batch_max, self.die_after_commit, self.session_expiry_s = batch_max, die_after_commit, session_expiry_s
        self.ready: Flag = ready or threading.Event()
        self.clock_window = clock_window
        self.commits = 0
        self.connections = 0                 # successful CONNACKs: 1 unless the link dropped
        self._tally: Counter[str] = Counter()
        self._report_at = time.monotonic() + REPORT_EVERY_S
        self._inbox: queue.SimpleQueue[tuple[str, bytes, int]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._refused = ""
        self.keeper = BatchKeeper(self.store, name, self._stop)

    def stop(self) -> None:
        """Ask run() to finish its current batch and return (safe from a signal handler)."""
        self._stop.set()
        self._inbox.put(_WAKE)

    # -- paho's network thread: only enqueue -------------------------------------------------------
    def _on_connect(self, client: mqtt.Client, _u: Any, flags: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            self._refused = (f"the broker refused {self.settings.username!r}: {reason_text(reason)} (every "
                             "worker logs in as its own provisioned user)")
            self._inbox.put(_WAKE)
            return
        self.connections += 1
        log.info("%s connected to %s:%d (session present: %s)", self.name, self.settings.host,
                 self.settings.port, flags.session_present)
        # again even with a session: harmless, and heals a lost one
        client.subscribe(self.settings.shared_events, qos=1)

    def _on_subscribe(self, _c: mqtt.Client, _u: Any, _mid: int, reasons: list[Any], _p: Any) -> None:
        if any(r.is_failure for r in reasons):
            self._refused = (f"the broker refused the subscription to {self.settings.shared_events}: "
                             f"{reason_text(reasons[0])}")
            self._inbox.put(_WAKE)
        else:
            self.ready.set()

    def _on_disconnect(self, _c: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if not self._stop.is_set():
            log.warning("%s lost the broker (%s); reconnecting", self.name, reason_text(reason))

    def _on_message(self, _c: mqtt.Client, _u: Any, msg: mqtt.MQTTMessage) -> None:
        self._inbox.put((msg.topic, bytes(msg.payload), msg.mid))

    # -- the batch loop ----------------------------------------------------------------------------
    def run(self) -> None:
        """Consume and store events until stop(); raises BackendError if the broker refuses our login."""
        self.store.create()
        client = make_client(self.settings, self.client_id)
        client.manual_ack_set(True)          # PUBACK after the commit: a crash before it means redelivery
        client.max_inflight_messages_set(100)
        client.reconnect_delay_set(1, 10)
        client.on_connect, client.on_subscribe = self._on_connect, self._on_subscribe
        client.on_disconnect, client.on_message = self._on_disconnect, self._on_message
        props = session_properties(self.session_expiry_s)
        props.ReceiveMaximum = min(65535, max(100, self.batch_max * 4))
        client.connect_async(self.settings.host, self.settings.port, KEEPALIVE_S, clean_start=False,
                             properties=props)
        client.loop_start()                  # connects, and reconnects, in its own thread (broker may be down)
        try:
            while not self._stop.is_set():
                batch = self._gather()
                if self._refused:
                    raise BackendError(f"{self.name}: {self._refused}")
                if batch:
                    self._process_safely(client, batch)
        finally:
            client.disconnect()
            client.loop_stop()
            self.store.close()

    def _gather(self) -> list[tuple[str, bytes, int]]:
        try:
            item = self._inbox.get(timeout=0.5)
        except queue.Empty:
            return []
        batch = [] if item is _WAKE else [item]
        flush_at = time.monotonic() + FLUSH_S
        while len(batch) < self.batch_max and not self._stop.is_set():
            wait = min(LINGER_S, flush_at - time.monotonic())
            if wait <= 0:
                break
            try:
                item = self._inbox.get_nowait()            # the cheap path while events stream in
            except queue.Empty:
                try:
                    item = self._inbox.get(timeout=wait)
                except queue.Empty:
                    break
            if item is not _WAKE:
                batch.append(item)
        return batch

    def _judge(self, topic: str, payload: bytes) -> Received:
        terminal, text = terminal_of(topic), as_text(payload)
        try:
            env = check_event(payload, terminal, self.secrets.get(terminal or ""), clock_window=self.clock_window)
            return Received(terminal or "?", text, env)
        except EnvelopeError as err:
            log.info("%s rejected an event from %s: %s", self.name, terminal or topic, err.reason)
            return Received(terminal or "?", text, reason=err.reason, event_id=err.event_id if terminal else None)

    def _process_safely(self, client: mqtt.Client, batch: list[tuple[str, bytes, int]]) -> None:
        try:
            self._process(client, batch)
        except Exception as err:
            log.exception("%s: unexpected error on a batch of %d: keeping its messages in dead_letters", self.name,
                          len(batch))
            self.keeper.bury([Received(terminal_of(topic) or "?", as_text(payload)) for topic, payload, _m in batch],
                             err)
            for _topic, _payload, mid in batch:
                client.ack(mid, 1)

    def _process(self, client: mqtt.Client, batch: list[tuple[str, bytes, int]]) -> None:
        items = [self._judge(topic, payload) for topic, payload, _mid in batch]
        answers = self.keeper.keep(items)
        if answers is None:
            return                           # stopping: nothing PUBACKed, the broker redelivers
        self.commits += 1
        if self.die_after_commit is not None and self.commits >= self.die_after_commit:
            log.error("%s: die_after_commit=%d reached, exiting before acking", self.name, self.die_after_commit)
            os._exit(137)
        self._report([a for i, a in zip(items, answers, strict=True) if a is not None and i.envelope is not None],
                     sum(1 for i in items if i.envelope is None))
        per_terminal: dict[str, list[Ack]] = {}
        for item, answer in zip(items, answers, strict=True):
            if answer is not None:
                per_terminal.setdefault(item.terminal, []).append(answer)
        for terminal, acks in per_terminal.items():
            client.publish(acks_topic(terminal), encode_acks(acks), qos=1)
        for _topic, _payload, mid in batch:
            client.ack(mid, 1)

    def _report(self, acks: list[Ack], rejected: int) -> None:
        self._tally.update(a.status for a in acks)
        self._tally.update(batches=1, rejected=rejected)
        if time.monotonic() >= self._report_at:
            tally, self._tally = self._tally, Counter()
            log.info("%s: %d stored, %d duplicate, %d rejected in %d batches over the last %.0f s", self.name,
                     tally["stored"], tally["duplicate"], tally["rejected"], tally["batches"], REPORT_EVERY_S)
            self._report_at = time.monotonic() + REPORT_EVERY_S
