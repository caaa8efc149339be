"""The unmodified python-alipay-sdk, as a merchant's own code uses it, against `edgepos sim alipay`:
signatures checked both ways, Alipay's documented codes, an answer altered in transit refused by the SDK."""
from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from alipay import AliPay
from alipay.exceptions import AliPayException, AliPayValidationError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from simulators.alipay_sandbox.signing import load_private, load_public, sign, signing_string, verify
from sync.gateway.alipay import AlipayProvider
from sync.gateway.alipay_bill import BILL_TZ
from terminal.payments.acquirer import AcquirerStatus as S
from tests.support.alipay_sandbox import SandboxProcess, TamperProxy, start_sandbox

pytestmark = pytest.mark.integration
CODE = "283456789012345678"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    out = tmp_path_factory.mktemp("alipay")
    running = start_sandbox(out / "merchant", "--by-amount", "13.00=decline:ACQ.PAYMENT_AUTH_CODE_INVALID")
    yield running
    running.stop()


def merchant(sandbox: SandboxProcess, gateway: str | None = None, private_pem: str | None = None) -> Any:
    """AliPay as a merchant builds it from the files Alipay gave: only _gateway points at the sandbox."""
    creds = json.loads(sandbox.credentials.read_text())
    client = AliPay(appid=creds["app_id"], app_notify_url=None,
                    app_private_key_string=private_pem or Path(creds["app_private_key"]).read_text(),
                    alipay_public_key_string=Path(creds["alipay_public_key"]).read_text(), sign_type="RSA2")
    client._gateway = gateway or creds["gateway"]
    return client


def test_credentials_written_for_the_merchant(sandbox: SandboxProcess) -> None:
    creds = json.loads(sandbox.credentials.read_text())
    assert set(creds) >= {"app_id", "app_private_key", "alipay_public_key", "gateway"}
    assert creds["gateway"] == f"{sandbox.base_url}/gateway.do" and sandbox.lines[0]["port"] == sandbox.port
    for path in [sandbox.credentials, *sandbox.out.iterdir()]:
        assert path.stat().st_mode & 0o777 == 0o600, path
    assert "PRIVATE KEY" not in "".join(sandbox.raw)


