"""Shifts: open with a float, cash in/out, X and Z reports (expected vs counted), one open at a time."""
from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from support.staff_members import add_staff
from terminal.app.bootstrap import Terminal
from terminal.errors import SaleError, ShiftError
from terminal.sales.money import Money
from terminal.sales.sale import Payment, Sale

Rows = Callable[[Path], dict[str, int]]


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def db_path(t: Terminal) -> Path:
    return t.data_dir / "terminal.db"


def store_code_sale(t: Terminal, sku: str, clock: Any) -> Sale:
    """A sale paid by payment code, written through the real SaleStore (the till only takes cash yet)."""
    shift = t.shifts.require_open()
    sale = Sale("CNY", shift.id, opened_at=clock.now())
    sale.add(t.catalog.by_sku(sku))
    sale.start_tender()
    due = sale.due
    sale.apply_payment(Payment(uuid.uuid4().hex, "code", due, due, cny("0"), "2841****1234"))
    sale.closed_at = clock.now()
    with t.db.transaction() as tx:
        t.till.sales.insert(tx, sale)
    return sale


def test_open_shift(term: Terminal, rows: Rows) -> None:
    assert term.shifts.current is None
    with pytest.raises(ShiftError, match="no shift is open"):
        term.shifts.require_open()
    shift = term.shifts.open("  Lan  ", cny("100"))
    assert shift.cashier == "Lan" and shift.opening_float == cny("100") and shift.closed_at is None
    assert term.shifts.current == shift
    counts = rows(db_path(term))
    assert counts["shifts"] == 1 and counts["outbox"] == 1


def test_only_one_open_shift(open_term: Terminal, rows: Rows) -> None:
    before = rows(db_path(open_term))
    with pytest.raises(ShiftError, match="already open"):
        open_term.shifts.open("Minh", cny("50"))
    assert rows(db_path(open_term)) == before
    conn = sqlite3.connect(str(db_path(open_term)))
    assert conn.execute("SELECT COUNT(*) FROM shifts WHERE closed_at IS NULL").fetchone()[0] == 1
    conn.close()


@pytest.mark.parametrize("cashier, amount, message", [
    ("", "100", "cashier"), ("Lan", "-1", "zero or more"),
    ("L" * 257, "100", "at most 256"),   # the backend's shift/1 schema refuses a longer name
])
def test_open_refuses_bad_input(term: Terminal, cashier: str, amount: str, message: str) -> None:
    with pytest.raises(ShiftError, match=message):
        term.shifts.open(cashier, cny(amount))
    with pytest.raises(ShiftError, match="CNY"):
        term.shifts.open("Lan", Money(100, "USD"))
    assert term.shifts.current is None


def test_cash_moves(open_term: Terminal, rows: Rows) -> None:
    s = open_term.shifts
    s.cash_move("in", cny("50"), "change from bank")
    s.cash_move("out", cny("120"), "banking")
    report = s.report()
    assert report.cash_in == cny("50") and report.cash_out == cny("120")
    assert report.method("cash").expected == cny("30")      # 100 + 50 - 120
    before = rows(db_path(open_term))
    with pytest.raises(ShiftError, match=r"only CNY 30.00 should be in the drawer"):
        s.cash_move("out", cny("30.01"), "too much")
    with pytest.raises(ShiftError, match="more than zero"):
        s.cash_move("in", cny("0"), "nothing")
    with pytest.raises(ShiftError, match="reason"):
        s.cash_move("in", cny("1"), "  ")
    with pytest.raises(ShiftError):
        s.cash_move("sideways", cny("1"), "?")
    assert rows(db_path(open_term)) == before
    s.cash_move("out", cny("30"), "empty the drawer")
    assert s.report().method("cash").expected == cny("0")


def test_cash_move_needs_an_open_shift(term: Terminal) -> None:
    with pytest.raises(ShiftError, match="no shift is open"):
        term.shifts.cash_move("in", cny("1"), "x")


