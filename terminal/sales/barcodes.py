"""GTIN check digits: EAN-13, UPC-A (and EAN-8) as printed on retail items."""
from __future__ import annotations

from terminal.errors import BarcodeError

_LENGTHS = {8: "EAN-8", 12: "UPC-A", 13: "EAN-13"}


def gtin_check_digit(body: str) -> int:
    """The check digit for the digits before it (GS1 mod-10, weights 3,1 from the right)."""
    total = 0
    for position, char in enumerate(reversed(body)):
        total += int(char) * (3 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10


def validate_gtin(code: str) -> str:
    """Return the code as EAN-13 (UPC-A gets a leading 0) or raise BarcodeError saying why."""
    text = code.strip()
    if not text.isdigit() or not text.isascii():
        raise BarcodeError.text("barcode {text} must contain digits only", text=repr(text))
    kind = _LENGTHS.get(len(text))
    if kind is None:
        raise BarcodeError.text("barcode {text} has {digits} digits; EAN-13 has 13, UPC-A 12, EAN-8 8",
                                text=repr(text), digits=len(text))
    expected = gtin_check_digit(text[:-1])
    if int(text[-1]) != expected:
        raise BarcodeError.text("{kind} barcode {text} has a bad check digit (expected {expected}): scan it again",
                                kind=kind, text=text, expected=expected)
    return text.zfill(13) if len(text) == 12 else text


def looks_like_gtin(code: str) -> bool:
    """True when the text has the shape of a retail barcode (digits, 8/12/13 long)."""
    text = code.strip()
    return text.isascii() and text.isdigit() and len(text) in _LENGTHS
