"""`edgepos emv` and `edgepos paycode`: through the functions, and as a real subprocess."""
from __future__ import annotations

import binascii
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from terminal.app.tools_cli import main
from terminal.payments.emv_decode import decode

VECTOR = ("00020101021252044131153137210116372101160123456789ABCDE6016Banteay Meanchey5913Kuntheas Shop"
          "5802KH540510.005303840621201081234567863041FF2")
ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """python -m terminal.app.tools_cli in a fresh process, the way the console script will run it."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "terminal.app.tools_cli", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=60, env=env)


def test_decode_the_vector(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emv", "decode", VECTOR]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["valid"] is True and out["crc"] == "1FF2"
    assert out["fields"]["00"] == "01" and out["fields"]["59"] == "Kuntheas Shop"
    assert list(out["fields"])[-1] == "63"


def test_decode_a_bad_crc_exits_1_with_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emv", "decode", VECTOR[:-1] + "0"]) == 1
    assert json.loads(capsys.readouterr().out) == {
        "valid": False, "error": "CRC 1FF0 does not match computed 1FF2: the code is damaged or altered"}


def test_encode_prints_a_payload_that_decodes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emv", "encode", "--name", "Corner Shop", "--city", "Shanghai", "--amount", "12.34",
                 "--currency", "CNY", "--country", "CN", "--bill", "S-0001", "--merchant-id", "M42"]) == 0
    payload = capsys.readouterr().out.strip()
    fields = decode(payload)
    assert fields["54"] == "12.34" and fields["53"] == "156" and fields["01"] == "12"
    assert fields["26"] == "0011com.edgepos0103M42" and fields["62"] == "0106S-0001"


def test_encode_with_an_invalid_field_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emv", "encode", "--name", "N", "--city", "C", "--amount", "12,34", "--currency", "CNY",
                 "--country", "CN"]) == 1
    assert "amount must be a positive decimal" in capsys.readouterr().err


@pytest.mark.parametrize("amount, currency, words", [
    ("12.345", "CNY", "12.345 has 3 decimals, CNY has 2"), ("1500.5", "JPY", "JPY has no decimals"),
    ("45000.00", "VND", "VND has no decimals")])
def test_encode_refuses_more_decimals_than_the_currency_has(amount: str, currency: str, words: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emv", "encode", "--name", "N", "--city", "C", "--amount", amount, "--currency", currency,
                 "--country", "CN"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and words in captured.err


@pytest.mark.parametrize("code, scheme", [
    ("2812345678901234", "alipay"), ("134567890123456789", "wechat"), ("6212345678901234567", "unionpay")])
def test_classify_valid(code: str, scheme: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["paycode", "classify", code]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"scheme": scheme, "valid": True, "masked": code[:4] + "*" * (len(code) - 8) + code[-4:]}


def test_classify_invalid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["paycode", "classify", "6901234567892"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["scheme"] is None and out["valid"] is False and out["masked"] == "6901*****7892"
    assert out["reason"].startswith("not a payment code")


# The same, as a real process.

def test_subprocess_decode_valid_and_invalid() -> None:
    good = run("emv", "decode", VECTOR)
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout.strip().splitlines()[-1])["crc"] == "1FF2"
    bad = run("emv", "decode", VECTOR[:40])
    assert bad.returncode == 1
    out = json.loads(bad.stdout)
    assert out["valid"] is False and "remain" in out["error"]


def test_subprocess_encode_chinese_name_round_trips() -> None:
    made = run("emv", "encode", "--name", "上海小笼包店", "--city", "上海", "--amount", "8.80", "--currency", "cny",
               "--country", "cn", "--bill", "S-7")
    assert made.returncode == 0, made.stderr
    payload = made.stdout.strip()
    assert "5906上海小笼包店" in payload
    checked = run("emv", "decode", payload)
    assert checked.returncode == 0, checked.stdout
    assert json.loads(checked.stdout)["fields"]["59"] == "上海小笼包店"


def test_subprocess_paycode_classify() -> None:
    good = run("paycode", "classify", "134567890123456789")
    assert good.returncode == 0
    assert json.loads(good.stdout) == {"scheme": "wechat", "valid": True, "masked": "1345**********6789"}
    bad = run("paycode", "classify", "hello")
    assert bad.returncode == 1
    assert json.loads(bad.stdout)["reason"].startswith("not a payment code")
    assert "hello" not in bad.stdout + bad.stderr


def test_subprocess_usage_errors_exit_2() -> None:
    result = run("emv")
    assert result.returncode == 2 and "usage" in result.stderr


def test_decode_reports_crc_and_structure_apart_from_missing_tags(capsys: pytest.CaptureFixture[str]) -> None:
    body = "00020101021129370016A000000677010111011300668123456785802TH5303764" + "6304"
    payload = body + f"{binascii.crc_hqx(body.encode(), 0xFFFF):04X}"
    assert main(["emv", "decode", payload]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["valid"] is True and out["crc_ok"] is True and out["structure_ok"] is True
    assert out["warnings"] == ["missing mandatory tag 52 (merchant category code)",
                               "missing mandatory tag 59 (merchant name)", "missing mandatory tag 60 (merchant city)"]
