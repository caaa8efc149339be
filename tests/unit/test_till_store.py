"""The till on a real SQLite file: one transaction per sale, outbox events, refunds, printing."""
from __future__ import annotations

import json
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from simulators.file_printer import FilePrinter
from simulators.printer_process import SimulatedPrinter
from support.staff_members import add_staff
from terminal.app.bootstrap import Terminal
from terminal.errors import BarcodeError, ConfigError, PrinterError, RefundError, SaleError, ShiftError, UnknownItem
from terminal.link.events import verify_envelope
from terminal.sales.money import Money
from terminal.sales.receipts import Receipt, ReceiptLine
from terminal.sales.sale import SaleState
from terminal.store import SCHEMA_VERSION

Rows = Callable[[Path], dict[str, int]]


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def db_path(t: Terminal) -> Path:
    return t.data_dir / "terminal.db"


def connect(t: Terminal) -> sqlite3.Connection:
    conn = sqlite3.connect(str(db_path(t)))
    conn.row_factory = sqlite3.Row
    return conn


def envelopes(t: Terminal, schema: str | None = None) -> list[dict[str, Any]]:
    with connect(t) as conn:
        rows = conn.execute("SELECT schema, envelope FROM outbox ORDER BY seq").fetchall()
    conn.close()
    return [json.loads(r["envelope"]) for r in rows if schema is None or r["schema"] == schema]


def ring_up(t: Terminal) -> None:
    t.till.scan("8930001234505")        # TEA-001 18.00 incl 6%
    t.till.scan("071234502608", 2)      # DRK-004 8.00 excl 13%, as UPC-A
    t.till.add_item("NOO-002", 3)       # 5.50 incl 9%


DUE = Money(1800 + 2 * 904 + 3 * 550, "CNY")   # 52.58


def test_cash_sale_is_stored_in_one_go(open_term: Terminal, rows: Rows, printer: Any) -> None:
    t = open_term
    before = rows(db_path(t))
    ring_up(t)
    assert t.till.sale is not None and t.till.sale.due == DUE
    assert rows(db_path(t)) == before          # nothing stored while ringing up
    done = t.till.pay_cash(cny("100"))
    assert done.change == cny("47.42")
    assert done.payment.amount == DUE and done.payment.tendered == cny("100")
    assert done.sale.state is SaleState.PAID
    assert t.till.sale is None
    after = rows(db_path(t))
    assert after["sales"] == before["sales"] + 1
    assert after["sale_lines"] == before["sale_lines"] + 3
    assert after["payments"] == before["payments"] + 1
    assert after["outbox"] == before["outbox"] + 1

    conn = connect(t)
    sale = conn.execute("SELECT * FROM sales WHERE id = ?", (done.sale.id,)).fetchone()
    assert (sale["state"], sale["currency"], sale["total"]) == ("paid", "CNY", DUE.minor)
    lines = conn.execute("SELECT sku, quantity, amount FROM sale_lines WHERE sale_id = ? ORDER BY line_no",
                         (done.sale.id,)).fetchall()
    assert [tuple(r) for r in lines] == [("TEA-001", 1, 1800), ("DRK-004", 2, 1808), ("NOO-002", 3, 1650)]
    pay = conn.execute("SELECT * FROM payments WHERE sale_id = ?", (done.sale.id,)).fetchall()
    assert len(pay) == 1
    assert (pay[0]["method"], pay[0]["amount"], pay[0]["tendered"], pay[0]["change"]) == ("cash", 5258, 10000, 4742)
    conn.close()

    events = envelopes(t, "payment/1")
    assert len(events) == 1
    body = events[0]["body"]
    assert body["sale_id"] == done.sale.id and body["total"] == DUE.minor
    assert [p["amount"] for p in body["payments"]] == [DUE.minor]
    assert len(printer.receipts) == 1 and done.printed_to == f"fake:{done.sale.id}" and done.print_error is None


def test_exact_cash_gives_no_change(open_term: Terminal) -> None:
    open_term.till.add_item("DRK-001")
    done = open_term.till.pay_cash(cny("2.00"))
    assert done.change == cny("0")


def test_not_enough_cash_writes_nothing(open_term: Terminal, rows: Rows) -> None:
    t = open_term
    ring_up(t)
    before = rows(db_path(t))
    with pytest.raises(SaleError, match="not enough"):
        t.till.pay_cash(cny("52.57"))
    with pytest.raises(SaleError):
        t.till.pay_cash(Money(10000, "USD"))
    assert rows(db_path(t)) == before
    assert t.till.sale is not None and t.till.sale.payments == []
    assert t.till.pay_cash(cny("52.58")).change == cny("0")   # the sale is still there to finish


