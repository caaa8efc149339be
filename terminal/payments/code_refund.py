"""Refunding a wallet-code sale through the acquirer: the refund id is the out_request_no, reused on retry."""
from __future__ import annotations

import uuid

from terminal.errors import RefundError
from terminal.payments.acquirer import Acquirer, AcquirerMethod, AcquirerStatus, AcquirerUnreachable
from terminal.sales.money import Money
from terminal.sales.sale import PaymentMethod, PaymentStatus
from terminal.sales.till import Till
from terminal.store.sales import Refund

REQUEST_TIMEOUT_S = 10.0
WALLET_METHODS = frozenset({PaymentMethod.CODE, PaymentMethod.QR})   # refunded through the acquirer


def out_trade_no_of(till: Till, sale_id: str) -> str:
    """The acquirer trade a code sale was paid with (its payment reference ends with it)."""
    sale = till.sales.load(sale_id)
    codes = [p for p in sale.payments if p.method in WALLET_METHODS and p.status == PaymentStatus.APPROVED]
    if not codes:
        raise RefundError(f"sale {sale_id[:12]} was not paid online by wallet code or QR: refund it as cash")
    return codes[0].reference.rsplit(":", 1)[-1]


def refund_code_sale(till: Till, acquirer: Acquirer, sale_id: str, amount: Money, reason: str,
                     refund_id: str | None = None, timeout: float = REQUEST_TIMEOUT_S) -> Refund:
    """Ask the acquirer first, record the refund only once it says `refunded`; retry with the same refund_id."""
    refund_id = refund_id or uuid.uuid4().hex
    existing = till.sales.find_refund(refund_id)
    if existing is not None:
        return existing
    left = till.sales.load(sale_id).paid - till.sales.refunded(sale_id, amount.currency)
    if amount.minor <= 0 or amount > left:
        raise RefundError(f"cannot refund {amount.format()}: {left.format()} of this sale is left to refund")
    body = {"out_trade_no": out_trade_no_of(till, sale_id), "out_request_no": refund_id,
            "amount": amount.amount_str(), "currency": amount.currency}
    try:
        reply = acquirer.call(AcquirerMethod.REFUND, body, timeout)
    except AcquirerUnreachable as err:
        raise RefundError(f"the wallet service cannot be reached; try again later with refund id {refund_id}") \
            from err
    if reply is None:
        raise RefundError(f"no answer from the wallet service; retry with refund id {refund_id} "
                          "(the same id is never refunded twice)")
    if reply.status != AcquirerStatus.REFUNDED:
        raise RefundError(f"the wallet refused the refund: {reply.reason or reply.status}")
    return till.refund(sale_id, amount, reason, refund_id)
