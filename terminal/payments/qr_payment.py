"""Merchant-presented QR: create the order, show its QR, complete only on the acquirer's notification."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from terminal.errors import PaymentRefusal
from terminal.link.events import rfc3339
from terminal.payments.acquirer import AcquirerMethod, AcquirerReply, AcquirerStatus, AcquirerUnreachable
from terminal.payments.code_payment import CodeAuthorizer, Progress
from terminal.payments.crash_points import CrashPoint, crash_at
from terminal.payments.emv import MerchantQR, edgepos_account, encode, to_amount_str
from terminal.payments.outcome import CodeOutcome, OutcomeStatus
from terminal.sales.money import Money
from terminal.store.attempts import AttemptStatus

QR_SCHEME = "emvqr"   # the scheme of a QR payment in its attempt and its payment reference
MAX_BILL = 25   # EMVCo's limit for tag 62-01; our sale ids are longer, their first 25 hex digits are as unique


@dataclass(frozen=True)
class QrMerchant:
    """What the QR says about the shop (name <= 25, city <= 15 characters, as EMVCo allows)."""

    name: str
    city: str
    country: str
    merchant_id: str


def qr_payload(merchant: QrMerchant, amount: Money, sale_id: str) -> str:
    """The dynamic EMVCo payload for this sale: amount, currency and bill number = sale id."""
    return encode(MerchantQR(merchant.name[:25], merchant.city[:15], merchant.country, amount.currency,
                             to_amount_str(amount), sale_id[:MAX_BILL],
                             merchant_account=(edgepos_account(merchant.merchant_id),)))


class QrPayments:
    """Shows the QR and waits for the customer's wallet to pay it; the cashier can only cancel."""

    def __init__(self, authorizer: CodeAuthorizer, merchant: QrMerchant, window_s: float = 120.0) -> None:
        self.authorizer, self.merchant, self.window_s = authorizer, merchant, window_s

    def collect(self, amount: Money, sale_id: str, show: Callable[[str], None], progress: Progress = lambda _m: None,
                cancel: threading.Event | None = None) -> CodeOutcome:
        """Create the order, show its QR, and return when paid, declined, expired or cancelled."""
        auth, timings = self.authorizer, self.authorizer.timings
        otn = auth.record_attempt(sale_id, QR_SCHEME, "-", amount)
        waiter: Future[AcquirerReply] = Future()
        auth.waiters[otn] = waiter
        try:
            body = {"out_trade_no": otn, "amount": amount.amount_str(), "currency": amount.currency,
                    "sale_id": sale_id}
            try:
                created = auth.acquirer.call(AcquirerMethod.PRECREATE, body, timings.request_timeout_s)
            except AcquirerUnreachable:
                created = None
            if created is None or created.status != AcquirerStatus.CREATED:
                auth.attempts.update(otn, AttemptStatus.REFUSED, rfc3339(auth.clock.now()),
                                     "the order could not be created")
                return CodeOutcome(OutcomeStatus.REFUSED, "The wallet service cannot take QR payments right now. "
                                                          "Scan the customer's code or take cash.", otn, QR_SCHEME,
                                   refusal=PaymentRefusal.QR_UNAVAILABLE)
            # The gateway's answer carries the provider's QR (Alipay qr_code, WeChat code_url); the acquirer
            # simulator's does not, and the kiosk then shows our own EMVCo payload.
            show(created.payload or qr_payload(self.merchant, amount, sale_id))
            crash_at(CrashPoint.QR_WAITING)
            progress("Ask the customer to scan the QR with their wallet app.")
            return self._wait(otn, waiter, cancel or threading.Event())
        finally:
            auth.waiters.pop(otn, None)

    def _wait(self, otn: str, waiter: Future[AcquirerReply], cancel: threading.Event) -> CodeOutcome:
        auth, timings = self.authorizer, self.authorizer.timings
        deadline = time.monotonic() + self.window_s
        while time.monotonic() < deadline and not cancel.is_set():
            try:
                outcome = auth.settle(otn, waiter.result(timeout=timings.query_interval_s))
                if outcome is None:  # a notification that is not final: wait for the next one
                    waiter = auth.waiters[otn] = Future()
            except FutureTimeout:   # no notification yet: ask, in case it was lost
                try:
                    outcome = auth.settle(otn, auth.acquirer.call(AcquirerMethod.QUERY, {"out_trade_no": otn},
                                                                  timings.request_timeout_s))
                except AcquirerUnreachable:
                    outcome = None
            if outcome is not None:
                return CodeOutcome(outcome.status, outcome.message, otn, QR_SCHEME, "", outcome.trade_no)
        closed = auth.reverse(otn)
        why = "cancelled by the cashier" if cancel.is_set() else "the QR expired"
        return CodeOutcome(closed.status, f"{why.capitalize()}. {closed.message}", otn, QR_SCHEME)
