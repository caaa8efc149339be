"""Offline payments: accepted within caps, forwarded through the outbox, charged by the backend, outcome reported."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from sync_helpers import outbox_ids, start_cloud, stop, wait_for
from test_code_payments import WECHAT, Acquirer, shop  # noqa: F401  (shop is a fixture)
from terminal.code_checkout import pay_by_code

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