def test_no_open_shift_no_sale(term: Terminal, rows: Rows) -> None:
    before = rows(db_path(term))
    with pytest.raises(ShiftError, match="open a shift"):
        term.till.scan("8930001234505")
    with pytest.raises(ShiftError):
        term.till.add_item("TEA-001")
    assert term.till.sale is None
    assert rows(db_path(term)) == before
    assert before["sales"] == 0


@pytest.mark.parametrize("code, error", [("4006381333931", UnknownItem), ("8930001234506", BarcodeError),
                                         ("NOPE", UnknownItem)])
def test_bad_scans_open_no_sale(open_term: Terminal, rows: Rows, code: str, error: type) -> None:
    before = rows(db_path(open_term))
    with pytest.raises(error):
        open_term.till.scan(code)
    assert open_term.till.sale is None
    assert rows(db_path(open_term)) == before


def test_bad_scan_leaves_the_sale_in_progress_alone(open_term: Terminal) -> None:
    open_term.till.scan("8930001234505")
    with pytest.raises(BarcodeError, match="check digit"):
        open_term.till.scan("8930001234506")
    assert open_term.till.sale is not None
    assert [(ln.item.sku, ln.quantity) for ln in open_term.till.sale.lines] == [("TEA-001", 1)]


def test_stored_sale_loads_back_the_same(open_term: Terminal) -> None:
    t = open_term
    ring_up(t)
    t.till.discount_line(1, cny("1.00"))
    t.till.discount_cart(cny("3.33"))
    done = t.till.pay_cash(cny("60"))
    loaded = t.till.sales.load(done.sale.id)
    assert loaded.totals == done.sale.totals
    assert loaded.state is SaleState.PAID
    assert loaded.payments == done.sale.payments
    assert loaded.cart_discount == cny("3.33")
    assert loaded.opened_at == done.sale.opened_at and loaded.closed_at == done.sale.closed_at
    assert [ln.item for ln in loaded.lines] == [ln.item for ln in done.sale.lines]


def test_refund_full(open_term: Terminal, rows: Rows) -> None:
    t = open_term
    ring_up(t)
    done = t.till.pay_cash(cny("100"))
    manager = add_staff(t.data_dir, "Mai")
    refund = t.till.refund(done.sale.id, None, "wrong items", manager)
    assert (refund.amount, refund.method, refund.reason, refund.sale_id) == (DUE, "cash", "wrong items", done.sale.id)
    assert [(ln.line_no, ln.quantity) for ln in refund.lines] == [(1, 1), (2, 2), (3, 3)]
    before = rows(db_path(t))
    with pytest.raises(RefundError, match="nothing is left to refund"):
        t.till.refund(done.sale.id, None, "again", manager)
    assert rows(db_path(t)) == before
    events = envelopes(t, "refund/1")
    assert len(events) == 1 and events[0]["body"]["amount"] == DUE.minor
    assert events[0]["body"]["refund_id"] == refund.id


def test_refund_retry_returns_the_same_refund(open_term: Terminal, rows: Rows, clock: Any) -> None:
    t = open_term
    ring_up(t)
    done = t.till.pay_cash(cny("100"))
    manager = add_staff(t.data_dir, "Mai")
    first = t.till.refund(done.sale.id, {1: 1}, "damaged", manager, refund_id="R-42")
    before = rows(db_path(t))
    clock.advance(minutes=5)
    again = t.till.refund(done.sale.id, {1: 1}, "damaged", manager, refund_id="R-42")
    assert again == first
    assert rows(db_path(t)) == before
    assert len(envelopes(t, "refund/1")) == 1
    assert t.till.refunds.store.refunded(done.sale.id, "CNY") == cny("18.00")


def test_refund_of_unknown_or_voided_sale(open_term: Terminal, rows: Rows) -> None:
    t = open_term
    t.till.add_item("DRK-001")
    voided = t.till.sale
    assert voided is not None
    t.till.void()
    manager = add_staff(t.data_dir, "Mai")
    before = rows(db_path(t))
    with pytest.raises(RefundError, match="no sale"):
        t.till.refund("0" * 32, None, "x", manager)
    with pytest.raises(RefundError, match="voided"):
        t.till.refund(voided.id, None, "x", manager)
    assert rows(db_path(t)) == before


def test_void_keeps_a_non_empty_sale_as_voided(open_term: Terminal, rows: Rows) -> None:
    t = open_term
    before = rows(db_path(t))
    ring_up(t)
    sale_id = t.till.sale.id  # type: ignore[union-attr]
    t.till.void()
    assert t.till.sale is None
    after = rows(db_path(t))
    assert after["sales"] == before["sales"] + 1 and after["payments"] == before["payments"]
    assert after["outbox"] == before["outbox"]
    assert t.till.sales.load(sale_id).state is SaleState.VOIDED
    with pytest.raises(SaleError, match="no sale in progress"):
        t.till.void()


