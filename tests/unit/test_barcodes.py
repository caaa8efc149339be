"""GTIN check digits: EAN-13, UPC-A, EAN-8."""
from __future__ import annotations

import pytest

from terminal.errors import BarcodeError, CatalogError
from terminal.sales.barcodes import gtin_check_digit, looks_like_gtin, validate_gtin


@pytest.mark.parametrize("code, normalised", [
    ("4006381333931", "4006381333931"),   # EAN-13
    ("9780306406157", "9780306406157"),   # ISBN-13 as EAN-13
    ("6901234567892", "6901234567892"),   # Chinese GS1 prefix 690
    ("036000291452", "0036000291452"),    # UPC-A gets a leading 0
    ("96385074", "96385074"),             # EAN-8
    ("73513537", "73513537"),             # EAN-8
    (" 4006381333931\n", "4006381333931"),  # scanner suffix stripped
])
def test_valid_codes(code: str, normalised: str) -> None:
    assert validate_gtin(code) == normalised
    assert looks_like_gtin(code)


@pytest.mark.parametrize("body, digit", [("400638133393", 1), ("03600029145", 2), ("9638507", 4), ("978030640615", 7)])
def test_check_digit(body: str, digit: int) -> None:
    assert gtin_check_digit(body) == digit


@pytest.mark.parametrize("code, kind, expected", [
    ("4006381333932", "EAN-13", 1), ("036000291453", "UPC-A", 2), ("96385075", "EAN-8", 4),
])
def test_bad_check_digit_says_which_and_what_to_do(code: str, kind: str, expected: int) -> None:
    with pytest.raises(BarcodeError) as info:
        validate_gtin(code)
    message = str(info.value)
    assert kind in message and code in message
    assert f"expected {expected}" in message and "scan it again" in message


@pytest.mark.parametrize("code", ["123", "40063813339311", "1234567", "12345678901", ""])
def test_wrong_length(code: str) -> None:
    with pytest.raises(BarcodeError, match=r"digits only|EAN-13 has 13, UPC-A 12, EAN-8 8"):
        validate_gtin(code)
    assert not looks_like_gtin(code)


@pytest.mark.parametrize("code", ["40063813339A1", "4006-381333931", "４００６３８１３３３９３１", "٤٠٠٦٣٨١٣٣٣٩٣١"])
def test_non_digits(code: str) -> None:
    with pytest.raises(BarcodeError, match="digits only"):
        validate_gtin(code)
    assert not looks_like_gtin(code)


def test_barcode_error_is_a_catalog_and_value_error() -> None:
    with pytest.raises(CatalogError):
        validate_gtin("1")
    with pytest.raises(ValueError):
        validate_gtin("1")
