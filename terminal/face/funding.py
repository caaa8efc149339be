"""Where a face payment's money comes from: a face match names a member, not a wallet account.

In order: (a) the member's prepaid balance when it covers the amount (a local ledger spend, no acquirer call;
offline only within the balance's offline cap), else (b) the wallet withholding agreement the member signed
(pay with scheme face, funding agreement: the gateway charges the agreement), else (c) the customer pays with
their code or the shop's QR: the outcome is refused with NO_FUNDING and the sale waits in tender.
"""
from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from terminal.errors import EdgeposError, PaymentRefusal
from terminal.members.balance_pay import FACE_PREFIX, pay_by_balance
from terminal.payments.outcome import CodeOutcome, OutcomeStatus, payment_status
from terminal.sales.money import Money
from terminal.sales.sale import Payment, PaymentMethod

if TYPE_CHECKING:
    from terminal.members.service import Member
    from terminal.payments.code_payment import CodeAuthorizer, Progress
    from terminal.sales.till import Completed, Till

AGREEMENT = "agreement"          # the pay request's "funding" for a withholding agreement
NO_AGREEMENT = "no_agreement"    # the gateway's decline reason for a member without one
BALANCE_SCHEME = "balance"
NO_FUNDING_TEXT = ("No prepaid balance or wallet agreement covers this payment: please pay with your payment"
                   " code or scan the shop's QR.")


def from_balance(till: Till, member: Member, due: Money, online: bool, cap: Money) -> Completed | None:
    """The sale paid from the member's balance, or None when the balance (or the offline cap) does not allow it."""
    members = till.perks.members
    if members is None:
        return None
    try:
        members.balance.check_spend(member.id, due, not online, cap)
    except EdgeposError:
        return None
    return pay_by_balance(till, online=online, offline_cap=cap, prefix=FACE_PREFIX)


def fund_face_pay(till: Till, authorizer: CodeAuthorizer, member: Member, due: Money, sale_id: str,
                  progress: Progress, balance_cap: Money) -> tuple[CodeOutcome, Completed | None]:
    """Charge the confirmed member by the first funding source that covers `due` (see the module's order)."""
    online = authorizer.acquirer.reachable()
    done = from_balance(till, member, due, online, balance_cap)
    if done is not None:
        return CodeOutcome(OutcomeStatus.APPROVED, "Paid from the member's prepaid balance.",
                           scheme=BALANCE_SCHEME, masked=member.masked_phone), done
    outcome = authorizer.authorize_face(member.id, f"member {member.masked_phone}", due, sale_id, progress,
                                        funding=AGREEMENT)
    if outcome.status == OutcomeStatus.DECLINED and outcome.reason == NO_AGREEMENT:
        return CodeOutcome(OutcomeStatus.REFUSED, NO_FUNDING_TEXT, outcome.out_trade_no, outcome.scheme,
                           outcome.masked, reason=NO_AGREEMENT, refusal=PaymentRefusal.NO_FUNDING), None
    if not outcome.paid:
        return outcome, None
    forward = None
    if outcome.status == OutcomeStatus.OFFLINE:
        forward = {"out_trade_no": outcome.out_trade_no, "scheme": "face", "member_id": member.id,
                   "funding": AGREEMENT}
    payment = Payment(uuid.uuid4().hex, PaymentMethod.FACE, due, due, Money.zero(due.currency),
                      reference=f"face:{member.masked_phone}:{outcome.out_trade_no}",
                      status=payment_status(outcome))
    return outcome, till.complete(payment, forward)