def test_envelope_mac_verifies_with_the_terminal_key(open_term: Terminal) -> None:
    t = open_term
    ring_up(t)
    t.till.pay_cash(cny("100"))
    key_path = t.data_dir / "keys" / "terminal.key"
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    secret = bytes.fromhex(key_path.read_text().strip())
    assert len(secret) >= 16
    events = envelopes(t)
    assert {e["schema"] for e in events} == {"shift/1", "payment/1"}
    for envelope in events:
        assert envelope["terminal"] == "T-0001"
        assert envelope["created_at"].endswith("Z")
        assert verify_envelope(envelope, secret)
        assert not verify_envelope(envelope, b"another terminal's secret")
        tampered = json.loads(json.dumps(envelope))
        tampered["body"]["tampered"] = True
        assert not verify_envelope(tampered, secret)


def test_key_survives_restart(make_terminal: Callable[..., Terminal]) -> None:
    first = make_terminal()
    key = (first.data_dir / "keys" / "terminal.key").read_text()
    first.close()
    second = make_terminal()
    assert (second.data_dir / "keys" / "terminal.key").read_text() == key


def test_seq_strictly_increasing_even_after_acks(open_term: Terminal) -> None:
    t = open_term
    for _ in range(3):
        t.till.add_item("DRK-001")
        t.till.pay_cash(cny("2"))
    first = t.outbox.pending()
    assert [r.seq for r in first] == [1, 2, 3, 4]
    for row in first:
        assert t.outbox.acknowledge(row.id)
    assert not t.outbox.acknowledge(first[0].id)
    assert t.outbox.pending_count() == 0
    t.till.add_item("DRK-001")
    t.till.pay_cash(cny("2"))
    seqs = [json.loads(r.envelope)["seq"] for r in t.outbox.pending()]
    assert seqs == [5]   # never reused after the rows went away


def test_pragmas_and_schema_version(term: Terminal) -> None:
    conn = term.db._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2      # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert term.db.schema_version == SCHEMA_VERSION
    assert term.db.integrity_check() == "ok"
    other = sqlite3.connect(str(db_path(term)))
    assert other.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"   # WAL is stored in the file
    other.close()


def test_foreign_keys_are_enforced(term: Terminal) -> None:
    from terminal.errors import StoreError
    with pytest.raises(StoreError), term.db.transaction() as tx:
        tx.execute("INSERT INTO payments(id, sale_id, method, amount, tendered, change, currency, status,"
                   " created_at) VALUES ('p', 'no-such-sale', 'cash', 1, 1, 0, 'CNY', 'approved', 'x')")
    assert term.db.query_one("SELECT COUNT(*) FROM payments")[0] == 0  # type: ignore[index]


def test_printer_failure_keeps_the_sale(open_term: Terminal, printer: Any, rows: Rows) -> None:
    t = open_term
    printer.fail = "paper out"
    ring_up(t)
    before = rows(db_path(t))
    done = t.till.pay_cash(cny("100"))
    assert done.printed_to is None
    assert done.print_error is not None
    assert "paper out" in done.print_error and "sale is saved" in done.print_error
    assert rows(db_path(t))["sales"] == before["sales"] + 1
    assert t.till.sales.load(done.sale.id).state is SaleState.PAID
    printer.fail = None
    assert t.till.reprint(done.sale.id) == f"fake:{done.sale.id}"
    assert printer.receipts[-1].sale_id == done.sale.id
    assert printer.receipts[-1].lines == done.receipt.lines


def test_reprint(open_term: Terminal, printer: Any) -> None:
    t = open_term
    ring_up(t)
    done = t.till.pay_cash(cny("100"))
    t.till.reprint(done.sale.id)
    assert len(printer.receipts) == 2
    assert printer.receipts[0] == printer.receipts[1]
    with pytest.raises(Exception, match="no sale"):
        t.till.reprint("f" * 32)
    t.till.add_item("DRK-001")
    voided = t.till.sale.id  # type: ignore[union-attr]
    t.till.void()
    with pytest.raises(SaleError, match="voided"):
        t.till.reprint(voided)


def test_simulated_file_printer(tmp_path: Path) -> None:
    printer = FilePrinter(tmp_path / "receipts")
    assert printer.status() == "ready"
    receipt = Receipt("s1", (ReceiptLine("珍珠奶茶 Bubble milk tea"), ReceiptLine("TOTAL CNY 18.00")),
                      "https://r.example/r/s1?k=1", False, 42)
    path = Path(printer.print_receipt(receipt))
    assert path == tmp_path / "receipts" / "receipt-s1.txt"
    text = path.read_text(encoding="utf-8")
    assert "珍珠奶茶 Bubble milk tea" in text and "CNY 18.00" in text and "/r/s1?k=1" in text


