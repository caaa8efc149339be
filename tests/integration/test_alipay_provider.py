"""AlipayProvider (the gateway's Alipay adapter) against `edgepos sim alipay`: every fault script mapped onto our
statuses, refunds idempotent, notifications verified (forged ones refused), agreements, the day's bill."""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest

from sync.gateway.alipay import AlipayProvider
from sync.gateway.alipay_bill import BILL_TZ
from sync.gateway.provider import BadNotification, BillKind, NotificationKind
from terminal.payments.acquirer import AcquirerStatus as S
from tests.support.alipay_sandbox import NotifyReceiver, SandboxProcess, TamperProxy, start_sandbox

pytestmark = pytest.mark.integration
CODE = "281234567890123456"
TIMEOUT_S = 0.8
SCRIPTS = {"13.00": "decline:ACQ.PAYMENT_AUTH_CODE_INVALID", "14.00": "decline", "2.00": "pending:1",
           "3.00": "silent", "4.00": "late-success:0.3", "5.00": "system-error", "6.00": "cancel-retry"}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SandboxProcess, NotifyReceiver, Path]]:
    out = tmp_path_factory.mktemp("alipay")
    receiver = NotifyReceiver(refuse_once=frozenset({"T-0001-q"}))
    args = [f"--by-amount={amount}={script}" for amount, script in SCRIPTS.items()]
    sandbox = start_sandbox(out / "merchant", *args, "--silent-hold", "3", "--ledger", str(out / "ledger.json"))
    yield sandbox, receiver, out / "ledger.json"
    sandbox.stop()
    receiver.close()


@pytest.fixture(scope="module")
def provider(env: tuple[SandboxProcess, NotifyReceiver, Path]) -> AlipayProvider:
    sandbox, receiver, _ = env
    return AlipayProvider.from_file(sandbox.credentials, receiver.url, TIMEOUT_S)


def notified(receiver: NotifyReceiver, key: str, value: str, count: int = 1, timeout: float = 5.0) -> list[bytes]:
    return receiver.wait_for(lambda body: dict(parse_qsl(body.decode())).get(key) == value, count, timeout)


def test_approve_decline_and_repeats(provider: AlipayProvider) -> None:
    assert provider.pay("T-0001-a", "1.00", "Cola", CODE).status == S.SUCCESS
    assert provider.query("T-0001-a").status == S.SUCCESS
    again = provider.pay("T-0001-a", "1.00", "Cola", CODE)
    assert again.status == S.UNKNOWN and "ACQ.TRADE_HAS_SUCCESS" in again.reason
    declined = provider.pay("T-0001-b", "13.00", "Cola", CODE)
    assert declined.status == S.DECLINED and declined.reason.startswith("40004 ACQ.PAYMENT_AUTH_CODE_INVALID")
    assert provider.pay("T-0001-c", "14.00", "Cola", CODE).reason.startswith("40004 ACQ.BUYER_BALANCE_NOT_ENOUGH")
    assert provider.pay("T-0001-d", "1.00", "Cola", "123").status == S.DECLINED   # not an Alipay code
    assert provider.query("T-0001-zz").status == S.UNKNOWN


def test_pending_then_paid(provider: AlipayProvider, env: Any) -> None:
    _, receiver, _ = env
    first = provider.pay("T-0001-p", "2.00", "Cola", CODE)
    assert first.status == S.PENDING and first.trade_no
    assert provider.query("T-0001-p").status == S.PENDING
    deadline = time.monotonic() + 4
    while provider.query("T-0001-p").status == S.PENDING and time.monotonic() < deadline:
        time.sleep(0.2)
    assert provider.query("T-0001-p").status == S.SUCCESS
    posts = notified(receiver, "out_trade_no", "T-0001-p")
    assert provider.parse_notify(posts[0], "application/x-www-form-urlencoded").status == S.SUCCESS


