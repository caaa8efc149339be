"""payment/1: a paid sale as terminal/sales/sale_events.py writes it; its lines, tax and payments must add up."""
from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from sync.event_schemas.common import (
    MAX_ID,
    MAX_TEXT,
    SchemaViolation,
    amount,
    child,
    currency,
    integer,
    list_of,
    nullable,
    one_of,
    record,
    text,
    timestamp,
)
from terminal.payments.paycodes import RULES
from terminal.sales.receipts import METHOD_NAMES
from terminal.sales.sale import MAX_QUANTITY

TERMINAL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")   # as in sync/schema.py
METHODS = frozenset(METHOD_NAMES)                  # cash, code, qr, face, member_balance
WALLETS = frozenset(scheme for scheme, _ in RULES)   # the wallets of customer-presented codes
FACE = "face"


class PaymentStatus(StrEnum):
    """A payment that settles its sale: approved online, or accepted offline and forwarded by the backend."""

    APPROVED = "approved"
    OFFLINE = "offline"


OFFLINE_METHODS = {"code": WALLETS, FACE: frozenset({FACE})}   # method -> forward schemes it may use

_line = record({"sku": text(MAX_ID), "name": text(MAX_TEXT), "quantity": integer(1, MAX_QUANTITY),
                "unit_price": amount(), "amount": amount(), "tax": amount()})
_payment = record({"id": text(MAX_ID), "method": one_of(METHODS), "amount": amount(),
                   "reference": text(MAX_TEXT, min_len=0), "status": one_of(frozenset(PaymentStatus))})
_shop = record({"name": text(MAX_TEXT, min_len=0), "address": text(MAX_TEXT, min_len=0),
                "terminal": text(64, pattern=TERMINAL_ID)})
FUNDINGS = frozenset({"agreement"})   # what funds a face payment the backend charges (a withholding agreement)
_forward = record({"out_trade_no": text(MAX_ID), "scheme": one_of(WALLETS | {FACE})},
                  {"auth_code": text(MAX_ID, pattern=re.compile(r"[0-9]{8,32}")), "member_id": text(MAX_ID),
                   "funding": one_of(FUNDINGS)})
_body = record({"sale_id": text(MAX_ID), "shift_id": text(MAX_ID), "currency": currency, "subtotal": amount(),
                "discount": amount(), "tax": amount(), "total": amount(), "closed_at": nullable(timestamp),
                "lines": list_of(_line, min_items=1), "payments": list_of(_payment, min_items=1)},
               {"member_id": text(MAX_ID), "coupon": text(MAX_ID), "shop": _shop, "forward": _forward})


def check_payment(raw: Any, path: str) -> None:
    """Check a payment/1 body: fields, bounds, then the sums the terminal's pricing guarantees."""
    body = _body(raw, path)
    _check_lines(body, path)
    _check_payments(body, path)
    _check_forward(body, path)


def _check_lines(body: dict[str, Any], path: str) -> None:
    """Subtotal is the lines' gross, tax and total their sums; total = subtotal - discount + exclusive tax."""
    lines = body["lines"]
    for i, line in enumerate(lines):
        gross = line["unit_price"] * line["quantity"]
        if line["amount"] > gross + line["tax"]:
            raise SchemaViolation(child(child(child(path, "lines"), i), "amount"),
                                  f"{line['amount']} is more than unit_price x quantity ({gross}) plus its tax "
                                  f"({line['tax']})")
    subtotal = sum(line["unit_price"] * line["quantity"] for line in lines)
    if body["subtotal"] != subtotal:
        raise SchemaViolation(child(path, "subtotal"), f"{body['subtotal']} is not the sum of unit_price x quantity"
                                                       f" of the lines ({subtotal})")
    if body["discount"] > subtotal:
        raise SchemaViolation(child(path, "discount"), f"{body['discount']} is more than the subtotal ({subtotal})")
    for field in ("tax", "total"):
        summed = sum(line[field if field == "tax" else "amount"] for line in lines)
        if body[field] != summed:
            raise SchemaViolation(child(path, field), f"{body[field]} is not the sum of the lines' "
                                                      f"{'tax' if field == 'tax' else 'amounts'} ({summed})")
    # Each line adds its net (after discounts), plus its tax only when the price excludes tax.
    exclusive_tax = body["total"] - (subtotal - body["discount"])
    if not 0 <= exclusive_tax <= body["tax"]:
        raise SchemaViolation(child(path, "total"), f"{body['total']} is not subtotal - discount ("
                                                    f"{subtotal - body['discount']}) plus at most the tax "
                                                    f"({body['tax']})")


def _check_payments(body: dict[str, Any], path: str) -> None:
    """The payments settle exactly the total; a zero payment only settles a sale of zero."""
    payments, due = body["payments"], body["total"]
    for i, payment in enumerate(payments):
        where = child(child(path, "payments"), i)
        if payment["amount"] == 0 and due != 0:
            raise SchemaViolation(child(where, "amount"), "is zero on a sale that is not free")
        if payment["status"] == PaymentStatus.OFFLINE and payment["method"] not in OFFLINE_METHODS:
            raise SchemaViolation(child(where, "status"), f"a {payment['method']} payment is never taken offline")
    paid = sum(payment["amount"] for payment in payments)
    if paid != due:
        raise SchemaViolation(child(path, "payments"), f"add up to {paid}, the total is {due}")


def _check_forward(body: dict[str, Any], path: str) -> None:
    """An offline payment comes with exactly the forward the backend needs to charge it, and nothing else does."""
    offline = [p for p in body["payments"] if p["status"] == PaymentStatus.OFFLINE]
    forward, where = body.get("forward"), child(path, "forward")
    if len(offline) > 1:
        raise SchemaViolation(child(path, "payments"), "more than one offline payment in one sale")
    if forward is None:
        if offline:
            raise SchemaViolation(where, "is missing: the offline payment cannot be charged without it")
        return
    if not offline:
        raise SchemaViolation(where, "is set but no payment has status offline")
    method, scheme = offline[0]["method"], forward["scheme"]
    if scheme not in OFFLINE_METHODS.get(method, frozenset()):
        raise SchemaViolation(child(where, "scheme"), f"{scheme!r} does not match the offline {method} payment")
    payer = "member_id" if scheme == FACE else "auth_code"
    if set(forward) - {"funding"} != {"out_trade_no", "scheme", payer} or ("funding" in forward and scheme != FACE):
        raise SchemaViolation(where, f"a {scheme} forward has exactly out_trade_no, scheme and {payer} (face: and "
                                     f"funding), got {', '.join(sorted(forward))}")
    if scheme == FACE and forward["member_id"] != body.get("member_id"):
        raise SchemaViolation(child(where, "member_id"), "is not the sale's member_id")
