"""Money: integer minor units, ISO 4217 exponents, exact parsing, half-up, exact allocation."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from terminal.errors import MoneyError
from terminal.sales.money import Money, allocate, div_half_up, exponent, total


@pytest.mark.parametrize("currency, exp", [("CNY", 2), ("USD", 2), ("JPY", 0), ("VND", 0), ("KWD", 3)])
def test_exponents(currency: str, exp: int) -> None:
    assert exponent(currency) == exp


def test_unknown_currency_is_refused_with_a_hint() -> None:
    with pytest.raises(MoneyError, match=r"unknown currency 'XYZ'.*ISO 4217"):
        Money(100, "XYZ")
    with pytest.raises(MoneyError):
        exponent("cny")


@pytest.mark.parametrize("text, currency, minor", [
    ("12.50", "CNY", 1250), ("12.5", "CNY", 1250), ("0.01", "USD", 1), ("12", "CNY", 1200),
    ("1500", "JPY", 1500), ("25000", "VND", 25000), ("1.250", "KWD", 1250), ("0.001", "KWD", 1),
    (" 7.00 ", "CNY", 700), ("-3.20", "CNY", -320), (Decimal("4.25"), "USD", 425), (3, "JPY", 3),
])
def test_parse(text: object, currency: str, minor: int) -> None:
    assert Money.parse(text, currency) == Money(minor, currency)  # type: ignore[arg-type]


@pytest.mark.parametrize("text, currency", [("1.5", "JPY"), ("1.2345", "KWD"), ("12.505", "CNY"), ("0.1", "VND")])
def test_parse_refuses_more_decimals_than_the_currency_has(text: str, currency: str) -> None:
    with pytest.raises(MoneyError, match=f"more decimals than {currency} allows"):
        Money.parse(text, currency)


@pytest.mark.parametrize("text", ["", "abc", "12,50", "1.2.3", "¥12", "NaN", "Infinity", "-inf", "12 50"])
def test_parse_refuses_garbage(text: str) -> None:
    with pytest.raises(MoneyError):
        Money.parse(text, "CNY")


@pytest.mark.parametrize("value", [1.5, 12.0, True])
def test_no_floats_or_bools(value: object) -> None:
    with pytest.raises(MoneyError, match="int"):
        Money(value, "CNY")  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        Money.parse(value, "CNY")  # type: ignore[arg-type]


def test_mixing_currencies_raises() -> None:
    cny, usd = Money(100, "CNY"), Money(100, "USD")
    with pytest.raises(MoneyError, match="cannot mix CNY and USD"):
        cny + usd
    with pytest.raises(MoneyError):
        cny - usd
    with pytest.raises(MoneyError):
        cny < usd  # noqa: B015 - the comparison itself must raise
    with pytest.raises(MoneyError):
        total([cny, usd], "CNY")
    with pytest.raises(MoneyError):
        cny + 1  # type: ignore[operator]
    assert cny != usd


def test_arithmetic_stays_in_integers() -> None:
    a = Money(1999, "CNY")
    assert a + Money(1, "CNY") == Money(2000, "CNY")
    assert a * 3 == Money(5997, "CNY") == 3 * a
    assert -a == Money(-1999, "CNY")
    assert total([], "JPY") == Money.zero("JPY")
    with pytest.raises(MoneyError):
        a * 1.5  # type: ignore[operator]
    with pytest.raises(MoneyError):
        a * True


@pytest.mark.parametrize("money, amount, formatted", [
    (Money(1250, "CNY"), "12.50", "CNY 12.50"),
    (Money(5, "CNY"), "0.05", "CNY 0.05"),
    (Money(123450, "CNY"), "1234.50", "CNY 1,234.50"),
    (Money(-123450, "CNY"), "-1234.50", "CNY -1,234.50"),
    (Money(1500, "JPY"), "1500", "JPY 1,500"),
    (Money(2500000, "VND"), "2500000", "VND 2,500,000"),
    (Money(1250, "KWD"), "1.250", "KWD 1.250"),
    (Money(-7, "KWD"), "-0.007", "KWD -0.007"),
])
def test_amount_str_and_format(money: Money, amount: str, formatted: str) -> None:
    assert money.amount_str() == amount
    assert money.format() == formatted == str(money)
    assert Money.parse(amount, money.currency) == money  # round-trips
    assert money.to_decimal() == Decimal(amount)


@pytest.mark.parametrize("num, den, expected", [
    (10, 4, 3),     # 2.5 -> 3
    (-10, 4, -3),   # -2.5 -> -3 (half away from zero)
    (9, 4, 2),      # 2.25 -> 2
    (11, 4, 3),     # 2.75 -> 3
    (-9, 4, -2),
    (-11, 4, -3),
    (1, 2, 1),
    (-1, 2, -1),
    (1, 3, 0),
    (0, 7, 0),
    (12, 4, 3),
])
def test_div_half_up(num: int, den: int, expected: int) -> None:
    assert div_half_up(num, den) == expected


def test_div_half_up_refuses_non_positive_denominator() -> None:
    with pytest.raises(MoneyError):
        div_half_up(1, 0)
    with pytest.raises(MoneyError):
        div_half_up(1, -2)


@given(st.integers(-10**12, 10**12), st.integers(1, 10**6))
def test_div_half_up_is_exact_rounding(num: int, den: int) -> None:
    q = div_half_up(num, den)
    # |num/den - q| <= 1/2, and an exact half goes away from zero
    assert abs(num - q * den) * 2 <= den
    if abs(num - q * den) * 2 == den:
        assert abs(q * den) > abs(num)
    assert div_half_up(-num, den) == -q


def test_allocate_examples() -> None:
    assert allocate(100, [1000, 2000]) == [33, 67]
    assert allocate(10, [1, 1, 1]) == [4, 3, 3]
    assert allocate(0, [5, 5]) == [0, 0]
    assert allocate(7, [0, 0]) == [0, 0]   # nothing to share by
    assert allocate(5, [0, 3, 0]) == [0, 5, 0]


@given(st.integers(0, 10**9), st.lists(st.integers(0, 10**7), min_size=1, max_size=30).filter(lambda w: sum(w) > 0))
def test_allocate_sums_exactly(amount: int, weights: list[int]) -> None:
    shares = allocate(amount, weights)
    assert len(shares) == len(weights)
    assert sum(shares) == amount
    weight_sum = sum(weights)
    for share, weight in zip(shares, weights, strict=True):
        exact_floor = amount * weight // weight_sum
        assert exact_floor <= share <= exact_floor + 1  # never off by more than one minor unit
        if weight == 0:
            assert share == 0  # a line worth nothing never takes a share


@given(st.integers(-10**9, 0), st.lists(st.integers(1, 10**6), min_size=1, max_size=10))
def test_allocate_negative_amounts_sum_exactly(amount: int, weights: list[int]) -> None:
    assert sum(allocate(amount, weights)) == amount


def test_convert_with_decimal_rate() -> None:
    assert Money(10000, "CNY").convert("USD", Decimal("0.1385")) == Money(1385, "USD")
    assert Money(1250, "CNY").convert("USD", Decimal("0.1385")) == Money(173, "USD")   # 1.73125 -> 1.73
    assert Money(100, "USD").convert("JPY", Decimal("150.5")) == Money(151, "JPY")      # 150.5 -> 151 half-up
    assert Money(1000, "CNY").convert("KWD", Decimal("0.0425")) == Money(425, "KWD")
    assert Money(1500, "JPY").convert("VND", Decimal("166.666")) == Money(249999, "VND")


def test_convert_refuses_non_positive_rate() -> None:
    with pytest.raises(MoneyError, match="positive"):
        Money(100, "CNY").convert("USD", Decimal("0"))
    with pytest.raises(MoneyError):
        Money(100, "CNY").convert("USD", Decimal("-1"))


@pytest.mark.parametrize("text", ["1e999999999", "9" * 40, "1e30", "1000000000000000"])
def test_parse_refuses_absurd_sizes_with_a_money_error(text: str) -> None:
    with pytest.raises(MoneyError, match="too large"):
        Money.parse(text, "CNY")


@pytest.mark.parametrize("text", ["1e-999999999", "0.0000000000000000000000000000001"])
def test_parse_never_rounds_tiny_amounts_to_zero(text: str) -> None:
    with pytest.raises(MoneyError, match="more decimals"):
        Money.parse(text, "CNY")


def test_parse_largest_amount_is_exact() -> None:
    assert Money.parse("999999999999999.99", "CNY").minor == 99999999999999999
    assert Money.parse("999999999999999.999", "KWD").minor == 999999999999999999
    assert Money.parse("1." + "0" * 40, "CNY") == Money(100, "CNY")


@given(st.integers(-(10**17) + 1, 10**17 - 1), st.sampled_from(["CNY", "JPY", "KWD"]))
def test_parse_round_trips_amount_str(minor: int, currency: str) -> None:
    money = Money(minor, currency)
    if abs(money.to_decimal()) < Decimal(10) ** 15:
        assert Money.parse(money.amount_str(), currency) == money
