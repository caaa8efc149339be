"""Charging a customer's wallet code: pay, then query every few seconds, then reverse; late successes refunded."""
from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace

from terminal.errors import EdgeposError, PaymentRefusal
from terminal.link.events import rfc3339
from terminal.payments.acquirer import (
    FINAL_NO,
    FINAL_OK,
    Acquirer,
    AcquirerMethod,
    AcquirerReply,
    AcquirerStatus,
    AcquirerUnreachable,
)
from terminal.payments.crash_points import CrashPoint, crash_at
from terminal.payments.outcome import CodeOutcome, OutcomeStatus, refusal_of
from terminal.payments.paycodes import classify
from terminal.ports import Clock
from terminal.sales.money import Money
from terminal.staff.model import StaffMember
from terminal.store.attempts import Attempt, AttemptStatus, AttemptStore
from terminal.store.tenders import TenderRecord

log = logging.getLogger(__name__)
UNSETTLED = frozenset({AttemptStatus.REVERSED, AttemptStatus.REVERSE_UNCONFIRMED})   # a late success is refunded
Progress = Callable[[str], None]
OVER_CAPS = frozenset({PaymentRefusal.OVER_PAYMENT_CAP, PaymentRefusal.OVER_TOTAL_CAP})   # a manager may accept


def nobody_listens(_text: str) -> None:
    """The default attention handler: nobody shows texts yet (the kiosk's sale screen replaces it)."""


@dataclass(frozen=True)
class PaymentTimings:
    """The wallets' published discipline: answer timeout, then query every 3 s for up to 45 s."""

    request_timeout_s: float = 10.0
    query_interval_s: float = 3.0
    query_window_s: float = 45.0


