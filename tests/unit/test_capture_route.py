"""Routing of scanned texts and de-duplication across frames: pure, no devices."""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from terminal.sales.catalog import Catalog, load_catalog
from terminal.scanning.capture import MEMBER_PREFIX, Deduper, clean_text, is_member_code, route

_PAY = re.compile(r"^(2[5-9]|30)\d{14,22}$|^1[0-5]\d{16}$|^62\d{17}$")


def is_payment_code(text: str) -> bool:
    """Stand-in for terminal.paycodes.classify: the prefix rules of DESIGN.md."""
    return bool(_PAY.match(text))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(None, "CNY")


def test_item_barcode_in_catalog_goes_to_cart(catalog: Catalog) -> None:
    r = route("8930001234505", catalog, is_payment_code)
    assert (r.kind, r.sku, r.text) == ("item", "TEA-001", "8930001234505")


def test_upca_and_its_ean13_form_both_reach_the_item(catalog: Catalog) -> None:
    assert route("071234500789", catalog, is_payment_code).sku == "BAK-001"
    assert route("0071234500789", catalog, is_payment_code).sku == "BAK-001"


def test_bad_check_digit_is_unknown_with_reason(catalog: Catalog) -> None:
    r = route("8930001234506", catalog, is_payment_code)
    assert r.kind == "unknown" and "check digit" in r.reason


def test_valid_barcode_not_in_catalog_is_unknown(catalog: Catalog) -> None:
    r = route("4006381333931", catalog, is_payment_code)
    assert r.kind == "unknown" and "not in the catalog" in r.reason


@pytest.mark.parametrize("code", ["101234567890123456", "2812345678901234", "6212345678901234567"])
def test_payment_codes_go_to_the_payment(catalog: Catalog, code: str) -> None:
    assert route(code, catalog, is_payment_code) == route(f"\x02{code}\r\n", catalog, is_payment_code)
    assert route(code, catalog, is_payment_code).kind == "payment"


def test_payment_like_digits_are_unknown_with_reason(catalog: Catalog) -> None:
    r = route("991234567890123456", catalog, is_payment_code)
    assert r.kind == "unknown" and "payment code" in r.reason


def test_member_code(catalog: Catalog) -> None:
    assert route(f"{MEMBER_PREFIX}00012345", catalog, is_payment_code).kind == "member"
    assert not is_member_code("EPM-")
    assert not is_member_code("EPM-12ab")
    assert route("EPM-12ab", catalog, is_payment_code).kind == "unknown"


def test_member_check_is_injectable(catalog: Catalog) -> None:
    r = route("CARD:7", catalog, is_payment_code, is_member_code=lambda t: t.startswith("CARD:"))
    assert r.kind == "member"


@pytest.mark.parametrize("text", ["", "   ", "\r\n", "\x00\x1b"])
def test_empty_scan_is_unknown(catalog: Catalog, text: str) -> None:
    r = route(text, catalog, is_payment_code)
    assert r.kind == "unknown" and r.text == "" and "empty" in r.reason


def test_free_text_is_unknown(catalog: Catalog) -> None:
    r = route("https://example.com/x", catalog, is_payment_code)
    assert r.kind == "unknown" and r.reason


def test_clean_text_strips_control_characters() -> None:
    assert clean_text("\x02ABC\x1b[0m\x03\r\n") == "ABC[0m"
    assert clean_text(" 中文 tiếng Việt ") == "中文 tiếng Việt"


def test_same_code_in_consecutive_frames_counts_once() -> None:
    d = Deduper(window_s=1.5)
    reported = [t for i in range(30) for t in d.fresh(["A"], now=i / 15)]
    assert reported == ["A"]


def test_code_counts_again_after_leaving_the_view() -> None:
    d = Deduper(window_s=1.5)
    assert d.fresh(["A"], 0.0) == ["A"]
    assert d.fresh(["A"], 1.0) == []
    assert d.fresh(["A"], 2.4) == []  # seen at 1.0: still within the window
    assert d.fresh(["A"], 4.0) == ["A"]


def test_two_codes_in_one_frame_each_once_in_order() -> None:
    d = Deduper()
    assert d.fresh(["B", "A", "B"], 0.0) == ["B", "A"]
    assert d.fresh(["A", "C"], 0.1) == ["C"]


def test_window_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Deduper(0)


# Gaps in 1/64 s, so that sums of them are exact in binary floating point: with arbitrary floats a gap of
# exactly the window can come out 1 ulp short once subtracted from the running time (hypothesis found
# [0.3, 0.2445612317631793, 0.3]), and the property would be testing float rounding, not the deduper.
@given(st.lists(st.integers(min_value=0, max_value=32).map(lambda k: k / 64), min_size=1, max_size=60))
def test_reports_equal_gaps_of_at_least_the_window_plus_one(gaps: list[float]) -> None:
    d = Deduper(window_s=0.25)
    now, reports, expected = 0.0, 0, 1
    for i, gap in enumerate(gaps):
        now += gap
        if i and gap >= 0.25:
            expected += 1
        reports += len(d.fresh(["X"], now))
    assert reports == expected


def test_deduper_forgets_old_codes() -> None:
    d = Deduper(window_s=1.0)
    for i in range(500):
        d.fresh([f"code{i}"], float(i))
    assert len(d._last_seen) <= 70
