"""WechatProvider's own parts without a network: credential files, amounts, answer mapping, the bill, signatures."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from wechatpy.pay.utils import calculate_signature, calculate_signature_hmac

from simulators.wechatpay_sandbox import wire
from sync.gateway.provider import BillKind, ProviderAnswer, ProviderUnsupported
from sync.gateway.wechat import WechatProvider
from sync.gateway.wechat_answers import pay_answer, query_answer, refund_answer, reverse_answer, to_fen, to_yuan
from sync.gateway.wechat_bill import BillError, parse_bill
from sync.gateway.wechat_client import response_signature_ok
from sync.gateway.wechat_config import PRODUCTION_URL, load_credentials
from terminal.errors import ConfigError
from terminal.payments.acquirer import AcquirerStatus

KEY = "k" * 32
OK = {"return_code": "SUCCESS", "result_code": "SUCCESS"}


def _files(tmp: Path, **extra: str) -> Path:
    for name in ("apiclient_cert.pem", "apiclient_key.pem"):
        (tmp / name).write_text("PEM")
        (tmp / name).chmod(0o600)
    path = tmp / "wechatpay.json"
    path.write_text(json.dumps({"appid": "wx1", "mch_id": "1900000109", "api_key": KEY,
                                "cert": "apiclient_cert.pem", "key": "apiclient_key.pem", **extra}))
    path.chmod(0o600)
    return path


def test_credentials_load_with_production_default(tmp_path: Path) -> None:
    creds = load_credentials(_files(tmp_path))
    assert creds.api_base_url == PRODUCTION_URL and creds.key == tmp_path / "apiclient_key.pem"
    assert KEY not in repr(creds)


@pytest.mark.parametrize("name", ["wechatpay.json", "apiclient_key.pem"])
def test_secret_file_readable_by_others_names_it(tmp_path: Path, name: str) -> None:
    path = _files(tmp_path)
    (tmp_path / name).chmod(0o644)
    with pytest.raises(ConfigError) as err:
        WechatProvider.from_file(path, "http://127.0.0.1/n", 1.0)
    assert str(tmp_path / name) in str(err.value) and "0644" in str(err.value)


def test_missing_key_file_names_it(tmp_path: Path) -> None:
    path = _files(tmp_path)
    (tmp_path / "apiclient_key.pem").unlink()
    with pytest.raises(ConfigError, match=r"apiclient_key\.pem"):
        load_credentials(path)
    with pytest.raises(ConfigError, match="missing api_key"):
        load_credentials(_files(tmp_path, api_key=""))
    with pytest.raises(ConfigError, match="https"):
        load_credentials(_files(tmp_path, api_base_url="http://api.mch.weixin.qq.com/"))


def test_amounts_in_fen() -> None:
    assert [to_fen("12.34"), to_fen("0.01"), to_fen("13")] == [1234, 1, 1300]
    assert to_yuan(1300) == "13.00"
    for bad in ("12.345", "-1", "0", "abc", "NaN"):
        with pytest.raises(ValueError):
            to_fen(bad)


def test_answers_mapped() -> None:
    assert pay_answer({**OK, "transaction_id": "42"}) == ProviderAnswer(AcquirerStatus.SUCCESS, trade_no="42")
    fail = {"return_code": "SUCCESS", "result_code": "FAIL"}
    assert pay_answer({**fail, "err_code": "USERPAYING"}).status == AcquirerStatus.PENDING
    assert pay_answer({**fail, "err_code": "BANKERROR"}).status == AcquirerStatus.UNKNOWN
    assert pay_answer({**fail, "err_code": "AUTHCODEEXPIRE"}).status == AcquirerStatus.DECLINED
    odd = pay_answer({**fail, "err_code": "SOMETHING_NEW", "err_code_des": "新的错误"})
    assert (odd.status, odd.reason) == (AcquirerStatus.UNKNOWN, "SOMETHING_NEW: 新的错误")
    assert pay_answer({"return_code": "FAIL", "return_msg": "签名错误"}).status == AcquirerStatus.UNKNOWN
    assert query_answer({**OK, "trade_state": "CLOSED"}).status == AcquirerStatus.CLOSED
    assert query_answer({**OK, "trade_state": "PAYERROR"}).status == AcquirerStatus.DECLINED
    assert query_answer({**fail, "err_code": "ORDERNOTEXIST"}).status == AcquirerStatus.UNKNOWN
    assert reverse_answer({**fail, "err_code": "USERPAYING", "recall": "Y"}).retry
    assert reverse_answer({**OK, "recall": "N"}) == ProviderAnswer(AcquirerStatus.REVERSED)
    assert refund_answer({**fail, "err_code": "SYSTEMERROR"}).status == AcquirerStatus.UNKNOWN
    assert refund_answer({"return_code": "FAIL", "return_msg": "invalid refund_fee"}).status == AcquirerStatus.FAILED


def test_withholding_unsupported(tmp_path: Path) -> None:
    provider = WechatProvider.from_file(_files(tmp_path), "http://127.0.0.1/n", 1.0)
    with pytest.raises(ProviderUnsupported):
        provider.agreement_sign("member-1")
    with pytest.raises(ProviderUnsupported):
        provider.pay_agreement("T-1", "1.00", "x", "agr")


def test_sandbox_and_wechatpy_sign_alike() -> None:
    fields = {"appid": "wx1", "mch_id": "19", "nonce_str": "abc", "body": "咖啡", "total_fee": "100", "empty": ""}
    assert wire.sign(fields, KEY) == calculate_signature(fields, KEY)
    assert wire.sign(fields, KEY, wire.SignType.HMAC_SHA256) == calculate_signature_hmac(fields, KEY)
    signed = wire.signed(fields, KEY)
    assert wire.signature_ok(signed, KEY) and response_signature_ok(signed, KEY)
    assert not response_signature_ok({**signed, "total_fee": "1"}, KEY)
    assert not wire.signature_ok({**signed, "sign_type": "RSA"}, KEY)
    assert wire.parse_xml(wire.to_xml({"a": "x]]>y"})) == {"a": "x]]>y"}


BILL = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,"
        "付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
        "手续费,费率,订单金额,申请退款金额,费率备注\r\n"
        "`2026-12-02 10:00:00,`wx1,`19,`0,`,`4201,`T-1-a,`o1,`MICROPAY,`SUCCESS,`OTHERS,`CNY,`12.00,`0.00,`0,`0,"
        "`0.00,`0.00,`,`,`咖啡,`,`0.07200,`0.60%,`12.00,`0.00,`\r\n"
        "`2026-12-02 10:05:00,`wx1,`19,`0,`,`4201,`T-1-a,`o1,`MICROPAY,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`5001,"
        "`T-1-a-r,`2.00,`0.00,`ORIGINAL,`SUCCESS,`咖啡,`,`-0.01200,`0.60%,`0.00,`2.00,`\r\n"
        "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n"
        "`2,`12.00,`2.00,`0.00,`0.06000,`12.00,`2.00\r\n")


def test_bill_parsed() -> None:
    pay, refund = parse_bill(BILL)
    assert (pay.kind, pay.out_trade_no, pay.trade_no, pay.amount) == (BillKind.PAYMENT, "T-1-a", "4201",
                                                                       Decimal("12.00"))
    assert (refund.kind, refund.refund_no, refund.amount) == (BillKind.REFUND, "T-1-a-r", Decimal("2.00"))
    assert parse_bill("") == []
    with pytest.raises(BillError):
        parse_bill("a,b\r\n`1,`2\r\n")