def test_silent_is_unknown_then_reversed(provider: AlipayProvider, env: Any) -> None:
    _, _, ledger = env
    started = time.monotonic()
    lost = provider.pay("T-0001-s", "3.00", "Cola", CODE)
    assert lost.status == S.UNKNOWN and "no answer" in lost.reason and time.monotonic() - started < 2.5
    assert provider.query("T-0001-s").status == S.UNKNOWN
    reversed_ = provider.reverse("T-0001-s")
    assert reversed_.status == S.REVERSED and not reversed_.retry and "close" in reversed_.reason
    assert provider.query("T-0001-s").status == S.CLOSED
    assert provider.pay("T-0001-s", "3.00", "Cola", CODE).status == S.CLOSED
    assert json.loads(ledger.read_text())["T-0001-s"]["status"] == "reversed"


def test_late_success_arrives_after_the_reversal(provider: AlipayProvider, env: Any) -> None:
    _, receiver, ledger = env
    assert provider.pay("T-0001-l", "4.00", "Cola", CODE).status == S.UNKNOWN
    assert provider.reverse("T-0001-l").status == S.REVERSED
    posts = notified(receiver, "out_trade_no", "T-0001-l")
    note = provider.parse_notify(posts[0], "application/x-www-form-urlencoded")
    assert (note.kind, note.status, note.out_trade_no, note.amount) == (NotificationKind.PAYMENT, S.SUCCESS,
                                                                         "T-0001-l", "4.00")
    assert provider.query("T-0001-l").status == S.SUCCESS
    assert provider.refund("T-0001-l", "4.00", "T-0001-l-late", "late success").status == S.REFUNDED
    assert json.loads(ledger.read_text())["T-0001-l"] == {"status": "success", "amount": "4.00", "refunded": "4.00",
                                                          "script": "late-success", "trade_status": "TRADE_CLOSED"}


def test_system_error_and_cancel_retry(provider: AlipayProvider) -> None:
    error = provider.pay("T-0001-e", "5.00", "Cola", CODE)
    assert error.status == S.UNKNOWN and error.reason.startswith("20000 ACQ.SYSTEM_ERROR")
    assert provider.query("T-0001-e").status == S.SUCCESS
    assert provider.pay("T-0001-r", "6.00", "Cola", CODE).status == S.UNKNOWN
    retry = provider.reverse("T-0001-r")
    assert retry.status == S.UNKNOWN and retry.retry
    done = provider.reverse("T-0001-r")
    assert done.status == S.REVERSED and not done.retry
    paid = provider.reverse("T-0001-e")   # cancel of a paid trade: Alipay refunds it
    assert paid.status == S.REVERSED and "refund" in paid.reason


def test_refunds_are_idempotent(provider: AlipayProvider, env: Any) -> None:
    _, _, ledger = env
    assert provider.pay("T-0001-f", "10.00", "Cola", CODE).status == S.SUCCESS
    assert provider.refund("T-0001-f", "3.00", "R-1", "").status == S.REFUNDED
    again = provider.refund("T-0001-f", "3.00", "R-1", "")
    assert again.status == S.REFUNDED and "already" in again.reason
    over = provider.refund("T-0001-f", "7.01", "R-2", "")
    assert over.status == S.FAILED and "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL" in over.reason
    assert provider.refund("T-0001-zz", "1.00", "R-3", "").status == S.FAILED
    assert json.loads(ledger.read_text())["T-0001-f"]["refunded"] == "3.00"


