"""Offline payments: accepted within caps, forwarded through the outbox, charged by the backend, outcome reported."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from sync.backend.store import EventStore
from sync.schema import Envelope
from sync_helpers import outbox_ids, start_cloud, stop, wait_for
from terminal.link.events import make_envelope
from terminal.payments.code_checkout import pay_by_code
from test_code_payments import WECHAT, Acquirer, shop  # noqa: F401  (shop is a fixture)

pytestmark = pytest.mark.integration
ALIPAY = "281234567890123456"


def test_forwarded_offline_payments_report_back(shop: Any, deployment: Any, broker: Any, tmp_path: Path) -> None:
    term, authorizer = shop
    broker.stop()
    wait_for("the link offline", lambda: not authorizer.acquirer.reachable())
    term.till.add_item("TEA-001")                       # 18.00: the wallet will approve it
    approved, _ = pay_by_code(term.till, authorizer, WECHAT)
    term.till.add_item("TEA-001", 2)                    # 36.00: the wallet will decline it
    declined, _ = pay_by_code(term.till, authorizer, ALIPAY)
    assert approved.status == declined.status == "offline"
    envelopes = " ".join(r[0] for r in term.db.query("SELECT envelope FROM outbox"))
    assert WECHAT in envelopes and ALIPAY in envelopes     # needed to charge them later, until forwarded
    cloud_db, logs = tmp_path / "cloud" / "events.db", (tmp_path / "cloud.log",)
    broker.start()
    sim = Acquirer(deployment, "--script", "approve", "--by-amount", "36.00=decline:insufficient_funds")
    cloud = start_cloud(deployment, cloud_db, logs[0])
    try:
        wait_for("the outbox forwarded", lambda: not outbox_ids(term.data_dir), 60, logs=logs)
        flagged = wait_for("the decline reported", lambda: authorizer.attempts.needing_attention(), 60, logs=logs)
        assert [a.out_trade_no for a in flagged] == [declined.out_trade_no]
        assert "declined when forwarded" in flagged[0].reason and "insufficient_funds" in flagged[0].reason
        wait_for("the approval recorded",
                 lambda: authorizer.attempts.get(approved.out_trade_no).status == "offline_approved",  # type: ignore
                 30, logs=logs)
        with sqlite3.connect(cloud_db) as conn:
            rows = conn.execute("SELECT status FROM forwards ORDER BY status").fetchall()
            bodies = " ".join(r[0] for r in conn.execute("SELECT body || envelope FROM events"))
        assert rows == [("declined",), ("success",)]
        assert WECHAT not in bodies and ALIPAY not in bodies
    finally:
        stop(cloud)
        sim.stop()
    term.db.query("PRAGMA wal_checkpoint(TRUNCATE)")
    for path in term.data_dir.glob("terminal.db*"):
        assert WECHAT.encode() not in path.read_bytes(), path


def stored_payment(url: str, terminal: str, secret: bytes, body: dict[str, Any]) -> str:
    """A payment/1 event stored unchecked, as an older backend stored it (queued for the forwarder); its id."""
    envelope = make_envelope("payment/1", body, terminal, 1, "2026-11-22T08:30:00Z", secret)
    store = EventStore(url)
    store.create()
    try:
        store.store_batch([Envelope("payment/1", envelope["id"], terminal, 1, envelope["created_at"], body,
                                    envelope)], "w1")
    finally:
        store.close()
    return str(envelope["id"])


def offline_body(sale_id: str, forward: Any, amount: Any = 1800, status: str = "offline") -> dict[str, Any]:
    return {"sale_id": sale_id, "currency": "CNY", "total": 1800, "forward": forward,
            "payments": [{"method": "wechat", "amount": amount, "status": status, "reference": "wechat:x:y"}]}


def test_a_bad_forward_is_set_aside_and_other_terminals_are_still_charged(
        shop: Any, deployment: Any, broker: Any, tmp_path: Path) -> None:
    """Rows stored before the backend checked bodies (or by a buggy terminal) must never stop the forwarder."""
    term, authorizer = shop
    cloud_db, log = tmp_path / "cloud" / "events.db", tmp_path / "cloud.log"
    url, secret = f"sqlite:///{cloud_db}", deployment.secrets()["T-0002"]
    good_forward = {"out_trade_no": "T-0002-0123456789abcdef0123", "scheme": "wechat", "auth_code": WECHAT}
    bad = {stored_payment(url, "T-0002", secret, body): why for body, why in [
        (offline_body("s1", "junk"), "'forward'"),
        (offline_body("s2", good_forward, status="approved"), "offline payment"),
        (offline_body("s3", {**good_forward, "out_trade_no": "T-0001-stolen"}), "T-0002"),
        (offline_body("s4", good_forward, amount=1e308), "amount"),
    ]}
    broker.stop()
    wait_for("the link offline", lambda: not authorizer.acquirer.reachable())
    term.till.add_item("TEA-001")
    approved, _ = pay_by_code(term.till, authorizer, WECHAT)
    assert approved.status == "offline"
    broker.start()
    sim = Acquirer(deployment, "--script", "approve")
    cloud = start_cloud(deployment, cloud_db, log)
    try:
        wait_for("T-0001's offline payment charged",
                 lambda: authorizer.attempts.get(approved.out_trade_no).status == "offline_approved",  # type: ignore
                 30, logs=(log,))
        with sqlite3.connect(cloud_db) as conn:
            rows = dict(conn.execute("SELECT event_id, status || ' ' || reason FROM forwards WHERE terminal = ?",
                                     ("T-0002",)).fetchall())
            pending = conn.execute("SELECT count(*) FROM pending_forwards").fetchone()[0]
        assert rows.keys() == bad.keys() and pending == 0
        for event_id, why in bad.items():
            assert rows[event_id].startswith("set_aside ") and why in rows[event_id], rows[event_id]
        logged = log.read_text(errors="replace")
        assert all(event_id in logged for event_id in bad) and "T-0002" in logged
        assert "T-0001-stolen" not in " ".join(str(s) for s in sim.seen)     # never charged nor queried
    finally:
        stop(cloud)
        sim.stop()
