"""Storage failures surface as StoreError with a message a cashier or technician can act on,
and never leave anything half-written.

A full disk is simulated with SQLite's own `PRAGMA max_page_count` on the app's connection (file
permissions do not stop root, so a read-only data dir would not be a reliable test).
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from support.staff_members import add_staff
from terminal.app.bootstrap import Terminal
from terminal.errors import StoreError
from terminal.sales.money import Money
from terminal.sales.sale import SaleState
from terminal.store.db import Database

pytestmark = pytest.mark.integration

Rows = Callable[[Path], dict[str, int]]


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def fill_disk(t: Terminal) -> None:
    """No more pages than the file has now: the next write that needs a page fails as SQLITE_FULL."""
    conn = t.db._conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")


def free_disk(t: Terminal) -> None:
    t.db._conn.execute("PRAGMA max_page_count = 1073741823")


def ring_up_big_sale(t: Terminal) -> None:
    for item in list(t.catalog)[:25]:
        t.till.add_item(item.sku, 2)


def test_full_disk_leaves_the_sale_open_and_writes_nothing(open_term: Terminal, rows: Rows, printer) -> None:
    t = open_term
    db_file = t.data_dir / "terminal.db"
    fill_disk(t)
    error = None
    for _ in range(50):   # pages have some room left; sell until the disk is "full"
        ring_up_big_sale(t)
        before = rows(db_file)
        printed = len(printer.receipts)
        lines = [(ln.item.sku, ln.quantity) for ln in t.till.sale.lines]  # type: ignore[union-attr]
        try:
            t.till.pay_cash(cny("10000"))
        except StoreError as err:
            error = err
            break
    assert error is not None, "max_page_count never filled up"
    assert "disk is full" in str(error) and "free space" in str(error)
    assert rows(db_file) == before                      # nothing half-written
    assert len(printer.receipts) == printed             # no receipt for an unsaved sale
    sale = t.till.sale
    assert sale is not None and sale.payments == []     # the sale is still in the till...
    assert sale.state is not SaleState.PAID
    assert [(ln.item.sku, ln.quantity) for ln in sale.lines] == lines
    assert not t.db._conn.in_transaction
    assert t.db.integrity_check() == "ok"

    free_disk(t)                                        # ...and completes once space is freed
    done = t.till.pay_cash(cny("10000"))
    assert t.till.sales.load(done.sale.id).totals == done.sale.totals
    after = rows(db_file)
    assert after["sales"] == before["sales"] + 1 and after["payments"] == before["payments"] + 1
    assert after["outbox"] == before["outbox"] + 1


def fill_until_full(t: Terminal, rows: Rows, action: Callable[[], object], grows: dict[str, int]) -> StoreError:
    """Repeat an action until the full disk stops it; each success wrote exactly `grows`, the failure nothing."""
    db_file = t.data_dir / "terminal.db"
    for _ in range(500):
        before = rows(db_file)
        try:
            action()
        except StoreError as err:
            assert rows(db_file) == before
            return err
        after = rows(db_file)
        assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == grows
    raise AssertionError("the disk never filled up")


def test_full_disk_refund_cash_move_and_void_write_nothing(open_term: Terminal, rows: Rows) -> None:
    t = open_term
    t.till.add_item("DRK-001", 600)      # 600 units: one refunded per try until the disk is full
    done = t.till.pay_cash(cny("1200"))
    manager = add_staff(t.data_dir, "Mai")
    fill_disk(t)
    err = fill_until_full(t, rows, lambda: t.till.refund(done.sale.id, {1: 1}, "full disk probe", manager),
                          {"refunds": 1, "outbox": 1})
    assert "disk is full" in str(err)
    err = fill_until_full(t, rows, lambda: t.shifts.cash_move("in", cny("1"), "probe"), {"cash_moves": 1})
    assert "disk is full" in str(err)

    def big_sale_then_void() -> None:
        if t.till.sale is None:
            ring_up_big_sale(t)
        t.till.void()
    err = fill_until_full(t, rows, big_sale_then_void, {"sales": 1, "sale_lines": 25})
    assert "disk is full" in str(err)
    in_progress = t.till.sale
    assert in_progress is not None and in_progress.state is SaleState.OPEN   # not lost from the till
    assert len(in_progress.lines) == 25
    free_disk(t)
    t.till.void()
    assert t.till.sale is None
    assert t.till.sales.load(in_progress.id).state is SaleState.VOIDED
    assert t.db.integrity_check() == "ok"


def test_unopenable_database_is_a_store_error(make_terminal: Callable[..., Terminal], data_dir: Path) -> None:
    (data_dir / "terminal.db").mkdir(parents=True)       # a directory where the file should be
    with pytest.raises(StoreError) as info:
        make_terminal()
    message = str(info.value)
    assert str(data_dir / "terminal.db") in message and "cannot be written" in message


def test_damaged_database_says_call_the_technician(tmp_path: Path) -> None:
    path = tmp_path / "terminal.db"
    path.write_bytes(b"this is not an sqlite file at all" * 200)
    with pytest.raises(StoreError) as info:
        Database(path)
    assert str(path) in str(info.value) and "damaged" in str(info.value) and "do not delete" in str(info.value)
    assert path.read_bytes() == b"this is not an sqlite file at all" * 200   # left as it was


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "terminal.db"
    Database(path).close()
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="schema version 99, newer than this edgepos"):
        Database(path)


def test_failed_transaction_rolls_back_everything(term: Terminal) -> None:
    with pytest.raises(RuntimeError), term.db.transaction() as tx:
        tx.execute("INSERT INTO counters(name, value) VALUES ('probe', 1)")
        raise RuntimeError("boom")
    with pytest.raises(StoreError, match="database error"), term.db.transaction() as tx:
        tx.execute("INSERT INTO counters(name, value) VALUES ('probe2', 1)")
        tx.execute("INSERT INTO no_such_table VALUES (1)")
    assert term.db.query("SELECT name FROM counters WHERE name LIKE 'probe%'") == []
    assert not term.db._conn.in_transaction
