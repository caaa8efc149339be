"""Refunding a wallet sale (code, QR, face) through the acquirer: the refund id is the out_request_no.

The caller writes the request as pending first; a request that got no answer stays pending and is asked again
with the same id, so the acquirer never refunds it twice.
"""
from __future__ import annotations

from terminal.errors import RefundError, RefundPending
from terminal.payments.acquirer import Acquirer, AcquirerMethod, AcquirerStatus, AcquirerUnreachable
from terminal.sales.money import Money
from terminal.sales.sale import SETTLING, PaymentMethod, PaymentStatus, Sale
from terminal.store.attempts import AttemptStatus, AttemptStore

REQUEST_TIMEOUT_S = 10.0
REFUSED = frozenset({AcquirerStatus.FAILED, AcquirerStatus.DECLINED, AcquirerStatus.CLOSED})  # nothing refunded
# refunded through the acquirer; each payment's reference ends with its out_trade_no
WALLET_METHODS = frozenset({PaymentMethod.CODE, PaymentMethod.QR, PaymentMethod.FACE})


def wallet_trade(sale: Sale, attempts: AttemptStore) -> str:
    """The out_trade_no to refund; RefundError when the payment was accepted offline and is not charged yet."""
    paid = [p for p in sale.payments if p.method in WALLET_METHODS and p.status in SETTLING]
    if not paid:
        raise RefundError.text("sale {sale_id} was not paid by wallet: refund it as cash", sale_id=sale.id[:12])
    payment = paid[0]
    out_trade_no = payment.reference.rsplit(":", 1)[-1]
    if payment.status == PaymentStatus.OFFLINE:
        attempt = attempts.get(out_trade_no)
        if attempt is None or attempt.status != AttemptStatus.OFFLINE_APPROVED:
            raise RefundError.text("this wallet payment was accepted offline and is not charged yet: there is"
                                   " nothing to refund at the wallet; try again once the terminal is back online"
                                   " and the payment is charged")
    return out_trade_no


def unreachable(refund_id: str | None) -> RefundError:
    """The refusal when the wallet service cannot be reached (a kept request says its id)."""
    if refund_id is None:
        return RefundError.text("the wallet service cannot be reached, so a wallet payment cannot be refunded"
                                " now: nothing was refunded; try again when the terminal is back online")
    err = RefundPending.text("the wallet service cannot be reached: refund {refund_id} is kept and nothing was"
                             " refunded yet; try the same refund again when the terminal is back online",
                             refund_id=refund_id[:12])
    err.refund_id = refund_id
    return err


def ask_refund(acquirer: Acquirer, out_trade_no: str, refund_id: str, amount: Money,
               timeout: float = REQUEST_TIMEOUT_S) -> str:
    """Ask the acquirer to refund; returns '' once it says refunded, or the reason it refused.

    Raises RefundPending when it could not be asked or did not answer (the request stays pending).
    """
    body = {"out_trade_no": out_trade_no, "out_request_no": refund_id, "amount": amount.amount_str(),
            "currency": amount.currency}
    try:
        reply = acquirer.call(AcquirerMethod.REFUND, body, timeout)
    except AcquirerUnreachable as err:
        raise unreachable(refund_id) from err
    if reply is not None and reply.status == AcquirerStatus.REFUNDED:
        return ""
    if reply is not None and reply.status in REFUSED:
        return reply.reason or reply.status
    # no answer, or one that is not final (pending, unknown): a new id could refund twice, so keep this one
    pending = RefundPending.text("no answer from the wallet service: refund {refund_id} is kept; try the same"
                                 " refund again (the same id is never refunded twice)", refund_id=refund_id[:12])
    pending.refund_id = refund_id
    raise pending
