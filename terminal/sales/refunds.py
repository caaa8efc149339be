"""Refunds against a paid sale, whole or by line and quantity, to the original method; never more than was paid.

Cash (and member balance) is given back at once. A wallet payment is refunded through the acquirer: the request is
written as pending first and its id is the out_request_no, so a retry of the same refund (same sale, same lines)
asks again with the same id; the refund is recorded only once the acquirer says refunded. Every refund needs a
manager's approval and takes back its share of the points the sale earned.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from typing import TYPE_CHECKING

from terminal.errors import RefundError, StoreError
from terminal.link.events import MAX_TEXT, rfc3339
from terminal.members.points_back import take_back_points
from terminal.payments.acquirer import Acquirer
from terminal.payments.code_refund import REQUEST_TIMEOUT_S, WALLET_METHODS, ask_refund, unreachable, wallet_trade
from terminal.ports import Clock
from terminal.sales.money import Money
from terminal.sales.refund_plan import LineState, Taken, asked_lines, completes, line_states, plan
from terminal.sales.sale import SETTLING, PaymentMethod, Sale, SaleState
from terminal.shift.service import ShiftService
from terminal.staff.model import Approval, StaffMember
from terminal.staff.service import need_approval
from terminal.store.attempts import AttemptStore
from terminal.store.db import Database, Transaction
from terminal.store.outbox import OutboxStore
from terminal.store.refunds import Refund, RefundLine, RefundRequestRow, RefundRequestStatus, RefundStore
from terminal.store.sales import SaleStore

if TYPE_CHECKING:
    from terminal.members.service import MemberService

log = logging.getLogger(__name__)

MAX_REASON = MAX_TEXT      # the backend refuses a refund/1 event with a longer reason
DEFAULT_REASON = "customer refund"


def _waiting(pending: list[RefundRequestRow]) -> Taken:
    out: Taken = {}
    for req in pending:
        for ln in req.lines:
            q, a = out.get(ln.line_no, (0, 0))
            out[ln.line_no] = (q + ln.quantity, a + ln.amount.minor)
    return out


class RefundService:
    """Plans, approves and records refunds; `acquirer` (None when offline) refunds wallet payments."""

    def __init__(self, db: Database, sales: SaleStore, refunds: RefundStore, outbox: OutboxStore,
                 shifts: ShiftService, clock: Clock, members: MemberService | None = None) -> None:
        self._db, self.sales, self.store, self._outbox = db, sales, refunds, outbox
        self._shifts, self._clock, self._members = shifts, clock, members
        self.acquirer: Acquirer | None = None
        self.timeout = REQUEST_TIMEOUT_S    # seconds to wait for the acquirer's answer to a refund

    def load(self, sale_id: str) -> Sale:
        """The stored sale; RefundError when there is none."""
        try:
            return self.sales.load(sale_id)
        except StoreError as err:
            raise RefundError.text("no sale {sale_id} on this terminal: check the receipt number",
                                   sale_id=sale_id[:12]) from err

    def lines(self, sale: Sale) -> list[LineState]:
        """The sale's lines with what was refunded so far and what waits for the wallet's answer."""
        return line_states(sale, self.store.line_totals(sale.id), _waiting(self.store.pending(sale.id)))

    def refund(self, sale_id: str, lines: dict[int, int] | None, reason: str, approver: StaffMember | None,
               refund_id: str | None = None, staff: StaffMember | None = None,
               acquirer: Acquirer | None = None) -> Refund:
        """Refund the whole sale (lines None) or {line number: quantity}; a retry returns or finishes the first."""
        need_approval(Approval.REFUND, approver)    # ApprovalNeeded: the kiosk asks for a manager's PIN
        assert approver is not None
        if refund_id is not None:
            done = self.store.find(refund_id)
            if done is not None:
                if done.sale_id != sale_id:
                    raise RefundError.text("refund {refund_id} belongs to another sale", refund_id=refund_id[:12])
                return done
        sale = self.load(sale_id)
        if sale.state is not SaleState.PAID:
            raise RefundError.text("sale {sale_id} is {state}: only a paid sale can be refunded",
                                   sale_id=sale_id[:12], state=sale.state.value)
        reason = reason.strip() or DEFAULT_REASON
        if len(reason) > MAX_REASON:
            raise RefundError.text("the refund reason is {length} characters, at most {limit}",
                                   length=len(reason), limit=MAX_REASON)
        self._shifts.require_open()
        settling = [p for p in sale.payments if p.status in SETTLING]
        method = settling[0].method if settling else PaymentMethod.CASH
        request, chosen = self._choose(sale, lines, refund_id)
        amount = sum((ln.amount for ln in chosen), start=Money.zero(sale.currency))
        if amount.minor <= 0:
            raise RefundError.text("the chosen lines cost the customer nothing: there is no money to give back")
        refund = Refund(request.id if request else (refund_id or uuid.uuid4().hex), sale.id, method, amount,
                        request.reason if request else reason, "", chosen,
                        staff.id if staff else None, approver.id)
        if method in WALLET_METHODS:
            return self._wallet(sale, refund, request, acquirer or self.acquirer)
        return self._commit(sale, refund, None)

    def _choose(self, sale: Sale, lines: dict[int, int] | None, refund_id: str | None
                ) -> tuple[RefundRequestRow | None, tuple[RefundLine, ...]]:
        """The lines to refund: those of the pending request this retries, or newly planned ones."""
        if refund_id is not None:
            request = self.store.request(refund_id)
            if request is not None:
                if request.sale_id != sale.id:
                    raise RefundError.text("refund {refund_id} belongs to another sale", refund_id=refund_id[:12])
                if request.status == RefundRequestStatus.FAILED:
                    raise RefundError.text("the wallet refused refund {refund_id} ({detail}): start a new refund",
                                           refund_id=refund_id[:12], detail=request.detail)
                return request, request.lines
        pending = self.store.pending(sale.id)
        done_only = line_states(sale, self.store.line_totals(sale.id))
        if pending and refund_id is None:   # the same refund asked again: reuse its id and amounts
            try:
                wanted = asked_lines(done_only, lines)
            except RefundError:
                wanted = {}
            for req in pending:
                if {ln.line_no: ln.quantity for ln in req.lines} == wanted:
                    return req, req.lines
        states = line_states(sale, self.store.line_totals(sale.id), _waiting(pending))
        return None, plan(states, asked_lines(states, lines))

    def _wallet(self, sale: Sale, refund: Refund, request: RefundRequestRow | None,
                acquirer: Acquirer | None) -> Refund:
        out_trade_no = wallet_trade(sale, AttemptStore(self._db))
        if acquirer is None or not acquirer.reachable():
            raise unreachable(request.id if request else None)
        if request is None:
            request = RefundRequestRow(refund.id, sale.id, refund.amount, refund.lines, refund.reason,
                                       refund.staff_id, refund.approved_by, RefundRequestStatus.PENDING, "")
            self.store.add_request(request, rfc3339(self._clock.now()))
        refused = ask_refund(acquirer, out_trade_no, request.id, request.amount, self.timeout)
        if refused:
            with self._db.transaction() as tx:
                self.store.set_request(tx, request.id, RefundRequestStatus.FAILED, refused,
                                       rfc3339(self._clock.now()))
            raise RefundError.text("the wallet refused the refund: {reason}; nothing was refunded", reason=refused)
        return self._commit(sale, replace(refund, staff_id=request.staff_id, approved_by=request.approved_by),
                            request)

    def _commit(self, sale: Sale, refund: Refund, request: RefundRequestRow | None) -> Refund:
        """Refund row, lines, points taken back and events in one transaction."""
        now = self._clock.now()
        shift = self._shifts.require_open()
        refund = replace(refund, created_at=rfc3339(now), shift_id=shift.id)
        with self._db.transaction() as tx:   # checked again under the write lock: another process may refund too
            states = line_states(sale, self.store.line_totals(sale.id))
            asked_lines(states, {ln.line_no: ln.quantity for ln in refund.lines})
            whole = completes(states, refund.lines)
            self.store.insert(tx, refund, shift.id)
            if request is not None:
                self.store.set_request(tx, request.id, RefundRequestStatus.DONE, "", refund.created_at)
            if refund.method == PaymentMethod.MEMBER_BALANCE:
                self._to_balance(tx, sale, refund, shift.id)
            back = None
            if self._members is not None:
                back = take_back_points(self._members.store, self._outbox, tx, sale.member_id, sale.id, refund.id,
                                        refund.amount, sale.paid, whole, now)
            self._outbox.enqueue(tx, "refund/1", self._event(sale, refund), now)
        if back is not None:
            refund = replace(refund, points_taken=back.taken, points_short=back.short)
        log.info("refund %s of %s against sale %s (%s)", refund.id, refund.amount, sale.id, refund.method)
        return refund

    def _to_balance(self, tx: Transaction, sale: Sale, refund: Refund, shift_id: str) -> None:
        """A sale paid from the prepaid balance is refunded back to it (to the member whose balance paid)."""
        spent = self._members.balance.spent_by(sale.id) if self._members is not None else None
        if spent is None or self._members is None:
            raise RefundError.text("the balance payment of sale {sale_id} is not on this terminal's ledger:"
                                   " it cannot be refunded to the balance", sale_id=sale.id[:12])
        self._members.balance.refund_back(tx, spent.member_id, refund.id, refund.amount, shift_id, refund.staff_id)

    @staticmethod
    def _event(sale: Sale, refund: Refund) -> dict[str, object]:
        skus = {n: p.line.item.sku for n, p in enumerate(sale.totals.lines, start=1)}
        return {"refund_id": refund.id, "sale_id": sale.id, "amount": refund.amount.minor,
                "currency": refund.amount.currency, "method": refund.method, "reason": refund.reason,
                "lines": [{"line_no": ln.line_no, "sku": skus[ln.line_no], "quantity": ln.quantity,
                           "amount": ln.amount.minor} for ln in refund.lines]}
