"""WeChat Pay v2: wechatpy against the sandbox over real HTTPS, and WechatProvider through every fault script."""
from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from wechatpy.exceptions import WeChatPayException
from wechatpy.pay import WeChatPay
from wechatpy.pay.utils import calculate_signature, calculate_signature_hmac

from sync.certs import write_certificates
from sync.gateway.provider import BadNotification, BillKind, Notification, ProviderAnswer
from sync.gateway.wechat import WechatProvider
from terminal.payments.acquirer import AcquirerStatus

try:
    from tests.support.wechat_sandbox import NotifyReceiver, Sandbox, TamperingProxy, start_sandbox
except ModuleNotFoundError:  # `pytest` rather than `python -m pytest`: only tests/ itself is on sys.path
    from support.wechat_sandbox import (  # type: ignore[no-redef, import-not-found, unused-ignore]
        NotifyReceiver,
        Sandbox,
        TamperingProxy,
        start_sandbox,
    )

CODE = "134567890123456789"
SCRIPTS = ["13.00=decline:NOTENOUGH", "14.00=decline:AUTHCODEEXPIRE", "15.00=decline:SYSTEMERROR",
           "21.00=pending:1", "22.00=pending:30", "31.00=silent", "41.00=late-success:1", "42.00=late-success:0.3"]
BEIJING = timezone(timedelta(hours=8))


def otn() -> str:
    return f"T-0001-{uuid.uuid4().hex[:20]}"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    root = tmp_path_factory.mktemp("wechatpay")
    args = [a for s in SCRIPTS for a in ("--by-amount", s)]
    sb = start_sandbox(root / "merchant", *args, "--hold", "4", "--notify-backoff", "0.2",
                       "--ledger", str(root / "ledger.json"))
    yield sb
    sb.stop()


@pytest.fixture(scope="module")
def received() -> list[Notification]:
    return []


@pytest.fixture(scope="module")
def receiver(received: list[Notification]) -> Iterator[tuple[NotifyReceiver, dict[str, WechatProvider]]]:
    holder: dict[str, WechatProvider] = {}
    refused_once: set[str] = set()

    def answer(body: bytes) -> tuple[bytes, str]:
        provider = holder["provider"]
        try:
            note = provider.parse_notify(body, "text/xml")
        except BadNotification:
            return provider.notify_answer(False)
        if note.out_trade_no not in refused_once:     # the first delivery fails: WeChat must retry
            refused_once.add(note.out_trade_no)
            return provider.notify_answer(False)
        received.append(note)
        return provider.notify_answer(True)

    server = NotifyReceiver(answer)
    yield server, holder
    server.stop()


@pytest.fixture(scope="module")
def provider(sandbox: Sandbox, receiver: tuple[NotifyReceiver, dict[str, WechatProvider]]) -> WechatProvider:
    server, holder = receiver
    holder["provider"] = WechatProvider.from_file(sandbox.credentials, server.url, timeout_s=8.0)
    return holder["provider"]


@pytest.fixture(scope="module")
def impatient(sandbox: Sandbox, receiver: tuple[NotifyReceiver, dict[str, WechatProvider]]) -> WechatProvider:
    """The same merchant with a 1 s timeout, for the calls a silent script never answers."""
    return WechatProvider.from_file(sandbox.credentials, receiver[0].url, timeout_s=1.0)


