"""The backend's forwarder: charge offline payments at the acquirer, tell the terminal, forget the full code."""
from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from sync.backend.forward_rows import FINAL, BadForward, ForwardRequest, ForwardStatus, forward_request
from sync.backend.store import BackendError, EventStore, clean_text
from sync.backend.tables import events, forwards, pending_forwards
from sync.broker_files import CLOUD_RPC
from sync.mqtt import BrokerSettings, make_client, publish_properties
from sync.rpc import reply_topic
from terminal.payments.paycodes import mask

log = logging.getLogger(__name__)


class Forwarder:
    """Polls stored payment events marked for forwarding; one acquirer request at a time."""

    def __init__(self, settings: BrokerSettings, store_url: str, *, poll_s: float = 0.5, timeout_s: float = 10.0,
                 query_interval_s: float = 1.0, query_window_s: float = 30.0) -> None:
        self.settings, self.store = settings, EventStore(store_url)
        self.poll_s, self.timeout_s = poll_s, timeout_s
        self.query_interval_s, self.query_window_s = query_interval_s, query_window_s
        self._stop = threading.Event()
        self._waiting: dict[bytes, Future[dict[str, Any]]] = {}
        self.client = make_client(settings, settings.username)
        self.client.on_connect = lambda c, *_: c.subscribe(f"{CLOUD_RPC}/+/reply", qos=1)
        self.client.on_message = self._on_reply

    def stop(self) -> None:
        """Finish after the current request."""
        self._stop.set()

    def run(self) -> None:
        """Forward until stopped; a row that cannot be charged is set aside, a database error is retried."""
        self.client.connect_async(self.settings.host, self.settings.port)
        self.client.loop_start()
        try:
            created = False
            while not self._stop.wait(self.poll_s):
                try:
                    if not created:
                        self.store.create()
                        created = True
                    for row in self._pending():
                        if self._stop.is_set():
                            break
                        self._forward_one(row)
                except (BackendError, SQLAlchemyError) as err:
                    log.error("forwarder: cannot read the pending offline payments (%s); trying again", err)
                except Exception:
                    log.exception("forwarder: this pass failed; trying again in %.1f s", self.poll_s)
        finally:
            self.client.loop_stop()
            self.client.disconnect()
            self.store.close()

    def _pending(self) -> list[Any]:
        query = (sa.select(events.c.id, events.c.terminal, events.c.body)
                 .join(pending_forwards, pending_forwards.c.event_id == events.c.id)
                 .order_by(events.c.received_at).limit(50))
        with self.store.engine.connect() as conn:
            return list(conn.execute(query))

    def _call(self, method: str, body: dict[str, Any]) -> dict[str, Any] | None:
        correlation = uuid.uuid4().hex.encode()
        future: Future[dict[str, Any]] = Future()
        self._waiting[correlation] = future
        props = publish_properties(correlation, f"{CLOUD_RPC}/{method}/reply")
        self.client.publish(f"{CLOUD_RPC}/{method}", json.dumps(body), qos=1, properties=props)
        try:
            return future.result(self.timeout_s)
        except FutureTimeout:
            return None
        finally:
            self._waiting.pop(correlation, None)

    def _on_reply(self, _c: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        future = self._waiting.pop(bytes(getattr(message.properties, "CorrelationData", b"") or b""), None)
        if future is not None:
            try:
                answer = json.loads(message.payload)
            except ValueError:
                answer = None
            future.set_result(answer if isinstance(answer, dict) else {"status": "unknown"})

    def _forward_one(self, row: Any) -> None:
        """Charge one stored offline payment; any error but the database's sets the row aside with it."""
        try:
            request = forward_request(row.terminal, row.body)
            self._forward(row, request)
        except SQLAlchemyError as err:
            log.error("forwarder: event %s of %s: database error (%s); trying again", row.id, row.terminal, err)
        except Exception as err:  # noqa: BLE001 - one bad row must never stop the charging of the others
            self._set_aside(row, err)

    def _forward(self, row: Any, request: ForwardRequest) -> None:
        answer = self._call("pay", request.pay)
        deadline = time.monotonic() + self.query_window_s
        while not _final(answer) and time.monotonic() < deadline:
            time.sleep(self.query_interval_s)
            answer = self._call("query", {"out_trade_no": request.out_trade_no})
        if answer is None or not _final(answer):
            log.warning("offline payment %s: no final answer yet; will retry", request.out_trade_no)
            return
        self._record(row, request, answer)

    def _record(self, row: Any, request: ForwardRequest, answer: dict[str, Any]) -> None:
        status, reason = ForwardStatus(answer["status"]), clean_text(str(answer.get("reason", "")))
        code = request.auth_code        # a face payment carries a member id, no code to scrub
        with self.store.engine.begin() as conn:
            conn.execute(pending_forwards.delete().where(pending_forwards.c.event_id == row.id))
            conn.execute(forwards.insert().values(event_id=row.id, terminal=row.terminal,
                                                  out_trade_no=request.out_trade_no, status=status,
                                                  reason=reason, at=_now()))
            if code:
                conn.execute(events.update().where(events.c.id == row.id).values(
                    body=row.body.replace(code, mask(code)),
                    envelope=sa.func.replace(events.c.envelope, code, mask(code))))
        notice = {"out_trade_no": request.out_trade_no,
                  "status": "success" if status == ForwardStatus.SUCCESS else "declined",
                  "reason": reason, "trade_no": str(answer.get("trade_no", "")), "forwarded": True}
        self.client.publish(reply_topic(row.terminal, "notify"), json.dumps(notice), qos=1)
        log.info("offline payment %s forwarded: %s %s", request.out_trade_no, status, reason)

    def _set_aside(self, row: Any, err: Exception) -> None:
        """Out of the queue into `forwards` as set_aside with the reason: kept for a person, never retried."""
        reason = clean_text(f"{type(err).__name__}: {err}" if not isinstance(err, BadForward) else str(err))
        log.error("forwarder: event %s of %s set aside, not charged: %s", row.id, row.terminal, reason)
        try:
            with self.store.engine.begin() as conn:
                conn.execute(pending_forwards.delete().where(pending_forwards.c.event_id == row.id))
                conn.execute(forwards.insert().values(event_id=row.id, terminal=row.terminal, out_trade_no="",
                                                      status=ForwardStatus.SET_ASIDE, reason=reason, at=_now()))
        except SQLAlchemyError as db_err:
            log.error("forwarder: event %s of %s could not be set aside (%s); trying again", row.id, row.terminal,
                      db_err)


def _final(answer: dict[str, Any] | None) -> bool:
    status = None if answer is None else answer.get("status")
    return isinstance(status, str) and status in FINAL


def _now() -> str:
    return datetime.now(UTC).isoformat()


