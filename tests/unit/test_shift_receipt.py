"""The X/Z report slip: a pure function of the report; printed through the Printer port."""
from __future__ import annotations

from datetime import UTC, datetime

from test_shifts import store_code_sale

from terminal.app.bootstrap import Terminal
from terminal.sales.money import Money
from terminal.sales.textwidth import text_width
from terminal.shift.receipt import build_shift_receipt, print_shift_report

AT = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def test_z_slip_has_counted_vs_expected_per_method(open_term: Terminal, clock: object) -> None:
    t = open_term
    t.till.add_item("DRK-001")
    t.till.pay_cash(cny("5"))                       # 2.00 cash
    store_code_sale(t, "TEA-001", clock)            # 18.00 by code
    t.shifts.cash_move("out", cny("30"), "banking")
    z = t.till.close_shift(cny("71.00"), {"code": cny("18.00")})
    slip = build_shift_receipt(z, t.till.shop, AT, 42)
    text = slip.as_text()
    assert "Z REPORT (shift closed)" in text and "Closed" in text and "Counted by:" in text
    assert "Payment code (1)" in text and "Cash (1)" in text
    assert "expected" in text and "72.00" in text and "71.00" in text and "-1.00" in text
    assert "Cash out" in text and "30.00" in text and "Lan" in text
    assert slip.qr_url == "" and "[QR]" not in text and not slip.open_drawer
    assert slip.sale_id.startswith("z-") and all(text_width(line.text) <= 42 for line in slip.lines)
    assert build_shift_receipt(z, t.till.shop, AT, 42) == slip        # pure: same input, same slip


def test_x_slip_has_no_counts_and_is_printed(open_term: Terminal, printer: object) -> None:
    x = open_term.shifts.report()
    slip = build_shift_receipt(x, open_term.till.shop, AT, 32)
    text = slip.as_text()
    assert "X REPORT (shift open)" in text and "counted" not in text and "Closed" not in text
    assert all(text_width(line.text) <= 32 for line in slip.lines)
    where = print_shift_report(open_term.printer, x, open_term.till.shop, AT)
    assert where.startswith("fake:x-") and printer.receipts[-1].lines[1].text == "X REPORT (shift open)"  # type: ignore[attr-defined]