def test_qr_order_paid_by_notification_forged_refused(provider: AlipayProvider, env: Any) -> None:
    sandbox, receiver, _ = env
    created = provider.precreate("T-0001-q", "8.80", "扫码")
    assert created.status == S.CREATED and created.payload.startswith("https://qr.alipay.com/bax")
    assert provider.query("T-0001-q").status == S.UNKNOWN      # nobody scanned: the trade does not exist yet
    assert sandbox.post("/_sandbox/scan", {"qr_code": created.payload}) [1]["paid"] is True
    posts = notified(receiver, "out_trade_no", "T-0001-q", count=2)   # the first answer was `failure`: sent again
    assert len(posts) == 2 and posts[0] == posts[1]
    note = provider.parse_notify(posts[0], "application/x-www-form-urlencoded")
    assert (note.status, note.trade_no != "", note.amount) == (S.SUCCESS, True, "8.80")
    fields = dict(parse_qsl(posts[0].decode()))
    for forged in ({**fields, "total_amount": "0.01"}, {**fields, "sign": fields["sign"][::-1]},
                   {k: v for k, v in fields.items() if k != "sign"}):
        with pytest.raises(BadNotification):
            provider.parse_notify(urlencode(forged).encode(), "application/x-www-form-urlencoded")
    assert provider.notify_answer(True)[0] == b"success" and provider.notify_answer(False)[0] == b"failure"


def test_agreement_sign_then_withholding(provider: AlipayProvider, env: Any) -> None:
    sandbox, receiver, _ = env
    page = provider.agreement_sign("M-0042")
    assert page.status == S.CREATED and page.payload.startswith(sandbox.base_url + "/gateway.do?")
    status, signed = sandbox.post("/_sandbox/sign", {"url": page.payload})
    assert status == 200 and signed["status"] == "NORMAL"
    posts = notified(receiver, "external_agreement_no", "M-0042")
    note = provider.parse_notify(posts[0], "application/x-www-form-urlencoded")
    assert (note.kind, note.status, note.external_id) == (NotificationKind.AGREEMENT, S.SUCCESS, "M-0042")
    assert note.agreement_no == signed["agreement_no"]
    assert provider.pay_agreement("T-0001-w", "9.00", "Face pay", note.agreement_no).status == S.SUCCESS
    missing = provider.pay_agreement("T-0001-x", "9.00", "Face pay", "20269999999999999999")
    assert missing.status == S.DECLINED and "ACQ.AGREEMENT_NOT_EXIST" in missing.reason


def test_an_altered_answer_is_unknown_never_success(provider: AlipayProvider, env: Any) -> None:
    sandbox, receiver, _ = env
    proxy = TamperProxy(f"{sandbox.base_url}/gateway.do", b'"code":"40004"', b'"code":"10000"')
    try:
        tampered = AlipayProvider.from_file(sandbox.credentials, receiver.url, TIMEOUT_S)
        tampered.client._gateway = proxy.url
        answer = tampered.pay("T-0001-t", "14.00", "Cola", CODE)
        assert answer.status == S.UNKNOWN and "signature" in answer.reason and proxy.tampered == 1
    finally:
        proxy.close()


def test_bill_of_the_day(provider: AlipayProvider, env: Any) -> None:
    sandbox, _, _ = env
    assert provider.pay("T-0001-b1", "11.00", "Cola", CODE).status == S.SUCCESS
    assert provider.pay("T-0001-b2", "12.00", "Cola", CODE).status == S.SUCCESS
    assert provider.pay("T-0001-b3", "12.50", "Cola", CODE).status == S.SUCCESS
    assert provider.refund("T-0001-b3", "2.50", "T-0001-b3-r", "").status == S.REFUNDED
    assert sandbox.post("/_sandbox/bill", {"drop": "T-0001-b1", "amount": {"T-0001-b2": "12.20"}})[0] == 200
    rows = provider.bill(datetime.now(BILL_TZ).date())
    pays = {r.out_trade_no: r.amount for r in rows if r.kind == BillKind.PAYMENT}
    refunds = {r.refund_no: r.amount for r in rows if r.kind == BillKind.REFUND}
    assert "T-0001-b1" not in pays and pays["T-0001-b2"] == Decimal("12.20") and pays["T-0001-b3"] == Decimal("12.50")
    assert refunds["T-0001-b3-r"] == Decimal("2.50") and refunds["R-1"] == Decimal("3.00")
    assert all(r.trade_no and r.at for r in rows)
