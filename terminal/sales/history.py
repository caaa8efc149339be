"""The sales history behind the kiosk's history screen and `edgepos sales`: ready-made state, no UI code.

Days are the shop's local days ([shop] timezone); the database keeps UTC.
"""
from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from urllib.parse import parse_qs, urlsplit

from terminal.errors import SaleError
from terminal.link.events import rfc3339
from terminal.ports import Clock
from terminal.sales.clock_text import stored_time_text
from terminal.sales.money import Money
from terminal.sales.receipts import receipt_token
from terminal.sales.refunds import RefundService
from terminal.sales.sale import SaleState
from terminal.store.db import Database
from terminal.store.refunds import RefundLine
from terminal.store.sales import SaleStore
from terminal.store.sales_history import SalesHistoryStore, SaleSummary

RECEIPT_NO = 12                      # the receipt prints sale.id[:12].upper() as "Sale"
_HEX = re.compile(r"[0-9a-f]{12,32}")


class SaleRowState(StrEnum):
    """A sale as the history lists it."""

    PAID = "paid"
    PARTLY_REFUNDED = "partly_refunded"
    REFUNDED = "refunded"
    VOIDED = "voided"


@dataclass(frozen=True)
class SaleRow:
    """One sale in the list of a day."""

    sale_id: str
    receipt_no: str          # as printed on the receipt ("Sale")
    time: str                # local, as receipts write it: 2026-11-22 16:30 UTC+8
    closed_at: str           # RFC 3339 UTC, as stored
    total: Money
    methods: tuple[str, ...]
    refunded: Money
    state: SaleRowState


@dataclass(frozen=True)
class DetailLine:
    """A sale line: bought, refunded so far, still refundable, and what the customer paid for it."""

    line_no: int
    sku: str
    name: str
    quantity: int
    refunded: int
    refundable: int
    amount: Money
    refunded_amount: Money


@dataclass(frozen=True)
class DetailPayment:
    """A payment of the sale; the reference is masked as stored (never a full payment code)."""

    method: str
    amount: Money
    status: str
    reference: str


@dataclass(frozen=True)
class DetailRefund:
    """A refund of the sale: when, who did it, who approved it, how much, which lines."""

    refund_id: str
    time: str
    staff: str               # the staff member's name ("" when nobody was signed in)
    approved_by: str
    amount: Money
    method: str
    reason: str
    lines: tuple[RefundLine, ...]
    points_taken: int


@dataclass(frozen=True)
class SaleDetail:
    """Everything the detail screen shows; `refundable` is the money still refundable."""

    row: SaleRow
    lines: tuple[DetailLine, ...]
    payments: tuple[DetailPayment, ...]
    refunds: tuple[DetailRefund, ...]
    pending_refunds: tuple[str, ...]   # ids of wallet refunds waiting for the acquirer: retry them
    refundable: Money
    member_id: str | None
    coupon_code: str | None


def _state(summary: SaleSummary) -> SaleRowState:
    if summary.state == SaleState.VOIDED:
        return SaleRowState.VOIDED
    if summary.refunded <= 0:
        return SaleRowState.PAID
    return SaleRowState.REFUNDED if summary.refunded >= summary.total else SaleRowState.PARTLY_REFUNDED


