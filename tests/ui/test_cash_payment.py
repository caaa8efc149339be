"""Paying cash through the keypad panel: change, receipt file, cart cleared; short cash; dead printer."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from support.fakes import FakePrinter
from terminal.sales.sale import SaleState

pytestmark = pytest.mark.ui

TEA = "8930001234505"  # 18.00


def key_in(kiosk: Any, panel: Any, digits: str) -> None:
    """Tap the keypad keys for each character."""
    keys = {b.text: b for b in panel.ids.keypad.children if hasattr(b, "text")}
    for char in digits:
        kiosk.tap(keys[char])


def test_pay_cash_with_the_keypad_shows_change_and_prints(selling: Any) -> None:
    sale = selling.screen("sale")
    selling.enter(sale.ids.barcode, TEA)
    selling.tap(sale.ids.pay_cash_button)
    panel = selling.modal()
    assert panel is not None and "Due CNY 18.00" in panel.ids.due_label.text
    key_in(selling, panel, "5")
    keys = {b.text: b for b in panel.ids.keypad.children if hasattr(b, "text")}
    selling.tap(keys["Del"])
    key_in(selling, panel, "20.5")
    assert panel.ids.entry_label.text == "Cash 20.5"
    selling.tap(panel.ids.confirm_button)
    assert panel.ids.change_label.text == "CNY 2.50"
    assert "Receipt printed" in panel.ids.message_label.text and not panel.message_error
    receipts = list((selling.app.terminal.data_dir / "receipts").glob("receipt-*.txt"))
    assert len(receipts) == 1 and "TOTAL" in receipts[0].read_text(encoding="utf-8")
    assert selling.app.terminal.till.sale is None
    assert sale.ids.total_label.text == "CNY 0.00" and "change CNY 2.50" in sale.ids.status.text
    selling.tap(panel.ids.confirm_button)  # "New sale"
    selling.pump(10)
    assert selling.modal() is None


def test_not_enough_cash_is_refused_with_the_reason(selling: Any) -> None:
    sale = selling.screen("sale")
    selling.enter(sale.ids.barcode, TEA)
    selling.tap(sale.ids.pay_cash_button)
    panel = selling.modal()
    key_in(selling, panel, "10")
    selling.tap(panel.ids.confirm_button)
    assert panel.message_error and "not enough" in panel.ids.message_label.text
    assert selling.app.terminal.till.sale is not None and not panel.paid
    selling.tap(panel.ids.cancel_button)
    selling.pump(10)
    assert selling.modal() is None
    assert selling.app.terminal.till.sale.state is SaleState.OPEN  # back to the cart, still editable
    selling.enter(sale.ids.barcode, TEA)
    assert sale.ids.total_label.text == "CNY 36.00"


def test_paying_an_empty_sale_is_refused(selling: Any) -> None:
    sale = selling.screen("sale")
    selling.tap(sale.ids.pay_cash_button)
    assert selling.modal() is None and sale.status_error


def test_dead_printer_saves_the_sale_and_tells_the_cashier(make_kiosk: Callable[..., Any]) -> None:
    printer = FakePrinter()
    printer.fail = "the printer is out of paper"
    kiosk = make_kiosk(printer=printer, cashier="Lan")
    sale = kiosk.screen("sale")
    kiosk.enter(sale.ids.barcode, TEA)
    kiosk.tap(sale.ids.pay_cash_button)
    panel = kiosk.modal()
    key_in(kiosk, panel, "18")
    kiosk.tap(panel.ids.confirm_button)
    assert panel.paid and panel.message_error
    assert "Receipt not printed" in panel.ids.message_label.text and "out of paper" in panel.ids.message_label.text
    assert sale.status_error and "sale is saved" in sale.ids.status.text
    report = kiosk.app.terminal.shifts.report()
    assert report.sales_count == 1 and report.gross_sales == kiosk.app.terminal.till.money("18")
    kiosk.tap(panel.ids.confirm_button)  # "New sale"
    kiosk.pump(10)
    kiosk.tap(sale.ids.reprint_button)   # still no paper: told again, nothing lost
    assert sale.status_error and "out of paper" in sale.ids.status.text
    printer.fail = None                  # paper in: it prints again
    kiosk.tap(sale.ids.reprint_button)
    assert not sale.status_error and "reprinted" in sale.ids.status.text
    assert [r.sale_id for r in printer.receipts] == [report_sale_id(kiosk)]


def report_sale_id(kiosk: Any) -> str:
    """The id of the one sale the till has paid."""
    sale_id = kiosk.app.terminal.till.last_paid_id
    assert sale_id is not None
    return str(sale_id)
