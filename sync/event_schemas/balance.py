"""member.balance/1: one entry of a member's prepaid balance (储值), as terminal/members/balance.py writes it.

A top-up (cash or wallet code, not a sale) and a refund back add to the balance; a spend (a sale paid from it)
takes away. `amount` is signed that way, and `balance` is what is left right after: never negative.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Any

from sync.event_schemas.common import (
    MAX_ID,
    SchemaViolation,
    amount,
    boolean,
    child,
    currency,
    one_of,
    record,
    text,
)


class BalanceKind(StrEnum):
    """What moved the balance (terminal/store/balance.py BalanceKind)."""

    TOPUP = "topup"
    SPEND = "spend"
    REFUND = "refund"


TENDERS = frozenset({"cash", "code"})   # how a top-up was paid
_body = record({"entry_id": text(MAX_ID), "member_id": text(MAX_ID), "kind": one_of(frozenset(BalanceKind)),
                "amount": amount(signed=True), "currency": currency, "balance": amount(),
                "reference": text(MAX_ID)},
               {"tender": one_of(TENDERS), "offline": boolean})


def check_balance(raw: Any, path: str) -> None:
    """Check a member.balance/1 body: the sign of the amount fits its kind; only a top-up has a tender."""
    body = _body(raw, path)
    kind, moved = body["kind"], body["amount"]
    if (moved < 0) != (kind == BalanceKind.SPEND) or moved == 0:
        raise SchemaViolation(child(path, "amount"), f"{moved} does not fit a {kind} (a spend is negative, a top-up"
                                                     " or a refund positive)")
    if ("tender" in body) != (kind == BalanceKind.TOPUP):
        raise SchemaViolation(child(path, "tender"), "is set on a top-up, and only there")
    if body.get("offline") and kind != BalanceKind.SPEND:
        raise SchemaViolation(child(path, "offline"), "only a spend is marked offline")