class SalesHistory:
    """Sales by local day, search by receipt number or receipt QR, and the detail of one sale."""

    def __init__(self, db: Database, sales: SaleStore, refunds: RefundService, secret: bytes, zone: tzinfo,
                 clock: Clock) -> None:
        self._store, self._sales, self._refunds = SalesHistoryStore(db), sales, refunds
        self._secret, self.zone, self._clock = secret, zone, clock

    def today(self) -> date:
        """The shop's local date now."""
        return self._clock.now().astimezone(self.zone).date()

    def days(self) -> list[date]:
        """The local days that have sales, newest first."""
        found = {datetime.fromisoformat(m + ":00+00:00").astimezone(self.zone).date()
                 for m in self._store.close_minutes()}
        return sorted(found, reverse=True)

    def _row(self, s: SaleSummary) -> SaleRow:
        return SaleRow(s.id, s.id[:RECEIPT_NO].upper(), stored_time_text(s.closed_at, self.zone), s.closed_at,
                       Money(s.total, s.currency), s.methods, Money(s.refunded, s.currency), _state(s))

    def sales_of(self, day: date | None = None) -> list[SaleRow]:
        """The sales (paid and voided) closed on a local day (today when None), newest first."""
        day = day or self.today()
        start = datetime.combine(day, time(), tzinfo=self.zone)
        end = datetime.combine(day + timedelta(days=1), time(), tzinfo=self.zone)
        return [self._row(s) for s in self._store.closed_between(rfc3339(start), rfc3339(end))]

    def sale_id_of(self, text: str) -> str:
        """The sale id named by a receipt number (any case, 12 characters or the full id) or a receipt QR URL."""
        raw = text.strip()
        if "/r/" in raw:
            return self._from_url(raw)
        wanted = raw.lower().removeprefix("sale").strip().replace(" ", "")
        if not _HEX.fullmatch(wanted):
            raise SaleError.text("{text} is not a receipt number: type the 12 characters printed after Sale",
                                 text=raw[:40])
        found = self._store.ids_starting(wanted)
        if not found:
            raise SaleError.text("no sale {receipt} on this terminal: check the receipt number",
                                 receipt=wanted[:RECEIPT_NO].upper())
        if len(found) > 1:
            raise SaleError.text("more than one sale starts with {receipt}: type the full id", receipt=wanted.upper())
        return found[0]

    def _from_url(self, url: str) -> str:
        parts = urlsplit(url)
        sale_id = parts.path.rsplit("/r/", 1)[-1].strip("/")
        token = (parse_qs(parts.query).get("k") or [""])[0]
        if not _HEX.fullmatch(sale_id) or not hmac.compare_digest(token, receipt_token(self._secret, sale_id)):
            raise SaleError.text("this receipt QR was not printed by this terminal (its key does not match):"
                                 " type the receipt number instead")
        if not self._store.ids_starting(sale_id):
            raise SaleError.text("no sale {receipt} on this terminal: check the receipt number",
                                 receipt=sale_id[:RECEIPT_NO].upper())
        return sale_id

    def find(self, text: str) -> SaleDetail:
        """The detail of the sale a receipt number or a scanned receipt QR names."""
        return self.detail(self.sale_id_of(text))

    def detail(self, sale_id: str) -> SaleDetail:
        """One sale: lines with refunded and refundable quantities, payments, refunds and pending wallet refunds."""
        sale = self._refunds.load(sale_id)
        cur = sale.currency
        states = self._refunds.lines(sale)
        done = self._refunds.store.of_sale(sale.id)
        refunded = sum((r.amount for r in done), start=Money.zero(cur))
        moment = sale.closed_at or self._clock.now()
        summary = SaleSummary(sale.id, sale.state.value, cur, sale.totals.total.minor, rfc3339(moment),
                              tuple(sorted({p.method for p in sale.payments})), refunded.minor)
        names = self._store.staff_names()
        refunds = tuple(DetailRefund(r.id, stored_time_text(r.created_at, self.zone), names.get(r.staff_id or "", ""),
                                     names.get(r.approved_by or "", ""), r.amount, r.method, r.reason, r.lines,
                                     r.points_taken) for r in done)
        lines = tuple(DetailLine(s.line_no, s.sku, s.name, s.quantity, s.refunded,
                                 s.refundable if sale.state is SaleState.PAID else 0, s.amount, s.refunded_amount)
                      for s in states)
        payments = tuple(DetailPayment(p.method, p.amount, p.status, p.reference) for p in sale.payments)
        left = sum((s.value(s.refundable) for s in states if s.refundable), start=Money.zero(cur))
        return SaleDetail(self._row(summary), lines, payments, refunds,
                          tuple(r.id for r in self._refunds.store.pending(sale.id)),
                          left if sale.state is SaleState.PAID else Money.zero(cur), sale.member_id, sale.coupon_code)

