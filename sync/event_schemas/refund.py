"""refund/1: a refund against a paid sale, as terminal/sales/refunds.py writes it.

`lines` (which units of which sale lines, and their amounts) came later: events without it still validate.
"""
from __future__ import annotations

from typing import Any

from sync.event_schemas.common import (
    MAX_AMOUNT,
    MAX_ID,
    MAX_ITEMS,
    MAX_TEXT,
    SchemaViolation,
    child,
    currency,
    integer,
    list_of,
    one_of,
    record,
    text,
)
from sync.event_schemas.payment import METHODS

_line = record({"line_no": integer(1, MAX_ITEMS), "sku": text(MAX_ID), "quantity": integer(1, 10**6),
                "amount": integer(0, MAX_AMOUNT)})
_body = record({"refund_id": text(MAX_ID), "sale_id": text(MAX_ID), "amount": integer(1, MAX_AMOUNT),
                "currency": currency, "method": one_of(METHODS), "reason": text(MAX_TEXT)},
               {"lines": list_of(_line, MAX_ITEMS, min_items=1)})


def check_refund(raw: Any, path: str) -> None:
    """Check a refund/1 body: a positive amount in a known currency, the sale's payment method, a reason, lines."""
    body = _body(raw, path)
    lines = body.get("lines")
    if lines is None:
        return
    numbers = [ln["line_no"] for ln in lines]
    if len(set(numbers)) != len(numbers):
        raise SchemaViolation(child(path, "lines"), "names a sale line more than once")
    if sum(ln["amount"] for ln in lines) != body["amount"]:
        raise SchemaViolation(child(path, "amount"), f"{body['amount']} is not the sum of the lines' amounts")
