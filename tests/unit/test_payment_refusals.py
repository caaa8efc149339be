"""A refused wallet payment says which of our rules refused it as a code (PaymentRefusal), beside its English text."""
from __future__ import annotations

from typing import Any

from support.fakes import FakeAcquirer
from terminal.app.bootstrap import Terminal
from terminal.errors import PaymentRefusal
from terminal.payments.code_payment import CodeAuthorizer, PaymentTimings
from terminal.payments.offline import OfflineGate
from terminal.payments.outcome import OutcomeStatus
from terminal.payments.qr_payment import QrMerchant, QrPayments
from terminal.payments.risk import RiskGuard
from terminal.sales.money import Money
from terminal.store.attempts import AttemptStatus, AttemptStore
from terminal.store.risk import RiskStore

WECHAT = "134567890123456789"
FAST = PaymentTimings(request_timeout_s=0.1, query_interval_s=0.1, query_window_s=0.3)


def authorizer(term: Terminal, clock: Any, **kwargs: Any) -> CodeAuthorizer:
    return CodeAuthorizer(FakeAcquirer(online=False), AttemptStore(term.db), clock, "T-0001", FAST, **kwargs)


def test_a_scan_that_is_no_payment_code(open_term: Terminal, clock: Any) -> None:
    outcome = authorizer(open_term, clock).authorize("4006381333931", Money.parse("5", "CNY"), "s1")
    assert outcome.status is OutcomeStatus.REFUSED and outcome.refusal is PaymentRefusal.NOT_A_CODE
    assert "not a payment code" in outcome.reason


def test_a_reused_code(open_term: Terminal, clock: Any) -> None:
    risk = RiskGuard(RiskStore(open_term.db), clock, velocity_max=5, velocity_window_s=60)
    auth = authorizer(open_term, clock, check_code=risk.admit, offline_gate=lambda _amount: None)
    assert auth.authorize(WECHAT, Money.parse("5", "CNY"), "s1").status is OutcomeStatus.OFFLINE
    again = auth.authorize(WECHAT, Money.parse("5", "CNY"), "s2")
    assert again.status is OutcomeStatus.REFUSED and again.refusal is PaymentRefusal.CODE_REUSED


def test_unreachable_without_an_offline_policy(open_term: Terminal, clock: Any) -> None:
    auth = authorizer(open_term, clock)
    outcome = auth.authorize(WECHAT, Money.parse("5", "CNY"), "s1")
    assert outcome.status is OutcomeStatus.REFUSED and outcome.refusal is PaymentRefusal.UNREACHABLE
    attempt = auth.attempts.get(outcome.out_trade_no)
    assert attempt is not None and attempt.status is AttemptStatus.REFUSED and outcome.scheme == "wechat"


def test_offline_over_the_per_payment_cap(open_term: Terminal, clock: Any) -> None:
    gate = OfflineGate(open_term.db, open_term.offline_caps, clock)
    outcome = authorizer(open_term, clock, offline_gate=gate).authorize(WECHAT, Money.parse("500.01", "CNY"), "s1")
    assert outcome.status is OutcomeStatus.REFUSED and outcome.refusal is PaymentRefusal.OVER_PAYMENT_CAP
    assert "per payment" in outcome.message


def test_a_qr_order_the_wallet_service_did_not_create(open_term: Terminal, clock: Any) -> None:
    qr = QrPayments(authorizer(open_term, clock), QrMerchant("Hoa Sen", "Shanghai", "CN", "M-1"), window_s=0.3)
    outcome = qr.collect(Money.parse("5", "CNY"), "s1", lambda _payload: None)
    assert outcome.status is OutcomeStatus.REFUSED and outcome.refusal is PaymentRefusal.QR_UNAVAILABLE


def test_declines_and_acceptances_carry_no_refusal(open_term: Terminal, clock: Any) -> None:
    outcome = authorizer(open_term, clock, offline_gate=lambda _amount: None).authorize(
        WECHAT, Money.parse("5", "CNY"), "s1")
    assert outcome.status is OutcomeStatus.OFFLINE and outcome.refusal is None and outcome.paid
