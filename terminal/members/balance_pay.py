"""Paying the sale in tender from the attached member's prepaid balance: a local ledger spend, no acquirer call."""
from __future__ import annotations

import copy
import uuid
from typing import TYPE_CHECKING

from terminal.members.balance import BalanceError
from terminal.sales.money import Money
from terminal.sales.sale import Payment, PaymentMethod, SaleState
from terminal.store.db import Transaction

if TYPE_CHECKING:
    from terminal.members.service import Member
    from terminal.sales.till import Completed, Till

CASHIER_PREFIX = "balance"   # a payment's reference: "balance:****0143:<entry>"; face-pay writes "face:..."
FACE_PREFIX = "face"         # counted toward the member's daily face-pay cap (terminal/store/members.py)


def balance_member(till: Till) -> Member:
    """The member attached to the sale in tender, whose balance pays; BalanceError when there is none."""
    sale = till.sale
    members = till.perks.members
    if sale is None or sale.member_id is None or members is None:
        raise BalanceError.text("attach the member first (scan their card or type their phone) to pay from"
                                " their balance")
    return members.get(sale.member_id)


def pay_by_balance(till: Till, *, online: bool, offline_cap: Money, prefix: str = CASHIER_PREFIX) -> Completed:
    """Pay what is due from the member's balance; the spend is stored with the sale, in its transaction.

    Offline (`online` False) the member's offline spending today must stay within `offline_cap`.
    """
    sale = till.sale
    if sale is None or sale.state is not SaleState.TENDERING:
        sale = till.start_tender()
    member = balance_member(till)
    members = till.perks.members
    assert members is not None
    due = sale.due
    members.balance.check_spend(member.id, due, not online, offline_cap)
    payment_id = uuid.uuid4().hex
    payment = Payment(payment_id, PaymentMethod.MEMBER_BALANCE, due, due, Money.zero(due.currency),
                      reference=f"{prefix}:{member.masked_phone}:{payment_id[:12]}")
    paid = copy.deepcopy(sale)   # the sale in tender stays as it was if storing fails
    paid.apply_payment(payment)

    def spend(tx: Transaction) -> None:
        members.balance.spend(tx, member.id, paid.id, payment_id, due, paid.shift_id, paid.staff_id, not online)

    done = till.record_paid(paid, payment, None, also=spend)
    till.sale = None
    return done
