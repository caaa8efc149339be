"""Members' prepaid balance (储值): top-ups, spends and refunds back as ledger entries, each a member.balance/1 event.

The balance is the sum of the member's entries. A spend is checked against it inside the transaction that
stores the sale, so two sales can never take the balance below zero. While the link is down, what a member may
spend from the balance in a day is capped ([members] balance_offline_cap): the shop-wide ledger is not reachable
to see what other terminals spent.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, time, timedelta

from terminal.errors import MemberError
from terminal.link.events import rfc3339
from terminal.ports import Clock
from terminal.sales.money import Money
from terminal.store.balance import BalanceEntry, BalanceKind, BalanceStore
from terminal.store.db import Transaction
from terminal.store.outbox import OutboxStore

log = logging.getLogger(__name__)
BALANCE_SCHEMA = "member.balance/1"   # sync/event_schemas/balance.py


class BalanceError(MemberError):
    """The balance cannot cover a spend, a top-up is not possible, or an offline spend is over the cap."""


class BalanceService:
    """Reads and moves members' prepaid balances; every entry goes out as a member.balance/1 event."""

    def __init__(self, store: BalanceStore, outbox: OutboxStore, clock: Clock, currency: str) -> None:
        self.store, self._outbox, self._clock, self.currency = store, outbox, clock, currency

    def balance(self, member_id: str) -> Money:
        """What the member has on the balance now."""
        return Money(self.store.balance(member_id), self.currency)

    def _day(self) -> tuple[str, str]:
        local = self._clock.now().astimezone()
        start = datetime.combine(local.date(), time(), tzinfo=local.tzinfo)
        return rfc3339(start), rfc3339(start + timedelta(days=1))

    def offline_spent_today(self, member_id: str) -> Money:
        """What the member spent from the balance today while the link was down."""
        return Money(self.store.offline_spent_between(member_id, *self._day()), self.currency)

    def check_spend(self, member_id: str, amount: Money, offline: bool, cap: Money) -> None:
        """BalanceError when the balance cannot cover `amount`, or when offline it would pass today's cap."""
        if amount.currency != self.currency or amount.minor <= 0:
            raise BalanceError.text("a balance payment must be a positive amount in {currency}",
                                    currency=self.currency)
        have = self.balance(member_id)
        if have < amount:
            raise BalanceError.text("the member's balance is {balance}, not enough for {amount}: top up or pay"
                                    " another way", balance=have, amount=amount)
        if offline:
            spent = self.offline_spent_today(member_id)
            if spent + amount > cap:
                raise BalanceError.text("offline, a member may spend at most {cap} from the balance per day"
                                        " ({spent} spent offline today): pay another way, or wait until the"
                                        " terminal is back online", cap=cap, spent=spent)

    def _event(self, tx: Transaction, entry: BalanceEntry) -> None:
        body: dict[str, object] = {"entry_id": entry.id, "member_id": entry.member_id, "kind": entry.kind,
                                   "amount": entry.amount.minor, "currency": entry.amount.currency,
                                   "balance": entry.balance.minor, "reference": entry.reference}
        if entry.tender:
            body["tender"] = entry.tender
        if entry.offline:
            body["offline"] = True
        self._outbox.enqueue(tx, BALANCE_SCHEMA, body, self._clock.now())

    def _add(self, tx: Transaction, member_id: str, kind: BalanceKind, amount: Money, reference: str, *,
             entry_id: str | None = None, tender: str = "", shift_id: str | None = None,
             staff_id: str | None = None, offline: bool = False) -> BalanceEntry:
        before = self.store.balance(member_id, tx)
        after = Money(before + amount.minor, self.currency)
        if after.minor < 0:   # checked here, under the write lock: never negative
            raise BalanceError.text("the member's balance is {balance}, not enough for {amount}: top up or pay"
                                    " another way", balance=Money(before, self.currency), amount=-amount)
        entry = BalanceEntry(entry_id or uuid.uuid4().hex, member_id, kind, amount, after, reference, tender,
                             shift_id, staff_id, offline, rfc3339(self._clock.now()))
        self.store.insert(tx, entry)
        self._event(tx, entry)
        log.info("member %s balance %s %s -> %s (%s)", member_id[:12], kind, amount, after, reference[:24])
        return entry

    def top_up(self, tx: Transaction, member_id: str, amount: Money, topup_id: str, tender: str, shift_id: str,
               staff_id: str | None, reference: str = "") -> BalanceEntry:
        """Inside the top-up's transaction: credit the balance (a cash top-up's drawer move is the caller's)."""
        if amount.currency != self.currency or amount.minor <= 0:
            raise BalanceError.text("a top-up must be a positive amount in {currency}", currency=self.currency)
        return self._add(tx, member_id, BalanceKind.TOPUP, amount, reference or topup_id, entry_id=topup_id,
                         tender=tender, shift_id=shift_id, staff_id=staff_id)

    def spend(self, tx: Transaction, member_id: str, sale_id: str, payment_id: str, amount: Money,
              shift_id: str | None, staff_id: str | None, offline: bool) -> BalanceEntry:
        """Inside the sale's transaction: take the payment from the balance, once per sale; never below zero."""
        done = self.store.find(BalanceKind.SPEND, sale_id, tx)
        if done is not None:
            return done
        return self._add(tx, member_id, BalanceKind.SPEND, -amount, sale_id, entry_id=payment_id,
                         shift_id=shift_id, staff_id=staff_id, offline=offline)

    def refund_back(self, tx: Transaction, member_id: str, refund_id: str, amount: Money, shift_id: str | None,
                    staff_id: str | None) -> BalanceEntry:
        """Inside the refund's transaction: the refunded amount goes back to the balance, once per refund."""
        done = self.store.find(BalanceKind.REFUND, refund_id, tx)
        if done is not None:
            return done
        return self._add(tx, member_id, BalanceKind.REFUND, amount, refund_id, shift_id=shift_id,
                         staff_id=staff_id)

    def spent_by(self, sale_id: str) -> BalanceEntry | None:
        """The spend of a stored sale (its receipt shows the balance left after it)."""
        return self.store.find(BalanceKind.SPEND, sale_id)
