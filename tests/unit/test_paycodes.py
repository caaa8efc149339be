"""Customer payment codes: the prefix rules of DESIGN.md, refusals a cashier understands, masks."""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from terminal.payments.paycodes import classify, mask

ALIPAY = re.compile(r"(2[5-9]|30)[0-9]{14,22}")
WECHAT = re.compile(r"1[0-5][0-9]{16}")
UNIONPAY = re.compile(r"62[0-9]{17}")


@pytest.mark.parametrize("code, scheme", [
    ("2812345678901234", "alipay"),            # 16 digits, shortest Alipay
    ("301234567890123456789012", "alipay"),    # 24 digits, longest Alipay
    ("251234567890123456", "alipay"),          # 18 digits starting 25
    ("134567890123456789", "wechat"),
    ("101234567890123456", "wechat"),
    ("151234567890123456", "wechat"),
    ("6212345678901234567", "unionpay"),
])
def test_valid_codes_are_classified(code: str, scheme: str) -> None:
    result = classify(code)
    assert (result.scheme, result.valid, result.reason) == (scheme, True, "")
    assert result.masked == code[:4] + "*" * (len(code) - 8) + code[-4:]


@pytest.mark.parametrize("noise", ["\r\n", "\n", "\r", "  ", "\t"])
def test_scanner_line_endings_and_spaces_are_stripped(noise: str) -> None:
    result = classify(noise + "134567890123456789" + noise)
    assert result.valid and result.scheme == "wechat"
    assert result.masked == "1345**********6789"


@pytest.mark.parametrize("code, words", [
    ("281234567890123", "Alipay codes are 16-24 digits starting 25-30"),        # 15 digits
    ("3012345678901234567890123", "Alipay codes are 16-24 digits starting 25-30"),  # 25 digits
    ("13456789012345678", "WeChat Pay codes are 18 digits starting 10-15"),    # 17 digits
    ("1345678901234567890", "WeChat Pay codes are 18 digits starting 10-15"),  # 19 digits
    ("621234567890123456", "UnionPay codes are 19 digits starting 62"),        # 18 digits
    ("163456789012345678", "starts 16"),                                       # WeChat length, wrong prefix
    ("6901234567892", "not a payment code"),                                   # an EAN-13 item
    ("31234567890123456", "starts 31"),
])
def test_wrong_prefix_or_length_is_refused_with_the_rule(code: str, words: str) -> None:
    result = classify(code)
    assert result.scheme is None and not result.valid
    assert result.reason.startswith("not a payment code")
    assert words in result.reason
    assert code not in result.reason


@pytest.mark.parametrize("code", [
    "1345678901234A6789", "1345 6789 0123 4567", "https://qr.alipay.com/abc", "13456789012345678\x00",
    "١٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩",  # Arabic-Indic digits: \d would match them, the rules do not
    "１３４５６７８９０１２３４５６７８９",  # full-width digits
    "13456789012345678\n9",
])
def test_other_characters_are_refused(code: str) -> None:
    result = classify(code)
    assert not result.valid and result.scheme is None
    assert "not a payment code" in result.reason


def test_empty_scan_is_refused() -> None:
    result = classify(" \r\n")
    assert not result.valid and "nothing was scanned" in result.reason and result.masked == ""


@pytest.mark.parametrize("text, masked", [
    ("", ""), ("1234", "****"), ("12345678", "********"), ("12345678901", "***********"),
    ("123456789012", "1234****9012"), ("6212345678901234567", "6212***********4567"),
])
def test_mask(text: str, masked: str) -> None:
    assert mask(text) == masked


@given(st.text(alphabet="0123456789", min_size=0, max_size=30))
def test_any_digit_string_is_classified_exactly_by_the_rules(code: str) -> None:
    expected = ("alipay" if ALIPAY.fullmatch(code) else "wechat" if WECHAT.fullmatch(code)
                else "unionpay" if UNIONPAY.fullmatch(code) else None)
    result = classify(code)
    assert result.scheme == expected
    assert result.valid == (expected is not None)
    assert bool(result.reason) == (expected is None)
    assert len(result.masked) == len(code)
    if len(code) >= 12:
        assert result.masked[4:-4] == "*" * (len(code) - 8)


def test_the_rules_do_not_overlap() -> None:
    for first_two in (f"{n:02d}" for n in range(100)):
        for length in range(16, 25):
            code = first_two + "0" * (length - 2)
            matches = [p for p in (ALIPAY, WECHAT, UNIONPAY) if p.fullmatch(code)]
            assert len(matches) <= 1, code