def test_x_and_z_reports(open_term: Terminal, clock: Any) -> None:
    t = open_term
    t.till.scan("8930001234505")
    t.till.scan("071234502608", 2)
    t.till.add_item("NOO-002", 3)
    first = t.till.pay_cash(cny("100"))               # 52.58 cash
    t.till.add_item("DRK-001")
    second = t.till.pay_cash(cny("5"))                # 2.00 cash
    t.till.add_item("GFT-002")
    t.till.void()                                     # a voided sale
    code_sale = store_code_sale(t, "TEA-001", clock)  # 18.00 by payment code
    t.till.refund(second.sale.id, None, "changed mind", add_staff(t.data_dir, "Mai"))
    t.shifts.cash_move("in", cny("50"), "change")
    t.shifts.cash_move("out", cny("30"), "banking")

    x = t.shifts.report()
    assert x.kind == "X"
    assert (x.sales_count, x.voided_count, x.refunds_count) == (3, 1, 1)
    assert x.gross_sales == cny("72.58")
    assert x.tax == first.sale.totals.tax + second.sale.totals.tax + code_sale.totals.tax
    cash, code = x.method("cash"), x.method("code")
    assert (cash.sales, cash.taken, cash.refunded) == (2, cny("54.58"), cny("2.00"))
    assert cash.expected == cny("172.58")             # 100 float + 54.58 - 2.00 + 50 - 30
    assert cash.counted is None and cash.difference is None
    assert (code.sales, code.taken, code.expected) == (1, cny("18.00"), cny("18.00"))
    assert t.shifts.current is not None                # an X report closes nothing

    z = t.till.close_shift(cny("170.00"), {"code": cny("18.00")})
    assert z.kind == "Z" and z.shift.closed_at is not None
    assert z.method("cash").counted == cny("170.00")
    assert z.method("cash").difference == cny("-2.58")
    assert z.method("code").difference == cny("0")
    text = "\n".join(z.as_lines())
    assert "Z REPORT" in text and "difference -2.58" in text and "expected CNY 172.58" in text
    assert t.shifts.current is None

    conn = sqlite3.connect(str(db_path(t)))
    stored = conn.execute("SELECT closed_at, z_report FROM shifts WHERE id = ?", (z.shift.id,)).fetchone()
    envs = [json.loads(e) for (e,) in conn.execute("SELECT envelope FROM outbox WHERE schema = 'shift/1' ORDER BY seq")]
    conn.close()
    assert stored[0] == z.shift.closed_at and json.loads(stored[1]) == z.as_lines()
    assert [e["body"]["event"] for e in envs] == ["open", "close"]


def test_z_report_overage(open_term: Terminal) -> None:
    open_term.till.add_item("DRK-001")
    open_term.till.pay_cash(cny("2"))
    z = open_term.shifts.close(cny("103.50"))
    assert z.method("cash").expected == cny("102.00")
    assert z.method("cash").difference == cny("1.50")
    assert "difference +1.50" in "\n".join(z.as_lines())


def test_close_refused_while_a_sale_is_in_progress(open_term: Terminal, rows: Rows) -> None:
    t = open_term
    t.till.add_item("TEA-001")
    before = rows(db_path(t))
    with pytest.raises(SaleError, match="finish or void the sale"):
        t.till.close_shift(cny("100"))
    assert t.shifts.current is not None
    assert rows(db_path(t)) == before
    assert t.till.sale is not None and len(t.till.sale.lines) == 1
    t.till.void()
    report = t.till.close_shift(cny("100"))
    assert report.method("cash").difference == cny("0")
    assert t.shifts.current is None


def test_after_close_no_selling_until_a_new_shift(open_term: Terminal) -> None:
    t = open_term
    t.till.close_shift(cny("100"))
    with pytest.raises(ShiftError):
        t.till.add_item("TEA-001")
    with pytest.raises(ShiftError):
        t.shifts.close(cny("0"))
    new = t.shifts.open("Minh", cny("20"))
    t.till.add_item("DRK-001")
    done = t.till.pay_cash(cny("2"))
    assert done.sale.shift_id == new.id
    assert t.shifts.report().method("cash").expected == cny("22")


def test_open_shift_survives_restart(make_terminal: Callable[..., Terminal]) -> None:
    first = make_terminal()
    shift = first.shifts.open("Lan", cny("100"))
    first.till.add_item("DRK-001")
    first.till.pay_cash(cny("2"))
    first.close()
    second = make_terminal()
    assert second.shifts.current == shift
    assert second.shifts.report().method("cash").expected == cny("102")


def test_report_times_are_readable() -> None:
    from terminal.shift.model import readable_time
    assert readable_time("2026-11-22T08:30:05.123456Z") == "2026-11-22 08:30:05 UTC"
    assert readable_time("garbled") == "garbled"
