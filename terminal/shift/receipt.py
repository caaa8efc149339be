"""The X/Z shift report as a printed slip: a pure function of the report, the shop and the time."""
from __future__ import annotations

from datetime import datetime

from terminal.ports import Printer
from terminal.sales.clock_text import local_time_text, stored_time_text
from terminal.sales.receipts import METHOD_NAMES, Receipt, ReceiptLine, ShopInfo
from terminal.sales.textwidth import strip_control, two_columns
from terminal.shift.model import ShiftReport


def _signed(amount_str: str, minor: int) -> str:
    return ("+" if minor > 0 else "") + amount_str


def build_shift_receipt(report: ShiftReport, shop: ShopInfo, printed_at: datetime, width: int = 42) -> Receipt:
    """The report laid out for the receipt printer: totals, cash moves, expected vs counted per method."""
    rule, shift = ReceiptLine("-" * width), report.shift
    title = "Z REPORT (shift closed)" if report.kind == "Z" else "X REPORT (shift open)"
    lines = [ReceiptLine(strip_control(shop.name), "center", bold=True, double=True),
             ReceiptLine(title, "center", bold=True), rule,
             ReceiptLine(two_columns("Terminal", strip_control(shop.terminal_id), width)),
             ReceiptLine(two_columns("Shift", shift.id[:12].upper(), width)),
             ReceiptLine(two_columns("Cashier", strip_control(shift.cashier), width)),
             ReceiptLine(two_columns("Opened", stored_time_text(shift.opened_at, shop.timezone), width))]
    if shift.closed_at:
        lines.append(ReceiptLine(two_columns("Closed", stored_time_text(shift.closed_at, shop.timezone), width)))
    lines.append(ReceiptLine(two_columns("Printed", local_time_text(printed_at, shop.timezone), width)))
    lines += [rule,
              ReceiptLine(two_columns("Sales", str(report.sales_count), width)),
              ReceiptLine(two_columns("Voided", str(report.voided_count), width)),
              ReceiptLine(two_columns("Refunds", str(report.refunds_count), width)),
              ReceiptLine(two_columns("Gross sales", report.gross_sales.format(), width), bold=True),
              ReceiptLine(two_columns("Tax", report.tax.amount_str(), width)), rule,
              ReceiptLine(two_columns("Opening float", shift.opening_float.amount_str(), width)),
              ReceiptLine(two_columns("Cash in", report.cash_in.amount_str(), width)),
              ReceiptLine(two_columns("Cash out", report.cash_out.amount_str(), width)), rule]
    for m in report.methods:
        lines.append(ReceiptLine(f"{METHOD_NAMES.get(m.method, m.method)} ({m.sales})", bold=True))
        lines.append(ReceiptLine(two_columns("  taken", m.taken.amount_str(), width)))
        if not m.refunded.is_zero:
            lines.append(ReceiptLine(two_columns("  refunded", (-m.refunded).amount_str(), width)))
        lines.append(ReceiptLine(two_columns("  expected", m.expected.amount_str(), width)))
        if m.counted is not None and m.difference is not None:
            lines.append(ReceiptLine(two_columns("  counted", m.counted.amount_str(), width)))
            lines.append(ReceiptLine(two_columns("  difference", _signed(m.difference.amount_str(),
                                                                          m.difference.minor), width),
                                     bold=not m.difference.is_zero))
    lines.append(rule)
    for t in report.topups:   # money onto members' prepaid balances: not sales (cash top-ups are in cash in)
        lines.append(ReceiptLine(two_columns(f"Member top-ups {t.tender} ({t.count})", t.amount.amount_str(), width)))
    if report.topups:
        lines.append(rule)
    if report.people:
        lines.append(ReceiptLine("By staff", bold=True))
        for p in report.people:
            lines.append(ReceiptLine(f"{strip_control(p.name or shift.cashier)} ({p.sales})"))
            lines.append(ReceiptLine(two_columns("  taken", p.taken.amount_str(), width)))
            if p.refunds:
                lines.append(ReceiptLine(two_columns("  refunded", (-p.refunded).amount_str(), width)))
            if not (p.cash_in.is_zero and p.cash_out.is_zero):
                lines.append(ReceiptLine(two_columns("  cash in/out", f"{p.cash_in.amount_str()}/"
                                                                      f"{p.cash_out.amount_str()}", width)))
        lines.append(rule)
    if report.kind == "Z":
        lines += [ReceiptLine("Counted by:", "left"), ReceiptLine(""), ReceiptLine("_" * (width // 2), "left")]
    slip_id = f"{report.kind.lower()}-{shift.id[:12]}-{printed_at.strftime('%Y%m%d%H%M%S')}"
    return Receipt(slip_id, tuple(lines), "", open_drawer=False, width=width)


def print_shift_report(printer: Printer, report: ShiftReport, shop: ShopInfo, printed_at: datetime,
                       width: int = 42) -> str:
    """Print the report slip (blocking: call from a worker thread); returns where it went, PrinterError if not."""
    return printer.print_receipt(build_shift_receipt(report, shop, printed_at, width))


def no_sale_slip(shop: ShopInfo, who: str, approved_by: str, printed_at: datetime, width: int = 42) -> Receipt:
    """The slip printed when the drawer is opened without a sale: who asked, which manager approved, when."""
    lines = [ReceiptLine(strip_control(shop.name), "center", bold=True),
             ReceiptLine("NO SALE (drawer opened)", "center", bold=True), ReceiptLine("-" * width),
             ReceiptLine(two_columns("Terminal", strip_control(shop.terminal_id), width)),
             ReceiptLine(two_columns("Date", local_time_text(printed_at, shop.timezone), width))]
    if who:
        lines.append(ReceiptLine(two_columns("By", strip_control(who), width)))
    lines.append(ReceiptLine(two_columns("Approved by", strip_control(approved_by), width)))
    return Receipt(f"nosale-{printed_at.strftime('%Y%m%d%H%M%S%f')}", tuple(lines), "", open_drawer=True,
                   width=width)
