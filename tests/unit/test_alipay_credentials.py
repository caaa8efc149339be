"""The gateway's Alipay credentials: each file 0600 or stricter, readable and parseable, else one ConfigError
naming that file; and Alipay's answers mapped onto our statuses."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulators.alipay_sandbox.signing import new_key, private_pem, public_pem
from sync.deployment import write_private
from sync.gateway.alipay import AlipayProvider
from sync.gateway.alipay_answers import cancel_answer, pay_answer, query_answer, reason_of, refund_answer
from terminal.errors import ConfigError
from terminal.payments.acquirer import AcquirerStatus as S


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("keys")
    app, alipay = new_key(), new_key()
    write_private(root / "app.pem", private_pem(app))
    write_private(root / "alipay_pub.pem", public_pem(alipay.public_key()))
    return root


def creds(tmp_path: Path, keys: Path, **extra: str) -> Path:
    path = tmp_path / "alipay.json"
    data = {"app_id": "9021000000000001", "app_private_key": str(keys / "app.pem"),
            "alipay_public_key": str(keys / "alipay_pub.pem"), "gateway": "http://127.0.0.1:9/gateway.do", **extra}
    write_private(path, json.dumps(data).encode())
    return path


def test_good_files_build_the_provider(tmp_path: Path, keys: Path) -> None:
    provider = AlipayProvider.from_file(creds(tmp_path, keys), "http://gw/notify", 1.0)
    assert provider.client._gateway == "http://127.0.0.1:9/gateway.do" and provider.app_id == "9021000000000001"
    assert "PRIVATE" not in repr(provider.__dict__.get("client")) and "BEGIN" not in repr(provider.gateway)


def test_a_wide_mode_names_the_file(tmp_path: Path, keys: Path) -> None:
    path = creds(tmp_path, keys)
    path.chmod(0o644)
    with pytest.raises(ConfigError, match=str(path)):
        AlipayProvider.from_file(path, "", 1.0)


def test_a_key_file_open_to_others_names_the_key(tmp_path: Path, keys: Path) -> None:
    key = tmp_path / "app.pem"
    key.write_bytes((keys / "app.pem").read_bytes())
    key.chmod(0o640)
    with pytest.raises(ConfigError, match=str(key)) as err:
        AlipayProvider.from_file(creds(tmp_path, keys, app_private_key=str(key)), "", 1.0)
    assert "0640" in str(err.value) and "BEGIN" not in str(err.value)


def test_missing_or_broken_files_name_the_file(tmp_path: Path, keys: Path) -> None:
    with pytest.raises(ConfigError, match=str(tmp_path / "nope.json")):
        AlipayProvider.from_file(tmp_path / "nope.json", "", 1.0)
    with pytest.raises(ConfigError, match=str(tmp_path / "gone.pem")):
        AlipayProvider.from_file(creds(tmp_path, keys, alipay_public_key=str(tmp_path / "gone.pem")), "", 1.0)
    junk = tmp_path / "junk.pem"
    write_private(junk, b"-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n")
    with pytest.raises(ConfigError, match=str(junk)):
        AlipayProvider.from_file(creds(tmp_path, keys, alipay_public_key=str(junk)), "", 1.0)
    relative = creds(tmp_path, keys, app_private_key="app.pem")   # relative to alipay.json's folder
    with pytest.raises(ConfigError, match=str(tmp_path / "app.pem")):
        AlipayProvider.from_file(relative, "", 1.0)


@pytest.mark.parametrize("resp, status", [
    ({"code": "10000", "trade_no": "1"}, S.SUCCESS),
    ({"code": "10003"}, S.PENDING),
    ({"code": "20000", "sub_code": "ACQ.SYSTEM_ERROR"}, S.UNKNOWN),
    ({"code": "40004", "sub_code": "ACQ.BUYER_BALANCE_NOT_ENOUGH"}, S.DECLINED),
    ({"code": "40004", "sub_code": "ACQ.TRADE_HAS_CLOSE"}, S.CLOSED),
    ({"code": "40004", "sub_code": "ACQ.SOMETHING_NEW", "sub_msg": "新"}, S.UNKNOWN),
    ({"code": "40002", "sub_code": "isv.invalid-signature", "sub_msg": "auth_code=28123"}, S.DECLINED),
])
def test_pay_answers(resp: dict[str, str], status: S) -> None:
    answer = pay_answer(resp)
    assert answer.status == status and "28123" not in answer.reason


def test_query_cancel_refund_answers() -> None:
    assert query_answer({"code": "10000", "trade_status": "WAIT_BUYER_PAY"}).status == S.PENDING
    assert query_answer({"code": "10000", "trade_status": "TRADE_FINISHED"}).status == S.SUCCESS
    assert query_answer({"code": "40004", "sub_code": "ACQ.TRADE_NOT_EXIST"}).status == S.UNKNOWN
    assert cancel_answer({"code": "10000", "action": "refund", "retry_flag": "N"}).status == S.REVERSED
    retry = cancel_answer({"code": "40004", "sub_code": "ACQ.SYSTEM_ERROR", "retry_flag": "Y"})
    assert retry.status == S.UNKNOWN and retry.retry
    assert cancel_answer({"code": "40004", "sub_code": "ACQ.TRADE_CANCEL_TIME_OUT"}).status == S.FAILED
    assert refund_answer({"code": "20000", "sub_code": "ACQ.SYSTEM_ERROR"}).status == S.UNKNOWN
    assert refund_answer({"code": "10000", "fund_change": "N"}).reason.startswith("already")
    assert reason_of({"code": "40004", "sub_code": "ACQ.X", "sub_msg": "文本"}) == "40004 ACQ.X: 文本"


def test_an_unknown_code_is_logged_with_alipays_text(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="sync.gateway.alipay_answers"):
        answer = query_answer({"code": "40004", "sub_code": "ACQ.BRAND_NEW", "sub_msg": "新的错误"})
    assert answer.status == S.UNKNOWN and "ACQ.BRAND_NEW: 新的错误" in caplog.text