@pytest.fixture
def merchant(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> WeChatPay:
    """wechatpy as a merchant's own code uses it: the base URL and the CA to trust are all that change."""
    cfg = sandbox.config()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", cfg["ca_file"])
    client = WeChatPay(cfg["appid"], cfg["api_key"], cfg["mch_id"], mch_cert=cfg["cert"], mch_key=cfg["key"],
                       timeout=5)
    client.API_BASE_URL = cfg["api_base_url"]
    return client


def wait_for(check: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(check) and check():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_credentials_written_private(sandbox: Sandbox) -> None:
    cfg = sandbox.config()
    assert cfg["api_base_url"] == f"https://127.0.0.1:{sandbox.port}/"
    for path in [sandbox.credentials, *(Path(cfg[k]) for k in ("cert", "key", "ca_file"))]:
        assert path.stat().st_mode & 0o777 == 0o600, path


def test_wechatpy_merchant_calls(merchant: WeChatPay, sandbox: Sandbox) -> None:
    paid, qr = otn(), otn()
    reply = merchant.micropay.create("coffee", 1200, CODE, client_ip="127.0.0.1", out_trade_no=paid)
    assert reply["result_code"] == "SUCCESS" and merchant.check_signature(reply)    # signed with the API key
    assert reply["total_fee"] == "1200" and reply["transaction_id"]
    query = merchant.order.query(out_trade_no=paid)
    assert query["trade_state"] == "SUCCESS" and merchant.check_signature(query)
    refund = merchant.refund.apply(1200, 200, f"{paid}-r1", out_trade_no=paid)
    assert refund["refund_fee"] == "200" and merchant.check_signature(refund)
    reversed_ = merchant.micropay.create("tea", 300, CODE, client_ip="127.0.0.1", out_trade_no=otn())
    assert merchant.order.reverse(out_trade_no=reversed_["out_trade_no"])["recall"] == "N"
    order = merchant.order.create("NATIVE", "qr", 800, "http://127.0.0.1:9/n", client_ip="127.0.0.1",
                                  out_trade_no=qr, product_id=qr, sign_type="HMAC-SHA256")
    assert order["code_url"].startswith("weixin://wxpay/bizpayurl?pr=")
    rest = {k: v for k, v in order.items() if k != "sign"}
    assert order["sign"] == calculate_signature_hmac(rest, merchant.api_key)    # answered in the request's sign_type
    assert merchant.order.close(qr)["result_code"] == "SUCCESS"
    bill = merchant.tools.download_bill(datetime.now(BEIJING).date())
    assert isinstance(bill, str) and bill.startswith("交易时间,") and f"`{paid}," in bill
    with pytest.raises(WeChatPayException) as err:
        merchant.micropay.create("x", 1300, CODE, client_ip="127.0.0.1", out_trade_no=otn())
    assert (err.value.errcode, err.value.errmsg) == ("NOTENOUGH", "余额不足")


def test_request_signed_with_another_key_refused(sandbox: Sandbox, merchant: WeChatPay) -> None:
    cfg = sandbox.config()
    stranger = WeChatPay(cfg["appid"], "0" * 32, cfg["mch_id"], timeout=5)
    stranger.API_BASE_URL = cfg["api_base_url"]
    with pytest.raises(WeChatPayException) as err:
        stranger.micropay.create("x", 100, CODE, client_ip="127.0.0.1", out_trade_no=otn())
    assert (err.value.return_code, err.value.return_msg) == ("FAIL", "签名错误")
    fields = {"appid": cfg["appid"], "mch_id": cfg["mch_id"], "out_trade_no": otn(), "nonce_str": "n1"}
    assert calculate_signature(fields, cfg["api_key"]) != calculate_signature(fields, "0" * 32)


def test_refund_without_client_certificate_refused(sandbox: Sandbox, merchant: WeChatPay, tmp_path: Path) -> None:
    cfg = sandbox.config()
    paid = merchant.micropay.create("x", 500, CODE, client_ip="127.0.0.1", out_trade_no=otn())
    bare = WeChatPay(cfg["appid"], cfg["api_key"], cfg["mch_id"], timeout=5)    # no apiclient_cert.pem
    bare.API_BASE_URL = cfg["api_base_url"]
    with pytest.raises(WeChatPayException) as err:
        bare.refund.apply(500, 500, "r-nocert", out_trade_no=paid["out_trade_no"])
    assert err.value.return_code == "FAIL" and "证书" in err.value.return_msg
    foreign = write_certificates(tmp_path, ["127.0.0.1"])    # a certificate the sandbox's CA never issued
    via = tmp_path / "foreign.json"
    via.write_text(json.dumps({**cfg, "cert": str(foreign.server_cert), "key": str(foreign.server_key)}))
    via.chmod(0o600)
    refused = WechatProvider.from_file(via, "http://127.0.0.1:9/", timeout_s=3.0).refund(
        paid["out_trade_no"], "5.00", "r-foreign", "")
    assert refused.status == AcquirerStatus.UNKNOWN and "SSLError" in refused.reason     # the handshake fails
    ledger = json.loads((sandbox.out.parent / "ledger.json").read_text())
    assert ledger[paid["out_trade_no"]]["refunded"] == "0.00"


def test_response_altered_in_transit_refused(sandbox: Sandbox, provider: WechatProvider, tmp_path: Path) -> None:
    def tamper(body: bytes) -> bytes:    # a refusal turned into a payment, the signature left as it was
        return body.replace(b"<result_code><![CDATA[FAIL]]>", b"<result_code><![CDATA[SUCCESS]]>")

    cfg = sandbox.config()
    proxy = TamperingProxy(tmp_path / "proxy", sandbox.port, cfg["ca_file"], tamper)
    try:
        via = tmp_path / "via_proxy.json"
        via.write_text(json.dumps({**cfg, "api_base_url": proxy.url, "ca_file": str(proxy.ca_file)}))
        via.chmod(0o600)
        proxied = WechatProvider.from_file(via, "http://127.0.0.1:9/", timeout_s=3.0)
        assert proxied.pay(otn(), "12.00", "intact", CODE).status == AcquirerStatus.SUCCESS    # untouched: fine
        answer = proxied.pay(otn(), "13.00", "altered", CODE)
        assert answer.status == AcquirerStatus.UNKNOWN and "signature" in answer.reason
    finally:
        proxy.stop()


def test_approve_decline_and_codes(provider: WechatProvider) -> None:
    trade = otn()
    paid = provider.pay(trade, "12.00", "coffee", CODE)
    assert paid.status == AcquirerStatus.SUCCESS and paid.trade_no
    assert provider.query(trade) == ProviderAnswer(AcquirerStatus.SUCCESS, "SUCCESS: 支付成功", paid.trade_no)
    assert provider.pay(trade, "12.00", "again", CODE).status == AcquirerStatus.SUCCESS    # ORDERPAID -> query
    declined = provider.pay(otn(), "13.00", "x", CODE)
    assert (declined.status, declined.reason) == (AcquirerStatus.DECLINED, "NOTENOUGH: 余额不足")
    assert provider.pay(otn(), "14.00", "x", CODE).status == AcquirerStatus.DECLINED
    assert provider.pay(otn(), "12.00", "x", "999").reason.startswith("AUTH_CODE_INVALID")
    shaky = otn()
    assert provider.pay(shaky, "15.00", "x", CODE).status == AcquirerStatus.UNKNOWN    # SYSTEMERROR: query
    assert provider.query(shaky).status == AcquirerStatus.DECLINED                     # PAYERROR
    missing = provider.query(otn())
    assert missing.status == AcquirerStatus.UNKNOWN and missing.reason.startswith("ORDERNOTEXIST")


def test_pending_then_success_and_recall(provider: WechatProvider) -> None:
    trade = otn()
    assert provider.pay(trade, "21.00", "x", CODE).status == AcquirerStatus.PENDING    # USERPAYING
    assert provider.query(trade).status == AcquirerStatus.PENDING
    wait_for(lambda: provider.query(trade).status == AcquirerStatus.SUCCESS, timeout=3)
    stuck = otn()
    assert provider.pay(stuck, "22.00", "x", CODE).status == AcquirerStatus.PENDING
    first = provider.reverse(stuck)
    assert first.retry and first.status == AcquirerStatus.UNKNOWN                      # recall=Y
    assert provider.reverse(stuck) == ProviderAnswer(AcquirerStatus.REVERSED)
    assert provider.query(stuck).status == AcquirerStatus.REVERSED                     # REVOKED


def test_silent_then_reversed(provider: WechatProvider, impatient: WechatProvider) -> None:
    trade = otn()
    started = time.monotonic()
    lost = impatient.pay(trade, "31.00", "x", CODE)
    assert lost.status == AcquirerStatus.UNKNOWN and "in time" in lost.reason
    assert time.monotonic() - started < 3
    assert impatient.query(trade).status == AcquirerStatus.UNKNOWN
    assert provider.reverse(trade).status == AcquirerStatus.REVERSED
    assert provider.query(trade).status == AcquirerStatus.REVERSED
    assert provider.pay(trade, "31.00", "x", CODE).status == AcquirerStatus.DECLINED  # ORDERREVERSED


def test_late_success_after_reverse_then_refunded(provider: WechatProvider, impatient: WechatProvider,
                                                    sandbox: Sandbox) -> None:
    trade = otn()
    assert impatient.pay(trade, "41.00", "x", CODE).status == AcquirerStatus.UNKNOWN
    assert provider.reverse(trade).status == AcquirerStatus.REVERSED
    assert provider.query(trade).status == AcquirerStatus.REVERSED
    ledger = sandbox.out.parent / "ledger.json"
    wait_for(lambda: json.loads(ledger.read_text())[trade]["status"] == "success", timeout=3)   # no request needed
    assert provider.query(trade).status == AcquirerStatus.SUCCESS
    assert provider.refund(trade, "41.00", f"{trade}-late", "late success").status == AcquirerStatus.REFUNDED
    assert provider.query(trade).status == AcquirerStatus.REFUNDED
    assert json.loads(ledger.read_text())[trade]["refunded"] == "41.00"


def test_refund_idempotent_by_refund_no(provider: WechatProvider, sandbox: Sandbox) -> None:
    trade = otn()
    provider.pay(trade, "12.00", "x", CODE)
    first = provider.refund(trade, "5.00", f"{trade}-r", "")
    again = provider.refund(trade, "5.00", f"{trade}-r", "")
    assert first.status == again.status == AcquirerStatus.REFUNDED and first.trade_no == again.trade_no
    assert provider.refund(trade, "6.00", f"{trade}-r", "").reason.startswith("REFUND_FEE_MISMATCH")
    assert provider.refund(trade, "7.01", f"{trade}-r2", "").status == AcquirerStatus.FAILED    # beyond the rest
    assert provider.refund(otn(), "1.00", "r-none", "").status == AcquirerStatus.FAILED
    ledger = json.loads((sandbox.out.parent / "ledger.json").read_text())
    assert ledger[trade]["refunded"] == "5.00"


def test_native_order_notified_with_retries(provider: WechatProvider, sandbox: Sandbox,
                                             received: list[Notification]) -> None:
    trade = otn()
    created = provider.precreate(trade, "8.00", "QR order")
    assert created.status == AcquirerStatus.CREATED and created.payload.startswith("weixin://wxpay/bizpayurl?pr=")
    assert provider.precreate(trade, "8.00", "QR order").payload == created.payload    # same order, same code
    assert provider.query(trade).status == AcquirerStatus.PENDING                      # NOTPAY
    assert sandbox.action("/_sandbox/scan", {"out_trade_no": trade})["trade_state"] == "SUCCESS"
    wait_for(lambda: any(n.out_trade_no == trade for n in received))
    note = next(n for n in received if n.out_trade_no == trade)
    assert (note.status, note.amount) == (AcquirerStatus.SUCCESS, "8.00") and note.trade_no

    def answers() -> list[str]:
        return [json.loads(line)["answer"] for line in list(sandbox.lines) if trade in line and '"notify"' in line]

    wait_for(lambda: len(answers()) >= 2)
    assert answers()[:2] == ["FAIL", "SUCCESS"]                                          # retried until SUCCESS
    closed = otn()
    provider.precreate(closed, "9.00", "QR order")
    assert provider.reverse(closed).status == AcquirerStatus.REVERSED                  # closeorder
    assert provider.query(closed).status == AcquirerStatus.CLOSED
    assert "refund it instead" in provider.reverse(trade).reason


def test_native_late_success_notifies(provider: WechatProvider, impatient: WechatProvider,
                                      received: list[Notification]) -> None:
    trade = otn()
    assert impatient.precreate(trade, "42.00", "QR").status == AcquirerStatus.UNKNOWN   # held: timeout
    assert provider.reverse(trade).status == AcquirerStatus.REVERSED
    wait_for(lambda: any(n.out_trade_no == trade for n in received))


def test_forged_notifications_refused(provider: WechatProvider, sandbox: Sandbox) -> None:
    cfg = sandbox.config()
    fields = {"return_code": "SUCCESS", "result_code": "SUCCESS", "appid": cfg["appid"], "mch_id": cfg["mch_id"],
              "out_trade_no": otn(), "transaction_id": "4200000001", "total_fee": "800", "nonce_str": "abc"}

    def xml(f: dict[str, str]) -> bytes:
        return ("<xml>" + "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in f.items()) + "</xml>").encode()

    good = {**fields, "sign": calculate_signature(fields, cfg["api_key"])}
    assert provider.parse_notify(xml(good), "text/xml").amount == "8.00"
    for forged in ({**fields, "sign": calculate_signature(fields, "f" * 32)},      # another key
                   {**good, "total_fee": "1"},                                       # altered after signing
                   {k: v for k, v in good.items() if k != "sign"}):                  # unsigned
        with pytest.raises(BadNotification):
            provider.parse_notify(xml(forged), "text/xml")
    with pytest.raises(BadNotification):
        provider.parse_notify(b"success", "text/plain")
    body, content_type = provider.notify_answer(True)
    assert b"<return_code><![CDATA[SUCCESS]]></return_code>" in body and content_type.startswith("text/xml")


def test_bill_parsed_and_manipulated(provider: WechatProvider, sandbox: Sandbox) -> None:
    kept, dropped, changed = otn(), otn(), otn()
    for trade in (kept, dropped, changed):
        provider.pay(trade, "12.00", "bill", CODE)
    provider.refund(kept, "2.00", f"{kept}-r", "")
    sandbox.action("/_sandbox/bill", {"drop": [dropped], "amount": {changed: "11.50"}})
    rows = provider.bill(datetime.now(BEIJING).date())
    mine = {(r.kind, r.out_trade_no): r for r in rows}
    assert mine[(BillKind.PAYMENT, kept)].amount == 12 and mine[(BillKind.REFUND, kept)].refund_no == f"{kept}-r"
    assert mine[(BillKind.REFUND, kept)].amount == 2 and mine[(BillKind.PAYMENT, changed)].amount == 11.5
    assert all(r.out_trade_no != dropped for r in rows)
    assert provider.bill(datetime(2020, 1, 1, tzinfo=UTC).date()) == []                  # No Bill Exist


def test_logs_hold_no_secret(sandbox: Sandbox, provider: WechatProvider) -> None:
    trade = otn()
    provider.pay(trade, "12.00", "log", CODE)
    wait_for(lambda: any(trade in line for line in list(sandbox.lines)))
    text = "".join(sandbox.lines)
    assert '"auth_code": "1345**********6789"' in text
    assert CODE not in text and sandbox.config()["api_key"] not in text

