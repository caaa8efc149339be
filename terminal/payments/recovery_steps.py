"""Resolving one claimed attempt with the wallet discipline: query, complete or refund, reverse, retry with backoff."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from terminal.errors import EdgeposError
from terminal.link.events import rfc3339
from terminal.payments.acquirer import (
    FINAL_NO,
    FINAL_OK,
    AcquirerMethod,
    AcquirerReply,
    AcquirerStatus,
    AcquirerUnreachable,
)
from terminal.payments.code_payment import CodeAuthorizer
from terminal.payments.qr_payment import QR_SCHEME
from terminal.payments.recovery_sale import SaleCompleter
from terminal.payments.recovery_texts import reason_text
from terminal.store.attempt_claims import AttentionStatus, ClaimStore
from terminal.store.attempts import Attempt, AttemptStatus
from terminal.store.tenders import TenderStore

log = logging.getLogger(__name__)
MAX_BACKOFF_S = 300.0


def refund_request_no(out_trade_no: str) -> str:
    """The one refund id of a trade refunded for want of a sale: the same on every retry, by any process."""
    return f"{out_trade_no}-late"


class AttemptResolver:
    """Takes one attempt one step toward final; every step is recorded before its request leaves."""

    def __init__(self, authorizer: CodeAuthorizer, claims: ClaimStore, tenders: TenderStore,
                 completer: SaleCompleter, qr_window_s: float) -> None:
        self.auth, self.claims, self.tenders, self.completer = authorizer, claims, tenders, completer
        self.qr_window_s = qr_window_s

    def _now(self) -> datetime:
        return self.auth.clock.now()

    def _call(self, method: AcquirerMethod, body: dict[str, str]) -> AcquirerReply | None:
        try:
            return self.auth.acquirer.call(method, body, self.auth.timings.request_timeout_s)
        except AcquirerUnreachable:
            return None

    def due(self, attempt: Attempt) -> bool:
        """False while a retry's backoff has not run out."""
        return attempt.next_try_at is None or datetime.fromisoformat(attempt.next_try_at) <= self._now()

    def step(self, attempt: Attempt) -> None:
        """One step for a claimed attempt (the caller skips it while its backoff runs)."""
        if attempt.status in (AttemptStatus.REVERSING, AttemptStatus.REVERSE_UNCONFIRMED):
            self.reverse(attempt)
        elif attempt.status is AttemptStatus.LATE_UNREFUNDED:
            self.refund(attempt, "it was charged after its cancellation", attempt.trade_no, late=True)
        elif attempt.status is AttemptStatus.APPROVED:
            self.charged(attempt, attempt.trade_no)
        else:
            self._query(attempt)

    def _query(self, attempt: Attempt) -> None:
        reply = self._call(AcquirerMethod.QUERY, {"out_trade_no": attempt.out_trade_no})
        if reply is not None and reply.status == FINAL_OK:
            self.charged(attempt, reply.trade_no)
        elif reply is not None and reply.status in FINAL_NO:
            self._declined(attempt, reply.reason or "declined by the wallet")
        elif self._now() >= self._window_end(attempt):
            self.reverse(attempt)

    def _window_end(self, attempt: Attempt) -> datetime:
        window = self.qr_window_s if attempt.scheme == QR_SCHEME else self.auth.timings.query_window_s
        return datetime.fromisoformat(attempt.created_at) + timedelta(seconds=window)

    def _declined(self, attempt: Attempt, reason: str) -> None:
        now = rfc3339(self._now())
        self.claims.resolve(attempt.out_trade_no, AttemptStatus.DECLINED, AttentionStatus.DECLINED, now,
                            reason_text(AttentionStatus.DECLINED, attempt, reason))
        self.tenders.abandon(attempt.sale_id, now)

    def reverse(self, attempt: Attempt) -> None:
        """Reverse a trade without a final answer; a success found meanwhile is refunded (the sale moved on)."""
        otn = attempt.out_trade_no
        self.claims.set_status(otn, AttemptStatus.REVERSING, rfc3339(self._now()), attempt.reason)
        reply = self._call(AcquirerMethod.REVERSE, {"out_trade_no": otn})
        if reply is not None and reply.status == AcquirerStatus.REVERSED:
            now = rfc3339(self._now())
            self.claims.resolve(otn, AttemptStatus.REVERSED, AttentionStatus.REVERSED, now,
                                reason_text(AttentionStatus.REVERSED, attempt))
            self.tenders.abandon(attempt.sale_id, now)
            return
        found = self._call(AcquirerMethod.QUERY, {"out_trade_no": otn})
        if found is not None and found.status == FINAL_OK:
            self.refund(attempt, "it was charged after its cancellation", found.trade_no, late=True)
        elif found is not None and found.status in FINAL_NO:
            self._declined(attempt, found.reason or "closed by the wallet")
        else:
            why = reply.reason if reply is not None and reply.reason else "no answer to the cancellation"
            self._later(attempt, AttemptStatus.REVERSE_UNCONFIRMED, AttentionStatus.REVERSE_UNCONFIRMED,
                        reason_text(AttentionStatus.REVERSE_UNCONFIRMED, attempt, why))

    def charged(self, attempt: Attempt, trade_no: str) -> None:
        """The customer was charged: complete the sale from its tender, or refund when it cannot be completed."""
        why = self.completer.cannot_complete(attempt)
        if why is None:
            try:
                self.completer.complete(attempt, trade_no)
                return
            except EdgeposError as err:
                log.warning("recovered sale %s could not be stored: %s", attempt.sale_id, err)
                why = f"its sale could not be stored ({err})"
        self.refund(attempt, why, trade_no, late=False)

    def refund(self, attempt: Attempt, why: str, trade_no: str, *, late: bool) -> None:
        """Refund the whole charge with the trade's one refund id; retried with backoff until it is confirmed."""
        body = {"out_trade_no": attempt.out_trade_no, "out_request_no": refund_request_no(attempt.out_trade_no),
                "amount": attempt.amount.amount_str(), "currency": attempt.amount.currency}
        reply = self._call(AcquirerMethod.REFUND, body)
        if reply is not None and reply.status == AcquirerStatus.REFUNDED:
            now = rfc3339(self._now())
            status, word = ((AttemptStatus.LATE_REFUNDED, AttentionStatus.LATE_REFUNDED) if late
                            else (AttemptStatus.REFUNDED, AttentionStatus.REFUNDED))
            self.claims.resolve(attempt.out_trade_no, status, word, now, reason_text(word, attempt, why), trade_no)
            self.tenders.abandon(attempt.sale_id, now)
            return
        keep = AttemptStatus.LATE_UNREFUNDED if late else AttemptStatus.APPROVED   # both retried by refund
        self._later(attempt, keep, AttentionStatus.LATE_UNREFUNDED,
                    reason_text(AttentionStatus.LATE_UNREFUNDED, attempt, why))

    def _later(self, attempt: Attempt, status: AttemptStatus, word: AttentionStatus, reason: str) -> None:
        delay = min(self.auth.timings.query_interval_s * 2 ** attempt.tries, MAX_BACKOFF_S)
        now = self._now()
        self.claims.retry_later(attempt.out_trade_no, status, word, rfc3339(now), reason,
                                (now + timedelta(seconds=delay)).isoformat())
