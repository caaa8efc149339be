"""Customer-presented payment codes: which wallet a scanned code belongs to, and its mask.

The full code is never logged or stored: callers keep `PayCode.masked` (first 4 and last 4 digits).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Scheme = Literal["alipay", "wechat", "unionpay"]

# The prefix and length rules of DESIGN.md ("Payments"); [0-9], not \d, so that no other script's digits pass.
RULES: tuple[tuple[Scheme, re.Pattern[str]], ...] = (
    ("alipay", re.compile(r"(2[5-9]|30)[0-9]{14,22}")),
    ("wechat", re.compile(r"1[0-5][0-9]{16}")),
    ("unionpay", re.compile(r"62[0-9]{17}")),
)

# What each wallet's codes look like, said the way a cashier can check it on the customer's phone.
SHAPES: dict[Scheme, str] = {
    "alipay": "Alipay codes are 16-24 digits starting 25-30",
    "wechat": "WeChat Pay codes are 18 digits starting 10-15",
    "unionpay": "UnionPay codes are 19 digits starting 62",
}

# Strings shorter than this are masked completely, so a mask always hides at least 4 characters.
MIN_SHOWN_LENGTH = 12
_SCANNER_NOISE = " \t\r\n\x00"
_DIGITS = frozenset("0123456789")


@dataclass(frozen=True)
class PayCode:
    """The verdict on one scanned text: its wallet, whether it may be sent on, and what to show."""

    scheme: Scheme | None
    valid: bool
    masked: str
    reason: str = ""


def mask(code: str) -> str:
    """First 4 and last 4 characters with stars between; short strings are all stars."""
    if len(code) < MIN_SHOWN_LENGTH:
        return "*" * len(code)
    return code[:4] + "*" * (len(code) - 8) + code[-4:]


def normalize(code: str) -> str:
    """The code without the whitespace, CR or LF a scanner adds around it."""
    return code.strip(_SCANNER_NOISE)


def _likely_scheme(code: str) -> Scheme | None:
    """The wallet a digit string seems meant for by its first two digits, whatever its length."""
    prefix = code[:2]
    if len(prefix) < 2:
        return None
    if "25" <= prefix <= "30":
        return "alipay"
    if "10" <= prefix <= "15":
        return "wechat"
    if prefix == "62":
        return "unionpay"
    return None


def _refusal(code: str) -> str:
    if not code:
        return "nothing was scanned: scan the payment code again"
    if not set(code) <= _DIGITS:
        return ("not a payment code: it has characters other than digits, and wallet payment codes are "
                "digits only (is this an item barcode or a member card?)")
    likely = _likely_scheme(code)
    if likely is not None:
        return f"not a payment code: {SHAPES[likely]}, this one has {len(code)} digits"
    return ("not a payment code: " + "; ".join(SHAPES.values())
            + f" (this one starts {code[:2]} and has {len(code)} digits)")


def classify(code: str) -> PayCode:
    """Classify a scanned text as an Alipay, WeChat Pay or UnionPay payment code, or refuse it with a reason."""
    cleaned = normalize(code)
    masked = mask(cleaned)
    for scheme, pattern in RULES:
        if pattern.fullmatch(cleaned):
            return PayCode(scheme, True, masked)
    return PayCode(None, False, masked, _refusal(cleaned))
