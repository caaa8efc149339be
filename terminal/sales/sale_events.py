"""The payment/1 event body of a paid sale: what the backend books, shows as an e-receipt, and charges offline."""
from __future__ import annotations

from typing import Any

from terminal.link.events import rfc3339
from terminal.sales.receipts import ShopInfo
from terminal.sales.sale import Sale


def sale_event_body(sale: Sale, forward: dict[str, str] | None = None,
                    shop: ShopInfo | None = None) -> dict[str, Any]:
    """The payment/1 event body: enough for the backend to book the sale, show its e-receipt, charge it offline."""
    t = sale.totals
    body = {"sale_id": sale.id, "shift_id": sale.shift_id, "currency": sale.currency,
            "subtotal": t.subtotal.minor, "discount": t.discount.minor, "tax": t.tax.minor, "total": t.total.minor,
            "closed_at": rfc3339(sale.closed_at) if sale.closed_at else None,
            "lines": [{"sku": p.line.item.sku, "name": p.line.item.name, "quantity": p.line.quantity,
                       "unit_price": p.line.item.unit_price.minor, "amount": p.amount.minor,
                       "tax": p.tax.minor} for p in t.lines],
            "payments": [{"id": p.id, "method": p.method, "amount": p.amount.minor, "reference": p.reference,
                          "status": p.status} for p in sale.payments]}
    if sale.member_id:  # the member's points travel in their own member/1 event
        body["member_id"] = sale.member_id
    if sale.coupon_code:
        body["coupon"] = sale.coupon_code
    if shop is not None:
        body["shop"] = {"name": shop.name, "address": shop.address, "terminal": shop.terminal_id}
    if forward:  # an offline payment: the backend charges it; the full code leaves the DB with the acked row
        body["forward"] = forward
    return body
