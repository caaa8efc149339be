"""refund/1: a refund against a paid sale, as terminal/sales/refunds.py writes it."""
from __future__ import annotations

from typing import Any

from sync.event_schemas.common import MAX_AMOUNT, MAX_ID, MAX_TEXT, currency, integer, one_of, record, text
from sync.event_schemas.payment import METHODS

_body = record({"refund_id": text(MAX_ID), "sale_id": text(MAX_ID), "amount": integer(1, MAX_AMOUNT),
                "currency": currency, "method": one_of(METHODS), "reason": text(MAX_TEXT)})


def check_refund(raw: Any, path: str) -> None:
    """Check a refund/1 body: a positive amount in a known currency, the sale's payment method, a reason."""
    _body(raw, path)
