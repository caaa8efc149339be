"""What the sales history screen and the refund panel write: row cells, days, detail lines, refund results."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from terminal.sales.history import DetailLine, DetailPayment, DetailRefund, SaleRow, SaleRowState
from terminal.sales.sale import PaymentMethod
from terminal.store.refunds import Refund
from ui.i18n import N_, tr
from ui.sale.payments import METHOD_NAMES, STATUS_NAMES, named

STATE_NAMES: dict[str, str] = {
    SaleRowState.PAID: N_("paid"), SaleRowState.PARTLY_REFUNDED: N_("partly refunded"),
    SaleRowState.REFUNDED: N_("refunded"), SaleRowState.VOIDED: N_("voided"),
}
# Reasons a cashier picks with one tap; stored in English (the refund/1 event and reports), shown translated.
REASONS: tuple[str, ...] = (N_("changed mind"), N_("damaged"), N_("wrong item"))
STORED_DEFAULT_REASON = N_("customer refund")    # what terminal/sales/refunds.py stores when none is chosen


def methods_text(methods: Sequence[str]) -> str:
    """The sale's payment methods in the cashier's language ("—" for a sale without payment)."""
    return " + ".join(named(METHOD_NAMES, m) for m in methods) or "—"


def clock_part(time_text: str) -> str:
    """'16:30 UTC+8' of '2026-11-22 16:30 UTC+8': the list shows one day, so its date is in the day bar."""
    return time_text.split(" ", 1)[1] if " " in time_text else time_text


def row_cells(row: SaleRow) -> dict[str, str]:
    """The cells of one sale in the day's list."""
    refunded = row.refunded.format() if row.refunded.minor else "—"
    return {"receipt": row.receipt_no, "time": clock_part(row.time), "total": row.total.format(),
            "method": methods_text(row.methods), "refunded": refunded, "state": named(STATE_NAMES, row.state)}


def day_text(day: date, today: date, count: int) -> str:
    """The day bar: the date (today said so) and how many sales it has."""
    shown = tr._("{date} (today)").format(date=day.isoformat()) if day == today else day.isoformat()
    return tr._("{day}  ·  sales: {n}").format(day=shown, n=count)


def neighbour_days(days: Sequence[date], day: date, today: date) -> tuple[date | None, date | None]:
    """The nearest earlier and later days that have sales (later never past today; today is always reachable)."""
    earlier = max((d for d in days if d < day), default=None)
    later = min((d for d in days if day < d <= today), default=None)
    if later is None and day < today:
        later = today
    return earlier, later


def line_cells(line: DetailLine) -> dict[str, str]:
    """One line of the sale's detail: what was bought, refunded and is still refundable, and what it cost."""
    return {"no": str(line.line_no), "name": line.name, "qty": str(line.quantity),
            "refunded": str(line.refunded) if line.refunded else "—", "left": str(line.refundable),
            "amount": line.amount.format()}


def payment_text(payment: DetailPayment) -> str:
    """One payment: method, amount, status and its masked reference."""
    text = tr._("{method} {amount} ({status})").format(method=named(METHOD_NAMES, payment.method),
                                                       amount=payment.amount.format(),
                                                       status=named(STATUS_NAMES, payment.status))
    return f"{text}  {payment.reference}" if payment.reference else text


def refund_text(refund: DetailRefund) -> str:
    """One refund: when, how much and how, who did it and who approved it, which lines, why."""
    who = refund.staff or tr._("nobody signed in")
    lines = ", ".join(tr._("line {n} × {q}").format(n=ln.line_no, q=ln.quantity) for ln in refund.lines)
    text = tr._("{time}: {amount} ({method}) by {who}, approved by {manager}; {lines}").format(
        time=refund.time, amount=refund.amount.format(), method=named(METHOD_NAMES, refund.method), who=who,
        manager=refund.approved_by or "—", lines=lines)
    if refund.reason:
        text += "; " + tr._(refund.reason)
    if refund.points_taken:
        text += "; " + tr._("{n} points taken back").format(n=refund.points_taken)
    return text


def refund_result_text(refund: Refund) -> str:
    """What the cashier does after a refund: give cash from the drawer, or the wallet has it; points taken back."""
    amount = refund.amount.format()
    if refund.method == PaymentMethod.CASH:
        text = tr._("Refunded {amount} in cash: give {amount} from the drawer.").format(amount=amount)
    else:
        text = tr._("Refunded {amount} to the customer's {method}: nothing to give from the drawer.").format(
            amount=amount, method=named(METHOD_NAMES, refund.method))
    if refund.points_taken:
        text += " " + tr._("{n} points taken back from the member.").format(n=refund.points_taken)
    if refund.points_short:
        text += " " + tr._("{n} points could not be taken back: the member's balance was too low.").format(
            n=refund.points_short)
    return text
