"""Paying the sale in progress with a customer's wallet code: authorize, then complete the sale if paid."""
from __future__ import annotations

import uuid

from terminal.code_payment import CodeAuthorizer, CodeOutcome, Progress
from terminal.money import Money
from terminal.sale import Payment, SaleState
from terminal.till import Completed, Till


def pay_by_code(till: Till, authorizer: CodeAuthorizer, code: str,
                progress: Progress = lambda _m: None) -> tuple[CodeOutcome, Completed | None]:
    """Lock the cart, charge the code for what is due; the sale is stored only when approved or accepted offline."""
    sale = till.sale
    if sale is None or sale.state is not SaleState.TENDERING:
        sale = till.start_tender()   # raises a clear SaleError when there is nothing to pay
    outcome = authorizer.authorize(code, sale.due, sale.id, progress)
    if not outcome.paid:
        return outcome, None   # the sale stays in tender: another method, or back to the cart
    due = sale.due
    payment = Payment(uuid.uuid4().hex, "code", due, due, Money.zero(due.currency),
                      reference=f"{outcome.scheme}:{outcome.masked}:{outcome.out_trade_no}",
                      status="approved" if outcome.status == "approved" else "offline")
    return outcome, till.complete(payment)
