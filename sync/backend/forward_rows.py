"""What the forwarder reads from a stored payment event, checked, and the statuses of its `forwards` rows."""
from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from terminal.errors import MoneyError
from terminal.sales.money import Money

MAX_MINOR = 10**15        # minor units: more is no shop's payment (and would not fit the acquirer's fields)


class ForwardStatus(StrEnum):
    """The outcome kept in `forwards`: the acquirer's final answer, or set aside (never sent) with its reason."""

    SUCCESS = "success"
    DECLINED = "declined"
    CLOSED = "closed"
    SET_ASIDE = "set_aside"


FINAL = frozenset({ForwardStatus.SUCCESS, ForwardStatus.DECLINED, ForwardStatus.CLOSED})


class BadForward(ValueError):
    """A stored payment event the forwarder cannot charge; the message says which field and why."""


@dataclass(frozen=True)
class ForwardRequest:
    """The acquirer `pay` request for one stored offline payment, and the customer code to scrub once charged."""

    out_trade_no: str
    pay: dict[str, str]
    auth_code: str


def forward_request(terminal: str, body_text: str) -> ForwardRequest:
    """The checked pay request of a stored payment/1 body, or BadForward naming what is wrong."""
    try:
        body = json.loads(body_text)
    except ValueError as err:
        raise BadForward(f"the body is not JSON ({err})") from err
    if not isinstance(body, dict):
        raise BadForward(f"the body is a JSON {type(body).__name__}, not an object")
    forward = body.get("forward")
    if not isinstance(forward, dict) or not all(isinstance(v, str) for v in forward.values()):
        raise BadForward(f"'forward' is not an object of strings: {_short(forward)}")
    out_trade_no = forward.get("out_trade_no", "")
    # Scoped by terminal: a terminal's trade numbers start with its id, so no terminal can have the backend
    # charge, query or report the trade of another.
    if not out_trade_no.startswith(f"{terminal}-") or len(out_trade_no) > 64:
        raise BadForward(f"'forward.out_trade_no' {_short(out_trade_no)} is not one of {terminal}'s trade numbers")
    payments = body.get("payments")
    offline = [p for p in payments if isinstance(p, dict) and p.get("status") == "offline"] \
        if isinstance(payments, list) else []
    if len(offline) != 1:
        raise BadForward(f"'payments' holds {len(offline)} offline payments, not one")
    amount, currency, sale_id = offline[0].get("amount"), body.get("currency"), body.get("sale_id")
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= MAX_MINOR:
        raise BadForward(f"the offline payment's amount {_short(amount)} is not a positive whole number of "
                         f"minor units up to {MAX_MINOR}")
    if not isinstance(currency, str) or not isinstance(sale_id, str):
        raise BadForward("'currency' and 'sale_id' must be strings")
    try:
        major = Money(amount, currency).amount_str()
    except MoneyError as err:
        raise BadForward(f"'currency': {err}") from err
    request = {**forward, "amount": major, "currency": currency, "sale_id": sale_id}
    return ForwardRequest(out_trade_no, request, forward.get("auth_code", ""))


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