class CodeAuthorizer:
    """Runs one authorization at a time per call; every attempt gets a new out_trade_no, recorded first."""

    def __init__(self, acquirer: Acquirer, attempts: AttemptStore, clock: Clock, terminal_id: str,
                 timings: PaymentTimings = PaymentTimings(), *, offline_gate: Callable[[Money], None] | None = None,
                 check_code: Callable[[str], None] | None = None) -> None:
        self.acquirer, self.attempts, self.clock, self.terminal = acquirer, attempts, clock, terminal_id
        self.timings, self.offline_gate, self.check_code = timings, offline_gate, check_code
        self.waiters: dict[str, Future[AcquirerReply]] = {}   # trades whose result arrives by notification
        self.on_attention: Callable[[str], None] = nobody_listens   # the kiosk shows these to the cashier
        # the kiosk asks a manager (blocking this worker) to accept an offline payment over a cap
        self.approve_offline: Callable[[Money, EdgeposError], StaffMember | None] | None = None
        self.tender_of: Callable[[str], TenderRecord | None] = lambda _sale_id: None   # the sale to persist
        acquirer.on_notify(self.late_result)

    def _now(self) -> str:
        return rfc3339(self.clock.now())

    def authorize(self, code: str, amount: Money, sale_id: str, progress: Progress = lambda _m: None,
                  cancel: threading.Event | None = None, *, allow_offline: bool = True) -> CodeOutcome:
        """Charge `amount` to the code; never raises for a refusal, the outcome says why.

        Setting `cancel` stops the waiting: a trade without a final answer yet is reversed at once.
        `allow_offline` False refuses instead of accepting offline (a balance top-up must be charged now).
        """
        paycode = classify(code)
        if not paycode.valid or paycode.scheme is None:
            return CodeOutcome(OutcomeStatus.REFUSED, paycode.reason, masked=paycode.masked, reason=paycode.reason,
                               refusal=PaymentRefusal.NOT_A_CODE)
        try:
            if self.check_code is not None:
                self.check_code(code)
        except EdgeposError as err:
            return CodeOutcome(OutcomeStatus.REFUSED, str(err), scheme=paycode.scheme, masked=paycode.masked,
                               reason=str(err), refusal=refusal_of(err))
        return self._attempt(paycode.scheme, paycode.masked, {"auth_code": code}, amount, sale_id, progress, cancel,
                             allow_offline)

    def authorize_face(self, member_id: str, masked: str, amount: Money, sale_id: str,
                       progress: Progress = lambda _m: None, funding: str | None = None) -> CodeOutcome:
        """Charge a member identified by face-pay: the same pay/query/reverse discipline as a code.

        `funding` names what the gateway charges ("agreement": the member's wallet withholding agreement).
        """
        payer = {"member_id": member_id, **({"funding": funding} if funding else {})}
        return self._attempt("face", masked, payer, amount, sale_id, progress)

    def _attempt(self, scheme: str, masked: str, payer: dict[str, str], amount: Money, sale_id: str,
                 progress: Progress, cancel: threading.Event | None = None, allow_offline: bool = True
                 ) -> CodeOutcome:
        otn = self.record_attempt(sale_id, scheme, masked, amount)
        base = {"out_trade_no": otn, "amount": amount.amount_str(), "currency": amount.currency, "sale_id": sale_id}
        outcome = self._run(otn, {**base, "scheme": scheme, **payer}, amount, progress, cancel or threading.Event(),
                            allow_offline)
        log.info("%s payment %s (%s) for sale %s: %s %s", scheme, otn, masked, sale_id, outcome.status,
                 outcome.message)
        return replace(outcome, out_trade_no=otn, scheme=scheme, masked=masked)

    def record_attempt(self, sale_id: str, scheme: str, masked: str, amount: Money) -> str:
        """A new out_trade_no, stored with the sale in tender before any request leaves."""
        otn = f"{self.terminal}-{uuid.uuid4().hex[:20]}"
        self.attempts.begin(otn, sale_id, scheme, masked, amount, self._now(), self.tender_of(sale_id))
        crash_at(CrashPoint.ATTEMPT_WRITTEN)
        return otn

    def _run(self, otn: str, request: dict[str, str], amount: Money, progress: Progress,
             cancel: threading.Event, allow_offline: bool = True) -> CodeOutcome:
        progress("Sending the payment to the wallet…")
        try:
            reply = self.acquirer.call(AcquirerMethod.PAY, request, self.timings.request_timeout_s)
        except AcquirerUnreachable:
            return self._offline(otn, amount) if allow_offline else self._unreachable(otn)
        crash_at(CrashPoint.PAY_SENT)
        final = self.settle(otn, reply)
        if final is not None:
            return final
        deadline = time.monotonic() + self.timings.query_window_s
        while time.monotonic() < deadline and not cancel.is_set():
            progress("Waiting for the customer to confirm in the wallet app…")
            if cancel.wait(self.timings.query_interval_s):   # a cashier's cancel ends the wait at once
                break
            try:
                reply = self.acquirer.call(AcquirerMethod.QUERY, {"out_trade_no": otn}, self.timings.request_timeout_s)
            except AcquirerUnreachable:
                continue  # the link will be back; keep querying until the window closes
            final = self.settle(otn, reply)
            if final is not None:
                return final
        if cancel.is_set():
            progress("Cancelled by the cashier: cancelling the payment…")
            closed = self.reverse(otn, "cancelled by the cashier before a final answer")
            return CodeOutcome(closed.status, f"Cancelled by the cashier. {closed.message}", reason=closed.reason)
        progress("No answer from the wallet: cancelling the payment…")
        return self.reverse(otn)

    def settle(self, otn: str, reply: AcquirerReply | None) -> CodeOutcome | None:
        """The outcome a final answer gives (recorded), or None while it is not final."""
        if reply is None or reply.status not in (FINAL_OK, *FINAL_NO):
            return None
        if reply.status == FINAL_OK:
            self.attempts.update(otn, AttemptStatus.APPROVED, self._now(), trade_no=reply.trade_no)
            return CodeOutcome(OutcomeStatus.APPROVED, "Payment approved.", trade_no=reply.trade_no)
        reason = reply.reason or "declined by the wallet"
        self.attempts.update(otn, AttemptStatus.DECLINED, self._now(), reason)
        return CodeOutcome(OutcomeStatus.DECLINED, f"Declined: {reason}. Ask for another payment method.",
                           reason=reason)

    def reverse(self, otn: str, why: str = "no final answer within the query window") -> CodeOutcome:
        """Cancel a trade that got no final answer; says whether the acquirer confirmed it."""
        self.attempts.update(otn, AttemptStatus.REVERSING, self._now(), why)   # a crash now: recovery reverses
        try:
            reply = self.acquirer.call(AcquirerMethod.REVERSE, {"out_trade_no": otn}, self.timings.request_timeout_s)
        except AcquirerUnreachable:
            reply = None
        crash_at(CrashPoint.REVERSAL_SENT)
        if reply is not None and reply.status == AcquirerStatus.REVERSED:
            self.attempts.update(otn, AttemptStatus.REVERSED, self._now(), why)
            return CodeOutcome(OutcomeStatus.REVERSED, "No answer from the wallet in time: the payment was "
                                                       "cancelled. Nothing was charged; ask the customer to pay again.")
        reason = reply.reason if reply is not None else "no answer to the cancellation"
        self.attempts.update(otn, AttemptStatus.REVERSE_UNCONFIRMED, self._now(), reason, needs_attention=True)
        return CodeOutcome(OutcomeStatus.REVERSE_UNCONFIRMED,
                           f"The payment could not be confirmed or cancelled ({reason}). "
                           "Do not hand over the goods; a late payment will be refunded.", reason=reason)

    def _unreachable(self, otn: str) -> CodeOutcome:
        self.attempts.update(otn, AttemptStatus.REFUSED, self._now(), "acquirer unreachable")
        return CodeOutcome(OutcomeStatus.REFUSED, "The wallet service cannot be reached. Take another payment method.",
                           reason="acquirer unreachable", refusal=PaymentRefusal.UNREACHABLE)

    def _offline(self, otn: str, amount: Money) -> CodeOutcome:
        if self.offline_gate is None:
            return self._unreachable(otn)
        note = "accepted offline; forwarded when the link returns"
        try:
            self.offline_gate(amount)
        except EdgeposError as err:
            manager = self._manager_override(amount, err)
            if manager is None:
                self.attempts.update(otn, AttemptStatus.REFUSED, self._now(), str(err))
                return CodeOutcome(OutcomeStatus.REFUSED, f"Offline and {err}. Take another payment method.",
                                   reason=str(err), refusal=refusal_of(err))
            note = f"accepted offline over the limit ({err}), approved by manager {manager.name}"
            log.warning("offline payment %s of %s over the limit, approved by %s", otn, amount, manager.id[:8])
        self.attempts.update(otn, AttemptStatus.OFFLINE, self._now(), note)
        return CodeOutcome(OutcomeStatus.OFFLINE, "Accepted offline: it will be charged when the connection returns.")

    def _manager_override(self, amount: Money, err: EdgeposError) -> StaffMember | None:
        """A manager who accepts an offline payment over a cap (asked by the kiosk; None: refused as before)."""
        if self.approve_offline is None or refusal_of(err) not in OVER_CAPS:
            return None
        manager = self.approve_offline(amount, err)
        return manager if manager is not None and manager.is_manager else None

    def late_result(self, reply: AcquirerReply) -> None:
        """An unsolicited result; a success for a trade we cancelled is refunded at once and flagged."""
        waiter = self.waiters.pop(reply.out_trade_no, None)
        if waiter is not None:
            waiter.set_result(reply)
            return
        attempt = self.attempts.get(reply.out_trade_no)
        if attempt is not None and attempt.status is AttemptStatus.OFFLINE and reply.status in (FINAL_OK, *FINAL_NO):
            self._forwarded(attempt, reply)
            return
        if attempt is None or reply.status != FINAL_OK or attempt.status not in UNSETTLED:
            return
        body = {"out_trade_no": attempt.out_trade_no, "out_request_no": f"{attempt.out_trade_no}-late",
                "amount": attempt.amount.amount_str(), "currency": attempt.amount.currency}
        try:
            refund = self.acquirer.call(AcquirerMethod.REFUND, body, self.timings.request_timeout_s)
        except AcquirerUnreachable:
            refund = None
        if refund is not None and refund.status == AcquirerStatus.REFUNDED:
            self.attempts.update(attempt.out_trade_no, AttemptStatus.LATE_REFUNDED, self._now(),
                                 f"{attempt.amount.format()} arrived after the cancellation and was refunded "
                                 f"automatically ({attempt.masked_code})", reply.trade_no, needs_attention=True)
        else:
            self.attempts.update(attempt.out_trade_no, AttemptStatus.LATE_UNREFUNDED, self._now(),
                                 f"{attempt.amount.format()} arrived after the cancellation; the refund failed: "
                                 "call the acquirer", reply.trade_no, needs_attention=True)
        log.warning("late success for %s after its reversal: %s", attempt.out_trade_no, refund)
        flagged = self.attempts.get(attempt.out_trade_no)
        self.on_attention(flagged.reason if flagged is not None else "a late wallet payment needs attention")

    def _forwarded(self, attempt: Attempt, reply: AcquirerReply) -> None:
        """The backend charged an offline payment: record the outcome; a decline needs the cashier."""
        if reply.status == FINAL_OK:
            self.attempts.update(attempt.out_trade_no, AttemptStatus.OFFLINE_APPROVED, self._now(),
                                 "charged after forwarding", reply.trade_no)
            return
        self.attempts.update(attempt.out_trade_no, AttemptStatus.OFFLINE_DECLINED, self._now(),
                             f"{attempt.amount.format()} accepted offline for sale {attempt.sale_id[:12]} was declined "
                             f"when forwarded ({reply.reason or 'declined'}): follow up with the customer "
                             f"({attempt.masked_code})", needs_attention=True)
        log.warning("offline payment %s declined after forwarding: %s", attempt.out_trade_no, reply.reason)
        flagged = self.attempts.get(attempt.out_trade_no)
        self.on_attention(flagged.reason if flagged is not None else "an offline payment was declined")