def test_the_configured_sim_printer_is_the_virtual_printer(make_terminal: Callable[..., Terminal],
                                                           data_dir: Path) -> None:
    t = make_terminal(printer=None)   # [devices] printer = "sim": the ESC/POS driver on the virtual printer's pty
    assert isinstance(t.printer, SimulatedPrinter)
    try:
        assert t.printer.status() == "ready"
        t.shifts.open("Lan", cny("0"))
        t.till.add_item("TEA-001")
        done = t.till.pay_cash(cny("20"))
        path = Path(done.printed_to or "")
        assert path.parent == data_dir / "receipts" and path.suffix == ".png" and path.is_file()
        text = path.with_suffix(".txt").read_text(encoding="utf-8")
        assert "珍珠奶茶 Bubble milk tea" in text and "CNY 18.00" in text and f"/r/{done.sale.id}?k=" in text
    finally:
        t.close()


def test_display_price(open_term: Terminal) -> None:
    # default config shows USD at 0.1385
    assert open_term.till.display_price(cny("100")) == Money(1385, "USD")


def test_refund_needs_an_open_shift(open_term: Terminal, rows: Rows) -> None:
    t = open_term
    t.till.add_item("DRK-001")
    done = t.till.pay_cash(cny("2"))
    t.till.close_shift(cny("102"))
    before = rows(db_path(t))
    manager = add_staff(t.data_dir, "Mai")
    with pytest.raises(ShiftError, match="open a shift"):
        t.till.refund(done.sale.id, None, "no shift", manager)
    assert rows(db_path(t)) == before
    t.shifts.open("Minh", cny("0"))
    refund = t.till.refund(done.sale.id, None, "next shift", manager)
    assert t.shifts.report().method("cash").refunded == refund.amount   # booked in the shift that paid it out


def test_bad_quantity_via_the_till_writes_nothing(open_term: Terminal, rows: Rows) -> None:
    before = rows(db_path(open_term))
    for quantity in (0, -2, True, 10_000):
        with pytest.raises(SaleError, match="quantity"):
            open_term.till.scan("8930001234505", quantity)
    assert open_term.till.sale is None or open_term.till.sale.lines == []
    assert rows(db_path(open_term)) == before


def test_refused_cash_leaves_the_cart_open(open_term: Terminal) -> None:
    t = open_term
    t.till.add_item("DRK-001")
    with pytest.raises(SaleError, match="not enough"):
        t.till.pay_cash(cny("1.00"))
    assert t.till.sale is not None and t.till.sale.state is SaleState.OPEN
    t.till.add_item("DRK-001")          # the cashier can still change the cart
    assert t.till.pay_cash(cny("4.00")).change == cny("0")


def test_fully_discounted_sale_completes_with_a_zero_payment(open_term: Terminal, rows: Rows) -> None:
    t = open_term
    t.till.add_item("DRK-001")
    t.till.discount_cart(cny("2.00"))
    before = rows(db_path(t))
    done = t.till.pay_cash(cny("0"))
    assert done.sale.state is SaleState.PAID and done.payment.amount == cny("0")
    after = rows(db_path(t))
    assert after["sales"] == before["sales"] + 1 and after["outbox"] == before["outbox"] + 1
    assert t.till.sales.load(done.sale.id).state is SaleState.PAID
    with pytest.raises(RefundError, match="nothing"):
        t.till.refund(done.sale.id, None, "nothing was paid", add_staff(t.data_dir, "Mai"))


def test_reprint_last(open_term: Terminal, printer: Any) -> None:
    t = open_term
    with pytest.raises(SaleError, match="no sale has been paid"):
        t.till.reprint_last()
    t.till.add_item("DRK-001")
    done = t.till.pay_cash(cny("2.00"))
    printer.fail = "printer offline"
    with pytest.raises(PrinterError, match=r"printer offline.*Reprint"):
        t.till.reprint_last()
    printer.fail = None
    assert t.till.reprint_last() == f"fake:{done.sale.id}"


def test_unreadable_key_is_a_clear_error(make_terminal: Callable[..., Terminal], data_dir: Path) -> None:
    make_terminal()
    key = data_dir / "keys" / "terminal.key"
    key.write_text("not hex at all")
    with pytest.raises(ConfigError, match=r"terminal.key"):
        make_terminal()
    assert [p.name for p in key.parent.iterdir()] == ["terminal.key"]   # no temp file left behind
