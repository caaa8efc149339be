"""Refunds against a paid sale: never more than was paid, idempotent by refund id."""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from terminal.errors import RefundError, StoreError
from terminal.link.events import MAX_TEXT, rfc3339
from terminal.sales.money import Money
from terminal.sales.sale import SaleState
from terminal.shift.service import ShiftService
from terminal.store.db import Database
from terminal.store.outbox import OutboxStore
from terminal.store.sales import Refund, SaleStore

log = logging.getLogger(__name__)


MAX_REASON = MAX_TEXT      # the backend refuses a refund/1 event with a longer reason


@dataclass(frozen=True)
class RefundRequest:
    """What the cashier asked for; `refund_id` lets a retry find the first attempt."""

    sale_id: str
    amount: Money
    reason: str
    refund_id: str | None = None


def refund_sale(db: Database, sales: SaleStore, outbox: OutboxStore, shifts: ShiftService, now: datetime,
                request: RefundRequest) -> Refund:
    """Store a refund and its refund/1 event in one transaction, or raise RefundError and write nothing."""
    if request.refund_id is not None:
        existing = sales.find_refund(request.refund_id)
        if existing is not None:
            return existing
    shift = shifts.require_open()
    sale_id, amount = request.sale_id, request.amount
    try:
        sale = sales.load(sale_id)
    except StoreError as err:
        raise RefundError(str(err)) from err
    if sale.state is not SaleState.PAID:
        raise RefundError.text("sale {sale_id} is {state}: only a paid sale can be refunded",
                               sale_id=sale_id[:12], state=sale.state.value)
    if len(request.reason.strip()) > MAX_REASON:
        raise RefundError.text("the refund reason is {length} characters, at most {limit}",
                               length=len(request.reason.strip()), limit=MAX_REASON)
    if amount.currency != sale.currency or amount.minor <= 0:
        raise RefundError.text("a refund must be a positive amount in {currency}", currency=sale.currency)
    left = sale.paid - sales.refunded(sale_id, sale.currency)
    if amount > left:
        raise RefundError.text("cannot refund {amount}: only {left} of this sale is left to refund",
                               amount=amount, left=left)
    refund = Refund(request.refund_id or uuid.uuid4().hex, sale_id, sale.payments[0].method, amount,
                    request.reason.strip() or "customer refund", rfc3339(now))
    with db.transaction() as tx:
        sales.insert_refund(tx, refund, shift.id)
        outbox.enqueue(tx, "refund/1", {"refund_id": refund.id, "sale_id": sale_id, "amount": amount.minor,
                                        "currency": amount.currency, "method": refund.method,
                                        "reason": refund.reason}, now)
    log.info("refund %s of %s against sale %s", refund.id, amount, sale_id)
    return refund
