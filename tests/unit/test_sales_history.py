"""The sales history on a real SQLite file: local days, find by receipt number or receipt QR, sale detail."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from support.staff_members import add_staff
from terminal.app.bootstrap import Terminal
from terminal.errors import SaleError
from terminal.sales.history import SaleRowState
from terminal.sales.money import Money


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


@pytest.fixture
def shanghai(make_terminal: Callable[..., Terminal]) -> Terminal:
    t = make_terminal(timezone="Asia/Shanghai")
    t.shifts.open("Lan", cny("100"))
    return t


def test_sales_by_local_day_newest_first(shanghai: Terminal, clock: Any) -> None:
    t = shanghai                                   # the clock starts at 2026-11-22 08:30 UTC = 16:30 in Shanghai
    t.till.add_item("DRK-001")
    first = t.till.pay_cash(cny("2"))
    clock.advance(minutes=10)
    t.till.add_item("TEA-001", 2)
    second = t.till.pay_cash(cny("36"))
    t.till.add_item("NOO-002")
    t.till.void()
    clock.advance(hours=8)                         # 00:40 on the 23rd in Shanghai, still the 22nd in UTC
    t.till.add_item("DRK-001")
    late = t.till.pay_cash(cny("2"))
    h = t.till.history
    assert h.days() == [date(2026, 11, 23), date(2026, 11, 22)] and h.today() == date(2026, 11, 23)
    assert [r.sale_id for r in h.sales_of()] == [late.sale.id]
    rows = h.sales_of(date(2026, 11, 22))
    assert [r.state for r in rows] == [SaleRowState.VOIDED, SaleRowState.PAID, SaleRowState.PAID]
    assert [r.sale_id for r in rows[1:]] == [second.sale.id, first.sale.id]
    assert rows[1].receipt_no == second.sale.id[:12].upper() and rows[1].time == "2026-11-22 16:40 UTC+8"
    assert (rows[1].total, rows[1].methods, rows[1].refunded) == (cny("36.00"), ("cash",), cny("0"))
    t.till.refund(second.sale.id, {1: 1}, "one", add_staff(t.data_dir, "Mai"))
    again = h.sales_of(date(2026, 11, 22))[1]
    assert (again.state, again.refunded) == (SaleRowState.PARTLY_REFUNDED, cny("18.00"))


def test_find_by_receipt_number_or_receipt_qr(open_term: Terminal) -> None:
    t = open_term
    t.till.add_item("TEA-001", 2)
    done = t.till.pay_cash(cny("36"))
    h = t.till.history
    number = done.sale.id[:12].upper()
    for text in (number, number.lower(), f"Sale {number}", done.sale.id, f" {done.sale.id.upper()} ",
                 done.receipt.qr_url):
        assert h.sale_id_of(text) == done.sale.id, text
    forged = done.receipt.qr_url.rsplit("k=", 1)[0] + "k=" + "0" * 24
    with pytest.raises(SaleError, match="not printed by this terminal"):
        h.find(forged)
    with pytest.raises(SaleError, match="no sale ABCDEF012345"):
        h.find("abcdef012345")
    with pytest.raises(SaleError, match="not a receipt number"):
        h.find("hello")


def test_detail_shows_lines_payments_and_refunds(open_term: Terminal) -> None:
    t = open_term
    t.till.add_item("TEA-001", 2)
    t.till.add_item("DRK-001", 3)
    done = t.till.pay_cash(cny("50"))
    mai = add_staff(t.data_dir, "Mai")
    refund = t.till.refund(done.sale.id, {2: 2}, "two waters", mai)
    d = t.till.history.detail(done.sale.id)
    assert [(ln.sku, ln.quantity, ln.refunded, ln.refundable) for ln in d.lines] == [("TEA-001", 2, 0, 2),
                                                                                     ("DRK-001", 3, 2, 1)]
    assert d.lines[1].refunded_amount == cny("4.00") and d.refundable == cny("38.00")
    assert [(p.method, p.amount) for p in d.payments] == [("cash", cny("42.00"))]
    r = d.refunds[0]
    assert (r.refund_id, r.amount, r.approved_by, r.staff, r.reason) == (refund.id, cny("4.00"), "Mai", "",
                                                                         "two waters")
    assert [(ln.line_no, ln.quantity) for ln in r.lines] == [(2, 2)] and d.row.state is SaleRowState.PARTLY_REFUNDED
