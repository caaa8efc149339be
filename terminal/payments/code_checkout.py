"""Paying the sale in progress with a customer's wallet code: authorize, then complete the sale if paid."""
from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

from terminal.payments.code_payment import CodeAuthorizer, Progress
from terminal.payments.crash_points import CrashPoint, crash_at
from terminal.payments.outcome import CodeOutcome, OutcomeStatus, payment_status
from terminal.payments.paycodes import normalize
from terminal.payments.qr_payment import QR_SCHEME, QrPayments
from terminal.sales.money import Money
from terminal.sales.sale import Payment, PaymentMethod, PaymentStatus, SaleState
from terminal.sales.tender_snapshot import tender_of_till
from terminal.sales.till import Completed, Till


def pay_by_code(till: Till, authorizer: CodeAuthorizer, code: str, progress: Progress = lambda _m: None,
                cancel: threading.Event | None = None) -> tuple[CodeOutcome, Completed | None]:
    """Lock the cart, charge the code for what is due; the sale is stored only when approved or accepted offline."""
    sale = till.sale
    if sale is None or sale.state is not SaleState.TENDERING:
        sale = till.start_tender()   # raises a clear SaleError when there is nothing to pay
    authorizer.tender_of = tender_of_till(till)
    outcome = authorizer.authorize(code, sale.due, sale.id, progress, cancel)
    if not outcome.paid:
        return outcome, None   # the sale stays in tender: another method, or back to the cart
    crash_at(CrashPoint.APPROVED_BEFORE_COMMIT)
    forward = None
    if outcome.status == OutcomeStatus.OFFLINE:
        forward = {"out_trade_no": outcome.out_trade_no, "scheme": outcome.scheme, "auth_code": normalize(code)}
    return outcome, _settle(till, outcome, forward)


def pay_by_qr(till: Till, qr: QrPayments, show: Callable[[str], None], progress: Progress = lambda _m: None,
              cancel: threading.Event | None = None) -> tuple[CodeOutcome, Completed | None]:
    """Show the sale's QR; the sale completes only when the acquirer says the customer paid."""
    sale = till.sale
    if sale is None or sale.state is not SaleState.TENDERING:
        sale = till.start_tender()
    qr.authorizer.tender_of = tender_of_till(till)
    outcome = qr.collect(sale.due, sale.id, show, progress, cancel)
    if outcome.paid:
        crash_at(CrashPoint.APPROVED_BEFORE_COMMIT)
    return outcome, (_settle(till, outcome) if outcome.paid else None)


def _settle(till: Till, outcome: CodeOutcome, forward: dict[str, str] | None = None) -> Completed:
    due = till.sale.due if till.sale is not None else Money.zero(till.currency)
    payment = wallet_payment(outcome.scheme, outcome.masked, outcome.out_trade_no, due, payment_status(outcome))
    return till.complete(payment, forward)


def wallet_payment(scheme: str, masked: str, out_trade_no: str, due: Money,
                   status: PaymentStatus = PaymentStatus.APPROVED) -> Payment:
    """The stored payment of a wallet charge; its reference names the scheme, the masked code and the trade."""
    method = PaymentMethod.QR if scheme == QR_SCHEME else PaymentMethod.FACE if scheme == "face" else PaymentMethod.CODE
    return Payment(uuid.uuid4().hex, method, due, due, Money.zero(due.currency),
                   reference=f"{scheme}:{masked}:{out_trade_no}", status=status)
