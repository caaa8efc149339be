"""Topping up a member's prepaid balance at the counter, in cash or by wallet code: not a sale, but a slip and an event.

A cash top-up is a ledger entry and a cash move into the drawer in one transaction (the shift's expected cash
counts it). A code top-up is charged like a sale's code, its top-up id standing where the sale id would (the
attempt is recorded before the request leaves; query, then reverse), and is never accepted offline: the
balance is credited only once the wallet says the money arrived.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from terminal.errors import PrinterError
from terminal.members.balance import BalanceError
from terminal.payments.outcome import CodeOutcome
from terminal.sales.clock_text import local_time_text
from terminal.sales.money import Money
from terminal.sales.receipts import Receipt, ReceiptLine, ShopInfo
from terminal.sales.textwidth import strip_control, two_columns
from terminal.store.balance import BalanceEntry, TopUpTender

if TYPE_CHECKING:
    from terminal.members.service import Member
    from terminal.payments.code_payment import CodeAuthorizer, Progress
    from terminal.sales.till import Till

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TopUp:
    """A stored top-up: its ledger entry, the slip, and where the slip went (or why it did not print)."""

    entry: BalanceEntry
    slip: Receipt
    printed_to: str | None
    print_error: str | None


def topup_slip(shop: ShopInfo, member: Member, entry: BalanceEntry, paid_by: str, at: datetime,
               width: int = 42) -> Receipt:
    """The slip of a top-up: who, how much, how paid, the new balance; not a sales receipt."""
    lines = [ReceiptLine(strip_control(shop.name), "center", bold=True),
             ReceiptLine("MEMBER TOP-UP", "center", bold=True), ReceiptLine("-" * width),
             ReceiptLine(two_columns("Terminal", strip_control(shop.terminal_id), width)),
             ReceiptLine(two_columns("Date", local_time_text(at, shop.timezone), width)),
             ReceiptLine(two_columns("Top-up", entry.id[:12].upper(), width)),
             ReceiptLine(two_columns("Member", strip_control(member.display_name), width)),
             ReceiptLine(two_columns("Phone", member.masked_phone, width)),
             ReceiptLine(two_columns("Paid by", strip_control(paid_by), width)),
             ReceiptLine(two_columns("TOP-UP", entry.amount.format(), width), bold=True),
             ReceiptLine(two_columns("Balance", entry.balance.format(), width), bold=True),
             ReceiptLine("-" * width), ReceiptLine("Prepaid balance: not a sale receipt", "center")]
    return Receipt(f"topup-{entry.id}", tuple(lines), "", open_drawer=entry.tender == TopUpTender.CASH, width=width)


def _check(till: Till, member_id: str, amount: Money) -> Member:
    members = till.perks.members
    if members is None:
        raise BalanceError.text("membership is not set up on this terminal")
    if amount.currency != till.currency or amount.minor <= 0:
        raise BalanceError.text("a top-up must be a positive amount in {currency}", currency=till.currency)
    till.shifts.require_open()
    return members.get(member_id)


def _print(till: Till, member: Member, entry: BalanceEntry, paid_by: str) -> TopUp:
    slip = topup_slip(till.shop, member, entry, paid_by, datetime.fromisoformat(entry.at), till.receipt_width)
    try:
        return TopUp(entry, slip, till.printer.print_receipt(slip), None)
    except PrinterError as err:
        log.warning("top-up slip %s not printed: %s", entry.id[:12], err)
        return TopUp(entry, slip, None, f"Slip not printed: {err}. The top-up is saved.")


def top_up_cash(till: Till, member_id: str, amount: Money) -> TopUp:
    """Cash into the drawer and onto the member's balance, in one transaction; then the slip."""
    member = _check(till, member_id, amount)
    members = till.perks.members
    assert members is not None
    shift, staff_id, topup_id = till.shifts.require_open(), till.staff_id(), uuid.uuid4().hex
    with members.store.db.transaction() as tx:
        entry = members.balance.top_up(tx, member.id, amount, topup_id, TopUpTender.CASH, shift.id, staff_id)
        members.balance.store.add_cash_in(tx, uuid.uuid4().hex, shift.id, amount,
                                          f"member top-up {topup_id[:12]}", entry.at, staff_id)
    return _print(till, member, entry, "Cash")


def top_up_code(till: Till, authorizer: CodeAuthorizer, member_id: str, amount: Money, code: str,
                progress: Progress = lambda _m: None) -> tuple[CodeOutcome, TopUp | None]:
    """Charge the wallet code (pay, query, reverse; never offline), then credit the balance and print the slip."""
    member = _check(till, member_id, amount)
    members = till.perks.members
    assert members is not None
    shift, staff_id, topup_id = till.shifts.require_open(), till.staff_id(), uuid.uuid4().hex
    outcome = authorizer.authorize(code, amount, topup_id, progress, allow_offline=False)
    if not outcome.paid:
        return outcome, None
    with members.store.db.transaction() as tx:
        entry = members.balance.top_up(tx, member.id, amount, topup_id, TopUpTender.CODE, shift.id, staff_id,
                                       reference=outcome.out_trade_no)
    return outcome, _print(till, member, entry, f"Payment code {outcome.masked}")
