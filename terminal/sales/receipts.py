"""The receipt layout: a pure function of a paid sale and the shop's settings."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal

from terminal.sales.clock_text import local_time_text
from terminal.sales.sale import PaymentMethod, PaymentStatus, Sale, SaleState
from terminal.sales.textwidth import strip_control, text_width, two_columns, wrap

METHOD_NAMES: dict[str, str] = {PaymentMethod.CASH: "Cash", PaymentMethod.CODE: "Payment code", PaymentMethod.QR: "QR",
                                 PaymentMethod.FACE: "Face-pay", PaymentMethod.MEMBER_BALANCE: "Member balance"}


@dataclass(frozen=True)
class ReceiptLine:
    """One printed line: text plus how to print it."""

    text: str
    align: str = "left"  # left | center | right
    bold: bool = False
    double: bool = False


@dataclass(frozen=True)
class ShopInfo:
    """What every receipt says about the shop and terminal."""

    name: str
    address: str
    terminal_id: str
    receipt_base_url: str
    header: str = ""
    footer: str = "Thank you!"
    display_currency: str | None = None
    display_rate: Decimal | None = None
    timezone: tzinfo = UTC   # times are printed in the shop's zone


@dataclass(frozen=True)
class ReceiptMember:
    """The member part of a receipt: a first name (or masked phone), points, and the card of a new member."""

    name: str
    points: int | None = None   # earned by this sale; None when none were recorded
    balance: int | None = None  # right after this sale
    card: str | None = None     # the member QR's content, printed for a member who joined with this sale
    prepaid: str | None = None  # the prepaid balance left after this sale paid from it (formatted amount)


@dataclass(frozen=True)
class Receipt:
    """A receipt ready for any printer: lines, an e-receipt QR, and whether to open the drawer.

    `member_card`, when set, is printed as a second QR: the card of a member who joined with this sale.
    """

    sale_id: str
    lines: tuple[ReceiptLine, ...]
    qr_url: str
    open_drawer: bool
    width: int
    member_card: str | None = None

    def as_text(self) -> str:
        """The receipt as plain text, one printed line per line, QR as its URL."""
        out = []
        for line in self.lines:
            pad = self.width - text_width(line.text)
            if line.align == "center":
                out.append(" " * max(pad // 2, 0) + line.text)
            elif line.align == "right":
                out.append(" " * max(pad, 0) + line.text)
            else:
                out.append(line.text)
        if self.qr_url:   # a shift report has no e-receipt QR
            out.append(f"[QR] {self.qr_url}")
        if self.member_card:
            out.append(f"[QR] {self.member_card}")
        return "\n".join(out) + "\n"


def receipt_token(secret: bytes, sale_id: str) -> str:
    """The e-receipt link's key: unguessable without the terminal's secret."""
    return hmac.new(secret, f"receipt:{sale_id}".encode(), hashlib.sha256).hexdigest()[:24]


def render_receipt(sale: Sale, shop: ShopInfo, secret: bytes, printed_at: datetime, width: int = 42,
                   cashier: str = "", member: ReceiptMember | None = None) -> Receipt:
    """Lay out a paid sale's receipt; every text is stripped of control characters."""
    if sale.state is not SaleState.PAID:
        raise ValueError(f"only a paid sale has a receipt (sale is {sale.state.value})")
    totals = sale.totals
    rule = ReceiptLine("-" * width)
    lines: list[ReceiptLine] = [ReceiptLine(strip_control(shop.name), "center", bold=True, double=True)]
    lines += [ReceiptLine(t, "center") for t in wrap(strip_control(shop.address), width) if t]
    if shop.header:
        lines += [ReceiptLine(t, "center") for t in wrap(strip_control(shop.header), width)]
    lines.append(rule)
    lines.append(ReceiptLine(two_columns("Sale", sale.id[:12].upper(), width)))
    lines.append(ReceiptLine(two_columns("Date", local_time_text(printed_at, shop.timezone), width)))
    lines.append(ReceiptLine(two_columns("Terminal", strip_control(shop.terminal_id), width)))
    if cashier:
        lines.append(ReceiptLine(two_columns("Cashier", strip_control(cashier), width)))
    lines.append(rule)
    for priced in totals.lines:
        item = priced.line.item
        lines += [ReceiptLine(t) for t in wrap(strip_control(item.name), width)]
        qty = f"  {priced.line.quantity} x {item.unit_price.amount_str()}"
        tax_mark = "" if item.tax_inclusive else " +tax"
        lines.append(ReceiptLine(two_columns(qty + tax_mark, priced.line.gross.amount_str(), width)))
        if not priced.line.discount.is_zero:
            lines.append(ReceiptLine(two_columns("  discount", (-priced.line.discount).amount_str(), width)))
    lines.append(rule)
    lines.append(ReceiptLine(two_columns("Subtotal", totals.subtotal.amount_str(), width)))
    if not totals.discount.is_zero:
        lines.append(ReceiptLine(two_columns("Discounts", (-totals.discount).amount_str(), width)))
        if sale.coupon_code:
            lines.append(ReceiptLine(two_columns("  coupon", strip_control(sale.coupon_code), width)))
    lines.append(ReceiptLine(two_columns("Tax", totals.tax.amount_str(), width)))
    lines.append(ReceiptLine(two_columns("TOTAL", totals.total.format(), width // 2), bold=True, double=True))
    if shop.display_currency and shop.display_rate:
        shown = totals.total.convert(shop.display_currency, shop.display_rate)
        lines.append(ReceiptLine(two_columns(f"  approx. at {shop.display_rate}", shown.format(), width)))
    lines.append(rule)
    for payment in sale.payments:
        name = METHOD_NAMES.get(payment.method, payment.method)
        lines.append(ReceiptLine(two_columns(name, payment.tendered.amount_str(), width)))
        if payment.reference:
            lines.append(ReceiptLine(two_columns("  ref", strip_control(payment.reference), width)))
        if payment.status == PaymentStatus.OFFLINE:
            lines.append(ReceiptLine("OFFLINE: charged when the terminal is back online", "center", bold=True))
        if not payment.change.is_zero:
            lines.append(ReceiptLine(two_columns("Change", payment.change.amount_str(), width), bold=True))
    lines.append(rule)
    if member is not None:
        lines += _member_lines(member, width) + [rule]
    lines += [ReceiptLine(t, "center") for t in wrap(strip_control(shop.footer), width) if t]
    lines.append(ReceiptLine("Scan for your e-receipt", "center"))
    url = f"{shop.receipt_base_url.rstrip('/')}/r/{sale.id}?k={receipt_token(secret, sale.id)}"
    card = member.card if member is not None else None
    return Receipt(sale.id, tuple(lines), url, any(p.method == PaymentMethod.CASH for p in sale.payments), width, card)


def _member_lines(member: ReceiptMember, width: int) -> list[ReceiptLine]:
    lines = [ReceiptLine(two_columns("Member", strip_control(member.name), width))]
    if member.points is not None:
        lines.append(ReceiptLine(two_columns("Points earned", f"+{member.points}", width)))
    if member.balance is not None:
        lines.append(ReceiptLine(two_columns("Points balance", str(member.balance), width), bold=True))
    if member.prepaid is not None:
        lines.append(ReceiptLine(two_columns("Balance left", strip_control(member.prepaid), width), bold=True))
    if member.card:
        lines.append(ReceiptLine("Member card", "center", bold=True))
        lines.append(ReceiptLine("your card is the last QR on this receipt", "center"))
    return lines
