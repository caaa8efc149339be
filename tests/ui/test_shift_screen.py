"""The shift screen, driven through its widgets: open, cash moves, X report, close with a Z report."""
from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.ui


def test_starts_on_shift_screen_and_opens_a_shift_through_the_widgets(kiosk: Any) -> None:
    assert kiosk.current == "shift"
    shift = kiosk.screen("shift")
    assert shift.ids.to_sale_button.disabled
    kiosk.type(shift.ids.cashier_input, "Nguyễn Lan 兰")
    kiosk.type(shift.ids.float_input, "200.00")
    kiosk.tap(shift.ids.open_button)
    current = kiosk.app.terminal.shifts.current
    assert current is not None and current.cashier == "Nguyễn Lan 兰"
    assert current.opening_float == kiosk.app.terminal.till.money("200")
    assert not shift.status_error and "CNY 200.00" in shift.ids.status.text
    assert "Nguyễn Lan 兰" in shift.ids.shift_label.text
    kiosk.tap(shift.ids.to_sale_button)
    assert kiosk.current == "sale"
    assert "Cashier Nguyễn Lan 兰" in kiosk.screen("sale").ids.header.text


def test_open_shift_without_a_name_shows_the_error(kiosk: Any) -> None:
    shift = kiosk.screen("shift")
    kiosk.type(shift.ids.float_input, "100")
    kiosk.tap(shift.ids.open_button)
    assert kiosk.app.terminal.shifts.current is None
    assert shift.status_error and "cashier's name" in shift.ids.status.text


def test_cash_in_and_out_then_x_report(selling: Any) -> None:
    kiosk = selling
    kiosk.tap(kiosk.screen("sale").ids.shift_button)
    shift = kiosk.screen("shift")
    kiosk.type(shift.ids.move_amount, "50")
    kiosk.type(shift.ids.move_reason, "change from bank")
    kiosk.tap(shift.ids.cash_in_button)
    assert not shift.status_error, shift.status_text
    kiosk.type(shift.ids.move_amount, "1000")
    kiosk.type(shift.ids.move_reason, "safe drop")
    kiosk.tap(shift.ids.cash_out_button)
    assert shift.status_error and "cannot take out" in shift.ids.status.text
    kiosk.tap(shift.ids.x_report_button)
    text = shift.ids.report.text
    assert text.startswith("X REPORT") and "Cash in CNY 50.00" in text and "expected CNY 250.00" in text


def test_close_shift_with_counted_cash_shows_the_z_report(selling: Any) -> None:
    kiosk = selling
    sale = kiosk.screen("sale")
    kiosk.enter(sale.ids.barcode, "6900001250999")  # mineral water 2.00
    kiosk.tap(sale.ids.pay_cash_button)
    panel = kiosk.modal()
    exact = [b for b in panel.ids.quick_box.children if b.text == "2.00"]
    kiosk.tap(exact[0])  # quick-cash: the exact amount
    kiosk.tap(panel.ids.confirm_button)
    kiosk.tap(panel.ids.confirm_button)  # "New sale" closes the panel
    kiosk.tap(sale.ids.shift_button)
    shift = kiosk.screen("shift")
    kiosk.tap(shift.ids.close_button)
    assert shift.status_error and "count the cash" in shift.ids.status.text
    kiosk.type(shift.ids.counted_input, "201.50")
    kiosk.tap(shift.ids.close_button)
    panel = shift.close_panel                      # counted vs expected, before anything is closed
    assert panel is not None and kiosk.app.terminal.shifts.current is not None
    assert panel.cash_expected_text == "CNY 202.00" and panel.difference_text == "CNY -0.50"
    kiosk.tap(panel.ids.confirm_close_button)
    assert kiosk.app.terminal.shifts.current is None
    report = shift.ids.report.text
    assert report.startswith("Z REPORT") and "Closed " in report and "Sales 1" in report
    assert "counted  CNY 201.50  difference -0.50" in report
    assert not shift.status_error and "Shift closed" in shift.ids.status.text
    assert shift.ids.to_sale_button.disabled and shift.ids.open_form.opacity == 1


def test_x_report_is_printed_from_the_report_panel(make_kiosk: Any) -> None:
    from support.fakes import FakePrinter
    from test_wallet_payment import until

    printer = FakePrinter()
    kiosk = make_kiosk(printer=printer, cashier="Lan")
    kiosk.tap(kiosk.screen("sale").ids.shift_button)
    shift = kiosk.screen("shift")
    assert shift.ids.print_report_button.disabled                 # nothing to print before a report is shown
    kiosk.tap(shift.ids.x_report_button)
    kiosk.tap(shift.ids.print_report_button)
    until(kiosk, lambda: not shift.print_busy)
    assert printer.receipts and printer.receipts[-1].lines[1].text == "X REPORT (shift open)"
    assert not shift.status_error and "X report printed" in shift.ids.status.text
    assert kiosk.app.terminal.shifts.current is not None


def test_close_needs_every_other_method_confirmed_then_prints_the_z_report(make_kiosk: Any) -> None:
    from support.fakes import FakePrinter
    from terminal.payments.acquirer import AcquirerReply
    from test_layout import check
    from test_wallet_payment import until, wallet

    printer = FakePrinter()
    kiosk = make_kiosk(printer=printer, cashier="Lan")
    panel = wallet(kiosk, AcquirerReply("success", trade_no="T9"))    # 18.00 by payment code
    kiosk.enter(panel.ids.code_input, "134567890123456789")
    until(kiosk, lambda: panel.paid)
    kiosk.tap(panel.ids.cancel_button)                                # "New sale"
    kiosk.tap(kiosk.screen("sale").ids.shift_button)
    shift = kiosk.screen("shift")
    kiosk.type(shift.ids.counted_input, "200")
    kiosk.tap(shift.ids.close_button)
    closing = shift.close_panel
    assert [r.method for r in closing.rows] == ["code"] and closing.rows[0].expected_text == "CNY 18.00"
    assert closing.difference_text == "CNY 0.00" and not closing.difference_error
    assert closing.ids.confirm_close_button.disabled                  # the code total is not confirmed yet
    check(kiosk, "shift-close-confirm", tuple(kiosk.window.size))
    toggle = closing.rows[0].ids.confirm_toggle
    toggle.state = "down"
    kiosk.tap(toggle)
    assert closing.all_confirmed and closing.rows[0].confirmed
    kiosk.tap(closing.ids.confirm_close_button)
    assert kiosk.app.terminal.shifts.current is None
    until(kiosk, lambda: not shift.print_busy)
    z = printer.receipts[-1]
    text = z.as_text()
    assert z.lines[1].text == "Z REPORT (shift closed)" and "Payment code (1)" in text and "counted" in text
    assert "Shift closed" in shift.ids.status.text and "Z report printed" in shift.ids.status.text
    assert shift.ids.report.text.startswith("Z REPORT") and "[code]" in shift.ids.report.text
