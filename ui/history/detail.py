"""The detail part of the sales history screen: lines, payments, refunds and pending wallet refunds as widgets."""
from __future__ import annotations

from typing import Any

from kivy.factory import Factory

from terminal.sales.history import SaleDetail
from ui.history.rows import DetailLineRow, PendingRow, SectionTitle
from ui.history.texts import STATE_NAMES, line_cells, methods_text, payment_text, refund_text
from ui.i18n import tr
from ui.sale.payments import named


def _text(text: str) -> Any:
    return Factory.PosLabel(text=text)


def detail_title(detail: SaleDetail) -> str:
    """The detail's first line: receipt number, local time, total, methods and state."""
    row = detail.row
    return tr._("Sale {receipt}  ·  {time}  ·  {total}  ·  {methods}  ·  {state}").format(
        receipt=row.receipt_no, time=row.time, total=row.total.format(), methods=methods_text(row.methods),
        state=named(STATE_NAMES, row.state))


def fill_detail(box: Any, detail: SaleDetail, screen: Any) -> str:
    """Fill `box` (a one-column GridLayout) with the sale's detail; returns its title."""
    box.clear_widgets()
    box.add_widget(DetailLineRow(header=True, no="#", name=tr._("Item"), qty=tr._("Qty"),
                                 refunded=tr._("Refunded"), left=tr._("Left"), amount=tr._("Paid")))
    for line in detail.lines:
        box.add_widget(DetailLineRow(**line_cells(line)))
    refundable = tr._("Still refundable: {amount}").format(amount=detail.refundable.format())
    extras = [refundable]
    if detail.coupon_code:
        extras.append(tr._("Coupon {code} was used: it is not given back.").format(code=detail.coupon_code))
    if detail.member_id:
        extras.append(tr._("A member earned points on this sale: a refund takes its share back."))
    box.add_widget(_text("  ·  ".join(extras)))
    box.add_widget(SectionTitle(text=tr._("Payments")))
    for payment in detail.payments:
        box.add_widget(_text(payment_text(payment)))
    if not detail.payments:
        box.add_widget(_text(tr._("No payment (the sale was voided).")))
    if detail.refunds:
        box.add_widget(SectionTitle(text=tr._("Refunds")))
        for refund in detail.refunds:
            box.add_widget(_text(refund_text(refund)))
    if detail.pending_refunds:
        box.add_widget(SectionTitle(text=tr._("Waiting for the wallet")))
        for refund_id in detail.pending_refunds:
            text = tr._("Refund {refund_id} was sent but not answered: ask again (the same refund id is reused, "
                        "never refunded twice).").format(refund_id=refund_id[:12])
            box.add_widget(PendingRow(text=text, refund_id=refund_id, screen=screen))
    return detail_title(detail)