def test_pay_query_refund_cancel_precreate(sandbox: SandboxProcess) -> None:
    sdk = merchant(sandbox)
    paid = sdk.api_alipay_trade_pay("S-1", "bar_code", CODE, "可乐 Cola", total_amount="10.00")
    assert paid["code"] == "10000" and paid["out_trade_no"] == "S-1" and paid["trade_no"]
    query = sdk.api_alipay_trade_query(out_trade_no="S-1")
    assert query["trade_status"] == "TRADE_SUCCESS" and query["total_amount"] == "10.00"
    refund = sdk.api_alipay_trade_refund("4.00", out_trade_no="S-1", out_request_no="S-1-r1")
    assert refund["code"] == "10000" and refund["fund_change"] == "Y" and refund["refund_fee"] == "4.00"
    again = sdk.api_alipay_trade_refund("4.00", out_trade_no="S-1", out_request_no="S-1-r1")
    assert again["code"] == "10000" and again["fund_change"] == "N" and again["refund_fee"] == "4.00"
    over = sdk.api_alipay_trade_refund("6.01", out_trade_no="S-1", out_request_no="S-1-r2")
    assert (over["code"], over["sub_code"]) == ("40004", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL")
    cancel = sdk.api_alipay_trade_cancel(out_trade_no="S-1")
    assert (cancel["code"], cancel["action"], cancel["retry_flag"]) == ("10000", "refund", "N")
    assert sdk.api_alipay_trade_query(out_trade_no="S-1")["trade_status"] == "TRADE_CLOSED"
    unknown = sdk.api_alipay_trade_cancel(out_trade_no="S-never-seen")
    assert (unknown["code"], unknown["action"]) == ("10000", "close")
    late = sdk.api_alipay_trade_pay("S-never-seen", "bar_code", CODE, "late", total_amount="1.00")
    assert late["sub_code"] == "ACQ.TRADE_HAS_CLOSE"
    declined = sdk.api_alipay_trade_pay("S-2", "bar_code", CODE, "x", total_amount="13.00")
    assert (declined["code"], declined["sub_code"]) == ("40004", "ACQ.PAYMENT_AUTH_CODE_INVALID")
    missing = sdk.api_alipay_trade_query(out_trade_no="S-nope")
    assert (missing["code"], missing["sub_code"]) == ("40004", "ACQ.TRADE_NOT_EXIST")
    qr = sdk.api_alipay_trade_precreate("扫码 QR", "S-3", "2.50")
    assert qr["code"] == "10000" and qr["qr_code"].startswith("https://qr.alipay.com/")
    logged = "".join(sandbox.raw)
    assert CODE not in logged and CODE[-4:] in logged   # the payment code is masked in the sandbox's lines


def test_form_post_as_alipay_documents(sandbox: SandboxProcess) -> None:
    """POST application/x-www-form-urlencoded (what other SDKs send) is checked the same way as GET."""
    sdk = merchant(sandbox)
    body = sdk.sign_data(sdk.build_body("alipay.trade.query", {"out_trade_no": "S-3"}))
    request = urllib.request.Request(f"{sandbox.base_url}/gateway.do", data=body.encode(), method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded;charset=utf-8"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        raw = answer.read().decode()
    verified = sdk._verify_and_return_sync_response(raw, "alipay_trade_query_response")
    assert verified["sub_code"] == "ACQ.TRADE_NOT_EXIST"   # a QR order exists at Alipay once scanned


def test_request_signed_with_another_key_is_refused(sandbox: SandboxProcess) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption())
    answer = merchant(sandbox, private_pem=other.decode()).api_alipay_trade_pay(
        "S-4", "bar_code", CODE, "x", total_amount="1.00")
    assert (answer["code"], answer["sub_code"]) == ("40002", "isv.invalid-signature")
    assert CODE not in answer["sub_msg"] and "app_id=" in answer["sub_msg"]
    assert merchant(sandbox).api_alipay_trade_query(out_trade_no="S-4")["sub_code"] == "ACQ.TRADE_NOT_EXIST"


def test_an_answer_altered_in_transit_is_refused_by_the_sdk(sandbox: SandboxProcess) -> None:
    proxy = TamperProxy(f"{sandbox.base_url}/gateway.do", b'"total_amount":"7.00"', b'"total_amount":"0.07"')
    try:
        sdk = merchant(sandbox, gateway=proxy.url)
        with pytest.raises(AliPayValidationError):
            sdk.api_alipay_trade_pay("S-5", "bar_code", CODE, "x", total_amount="7.00")
        assert proxy.tampered == 1
        assert merchant(sandbox).api_alipay_trade_query(out_trade_no="S-5")["total_amount"] == "7.00"
    finally:
        proxy.close()


def test_agreement_sign_page_is_served(sandbox: SandboxProcess) -> None:
    sdk = merchant(sandbox)
    query = sdk.client_api("alipay.user.agreement.page.sign", {
        "personal_product_code": "GENERAL_WITHHOLDING_P", "external_agreement_no": "M-9",
        "sign_scene": "DEFAULT|DEFAULT", "access_params": {"channel": "ALIPAYAPP"}})
    with urllib.request.urlopen(f"{sandbox.base_url}/gateway.do?{query}", timeout=5) as page:
        assert "M-9" in page.read().decode("utf-8")
    forged = dict(parse_qsl(urlsplit("?" + query).query))
    forged["biz_content"] = forged["biz_content"].replace("M-9", "M-10")
    status, answer = sandbox.post("/_sandbox/sign", {"url": "/gateway.do?" + urllib.parse.urlencode(forged)})
    assert status == 409 and "invalid-signature" in answer["error"]


def test_bill_flags_and_a_restart_keeps_the_merchant(tmp_path: Path) -> None:
    first = start_sandbox(tmp_path / "m", "--bill-drop", "B-1", "--bill-amount", "B-2=1.11")
    try:
        app_id = json.loads(first.credentials.read_text())["app_id"]
        provider = AlipayProvider.from_file(first.credentials, "", 2.0)
        for otn in ("B-1", "B-2"):
            assert provider.pay(otn, "2.00", "x", CODE).status == S.SUCCESS
        rows = {r.out_trade_no: r.amount for r in provider.bill(datetime.now(BILL_TZ).date())}
        assert rows == {"B-2": Decimal("1.11")}
    finally:
        first.stop()
    again = start_sandbox(tmp_path / "m")
    try:
        creds = json.loads(again.credentials.read_text())
        assert creds["app_id"] == app_id and creds["gateway"].endswith(f":{again.port}/gateway.do")
        assert AlipayProvider.from_file(again.credentials, "", 2.0).query("B-1").status == S.UNKNOWN
    finally:
        again.stop()


def test_gateway_level_refusals_and_a_gbk_request(sandbox: SandboxProcess) -> None:
    sdk = merchant(sandbox)
    sdk._appid = "9021999999999999"
    with pytest.raises(AliPayException):   # isv.invalid-app-id comes unsigned: the SDK refuses to trust it
        sdk.api_alipay_trade_query(out_trade_no="S-1")
    creds = json.loads(sandbox.credentials.read_text())
    params = {"app_id": creds["app_id"], "method": "alipay.trade.precreate", "charset": "gbk", "sign_type": "RSA2",
              "timestamp": "2026-12-02 12:00:00", "version": "1.0",
              "biz_content": json.dumps({"out_trade_no": "S-gbk", "total_amount": "1.00", "subject": "矿泉水"},
                                        ensure_ascii=False)}
    key = load_private(Path(creds["app_private_key"]))
    params["sign"] = sign(key, signing_string(params), "gbk")
    request = urllib.request.Request(f"{sandbox.base_url}/gateway.do", method="POST",
                                     data=urllib.parse.urlencode(params, encoding="gbk").encode("ascii"),
                                     headers={"Content-Type": "application/x-www-form-urlencoded;charset=gbk"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        raw = answer.read().decode("gbk")
    assert '"code":"10000"' in raw and '"qr_code":"https://qr.alipay.com/' in raw
    signed, signature = merchant(sandbox)._get_string_to_be_signed(raw, "alipay_trade_precreate_response"), \
        json.loads(raw)["sign"]
    assert verify(load_public(Path(creds["alipay_public_key"])), signed, signature, "gbk")
