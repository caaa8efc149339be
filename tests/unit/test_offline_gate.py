"""The offline policy on a real SQLite file: per-payment cap, total unforwarded cap, age of the oldest."""
from __future__ import annotations

import uuid
from typing import Any

import pytest

from terminal.app.bootstrap import Terminal
from terminal.errors import PaymentRefusal, PaymentRefused
from terminal.payments.offline import OfflineGate, OfflineRefused
from terminal.sales.money import Money
from terminal.sales.sale import Payment


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def pay_offline(t: Terminal, sku: str = "TEA-001", qty: int = 1) -> str:
    t.till.add_item(sku, qty)
    due = t.till.sale.due  # type: ignore[union-attr]
    return t.till.complete(Payment(uuid.uuid4().hex, "code", due, due, cny("0"), "wechat:1345**6789:x",
                                   "offline")).sale.id


def test_caps_and_age(open_term: Terminal, clock: Any) -> None:
    t = open_term
    gate = OfflineGate(t.db, t.offline_caps, clock)       # defaults: 500.00 each, 5000.00 total, 24 h
    gate(cny("500.00"))
    with pytest.raises(OfflineRefused, match="per payment"):
        gate(cny("500.01"))
    for _ in range(10):
        pay_offline(t, "TEA-001", 27)                       # 10 x 486.00 = 4860.00 unforwarded
    assert gate.unforwarded("CNY")[0] == cny("4860.00")
    gate(cny("140.00"))
    with pytest.raises(OfflineRefused, match="offline total"):
        gate(cny("140.01"))
    clock.advance(hours=24, seconds=1)
    with pytest.raises(OfflineRefused, match="24 h"):
        gate(cny("1.00"))


def test_forwarded_payments_no_longer_count(open_term: Terminal, clock: Any) -> None:
    t = open_term
    gate = OfflineGate(t.db, t.offline_caps, clock)
    pay_offline(t)
    assert gate.unforwarded("CNY")[0] == cny("18.00")
    t.db.query("SELECT 1")
    with t.db.transaction() as tx:                          # the backend acked every event
        tx.execute("DELETE FROM outbox")
    assert gate.unforwarded("CNY") == (cny("0"), None)
    clock.advance(hours=48)
    gate(cny("10.00"))


def test_each_refusal_carries_its_reason_code(open_term: Terminal, clock: Any) -> None:
    t = open_term
    gate = OfflineGate(t.db, t.offline_caps, clock)
    with pytest.raises(OfflineRefused) as over:
        gate(cny("500.01"))
    assert over.value.reason is PaymentRefusal.OVER_PAYMENT_CAP
    for _ in range(10):
        pay_offline(t, "TEA-001", 27)
    with pytest.raises(OfflineRefused) as total:
        gate(cny("140.01"))
    assert total.value.reason is PaymentRefusal.OVER_TOTAL_CAP
    clock.advance(hours=24, seconds=1)
    with pytest.raises(OfflineRefused) as old:
        gate(cny("1.00"))
    assert old.value.reason is PaymentRefusal.OFFLINE_TOO_OLD
    assert isinstance(old.value, PaymentRefused)
