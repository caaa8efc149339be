"""The sale in tender as JSON (lines, discounts, member, coupon, staff, payments): what a crash leaves to recover."""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from terminal.errors import StoreError
from terminal.sales.catalog import Item
from terminal.sales.money import Money
from terminal.sales.pricing import CartLine
from terminal.sales.sale import Payment, PaymentMethod, PaymentStatus, Sale, SaleState
from terminal.store.tenders import TenderRecord

if TYPE_CHECKING:
    from terminal.sales.till import Till

VERSION = 1


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _parse_time(text: Any) -> datetime | None:
    return datetime.fromisoformat(str(text)) if text else None


def snapshot_of(sale: Sale) -> str:
    """The sale as JSON text; `sale_from_snapshot` gives back an equal Sale."""
    return json.dumps({
        "v": VERSION, "id": sale.id, "currency": sale.currency, "shift_id": sale.shift_id, "state": sale.state,
        "lines": [{"sku": ln.item.sku, "barcode": ln.item.barcode, "name": ln.item.name,
                   "unit_price": ln.item.unit_price.minor, "tax_rate_bp": ln.item.tax_rate_bp,
                   "tax_inclusive": ln.item.tax_inclusive, "quantity": ln.quantity, "discount": ln.discount.minor}
                  for ln in sale.lines],
        "cart_discount": sale.cart_discount.minor if sale.cart_discount is not None else None,
        "payments": [{"id": p.id, "method": p.method, "amount": p.amount.minor, "tendered": p.tendered.minor,
                      "change": p.change.minor, "reference": p.reference, "status": p.status}
                     for p in sale.payments],
        "opened_at": _time(sale.opened_at), "closed_at": _time(sale.closed_at), "member_id": sale.member_id,
        "coupon_code": sale.coupon_code, "staff_id": sale.staff_id,
        "total": sale.totals.total.minor,
    }, ensure_ascii=False, sort_keys=True)


def sale_from_snapshot(text: str) -> Sale:
    """The Sale a snapshot holds; StoreError when the text is not one (or its total no longer adds up)."""
    try:
        data = json.loads(text)
        cur = str(data["currency"])
        lines = [CartLine(Item(str(ln["sku"]), ln["barcode"], str(ln["name"]), Money(int(ln["unit_price"]), cur),
                               int(ln["tax_rate_bp"]), bool(ln["tax_inclusive"])), int(ln["quantity"]),
                          Money(int(ln["discount"]), cur)) for ln in data["lines"]]
        payments = [Payment(str(p["id"]), PaymentMethod(p["method"]), Money(int(p["amount"]), cur),
                            Money(int(p["tendered"]), cur), Money(int(p["change"]), cur), str(p["reference"]),
                            PaymentStatus(p["status"])) for p in data["payments"]]
        cart = data["cart_discount"]
        sale = Sale(cur, str(data["shift_id"]), id=str(data["id"]), state=SaleState(data["state"]), lines=lines,
                    cart_discount=Money(int(cart), cur) if cart is not None else None, payments=payments,
                    opened_at=_parse_time(data["opened_at"]), closed_at=_parse_time(data["closed_at"]),
                    member_id=data["member_id"], coupon_code=data["coupon_code"], staff_id=data["staff_id"])
    except (ValueError, KeyError, TypeError) as err:
        raise StoreError(f"a stored tender cannot be read ({err}): call the technician") from err
    if sale.totals.total.minor != int(data["total"]):
        raise StoreError(f"the stored tender of sale {sale.id[:12]} does not add up to its total")
    return sale


def tender_record(sale: Sale) -> TenderRecord:
    """What is stored with a wallet attempt for this sale."""
    return TenderRecord(sale.id, sale.shift_id, snapshot_of(sale), sale.staff_id)


def tender_of_till(till: Till) -> Callable[[str], TenderRecord | None]:
    """The authorizer's hook: the till's sale in tender, when an attempt is for it."""
    def tender(sale_id: str) -> TenderRecord | None:
        sale = till.sale
        return tender_record(sale) if sale is not None and sale.id == sale_id else None
    return tender
