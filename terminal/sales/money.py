"""Money in integer minor units of an ISO 4217 currency; no floats anywhere."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from terminal.errors import MoneyError

# ISO 4217 minor-unit exponents of the currencies a shop here may meet.
EXPONENTS: dict[str, int] = {
    "CNY": 2, "HKD": 2, "TWD": 2, "MOP": 2, "USD": 2, "EUR": 2, "GBP": 2,
    "SGD": 2, "MYR": 2, "THB": 2, "PHP": 2, "IDR": 2, "KHR": 2, "LAK": 2,
    "AUD": 2, "CAD": 2, "CHF": 2, "INR": 2, "AED": 2,
    "JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0,
    "KWD": 3, "BHD": 3, "OMR": 3, "JOD": 3, "TND": 3,
}


# Amounts parsed from text have fewer whole digits than this (so minor units fit SQLite's 64-bit INTEGER).
MAX_DIGITS = 15


_PLAIN_DECIMAL = re.compile(r"[0-9]+\.?[0-9]*|\.[0-9]+", re.ASCII)


def is_plain_decimal(text: str) -> bool:
    """True for ASCII digits with at most one '.': no sign, exponent, separators or other scripts' digits."""
    return _PLAIN_DECIMAL.fullmatch(text) is not None


def exponent(currency: str) -> int:
    """Number of decimals of a currency, or MoneyError if unknown."""
    try:
        return EXPONENTS[currency]
    except KeyError:
        raise MoneyError(f"unknown currency {currency!r} (use an ISO 4217 code such as CNY)") from None


def div_half_up(numerator: int, denominator: int) -> int:
    """Integer division rounding half away from zero (the 'half-up' of tax tables)."""
    if denominator <= 0:
        raise MoneyError("denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder * 2 >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


@dataclass(frozen=True, order=False)
class Money:
    """An amount in minor units (Money(1250, 'CNY') is 12.50 yuan)."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise MoneyError(f"minor units must be an int, got {type(self.minor).__name__}")
        exponent(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Nothing, in a currency."""
        return cls(0, currency)

    @classmethod
    def parse(cls, text: str | int | Decimal, currency: str) -> Money:
        """Parse a decimal amount such as '12.50'; refuse more decimals than the currency has."""
        if isinstance(text, (float, bool)):
            raise MoneyError(f"amounts are never floats or booleans, got {text!r}: pass the text, e.g. '12.50'")
        try:
            value = Decimal(str(text).strip())
        except InvalidOperation:
            raise MoneyError(f"not an amount: {text!r}") from None
        if not value.is_finite():
            raise MoneyError(f"not an amount: {text!r}")
        if value and value.adjusted() >= MAX_DIGITS:  # beyond this Decimal would round, SQLite overflow
            raise MoneyError(f"{text} is too large an amount")
        exp = exponent(currency)
        rounded = value.quantize(Decimal(1).scaleb(-exp))  # exact below 10**MAX_DIGITS
        if rounded != value:
            raise MoneyError(f"{text} has more decimals than {currency} allows ({exp})")
        return cls(int(rounded.scaleb(exp)), currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise MoneyError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise MoneyError(f"cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __mul__(self, times: int) -> Money:
        if not isinstance(times, int) or isinstance(times, bool):
            raise MoneyError("money can only be multiplied by an integer quantity")
        return Money(self.minor * times, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.minor <= other.minor

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor > other.minor

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.minor >= other.minor

    @property
    def is_zero(self) -> bool:
        """True for an amount of nothing."""
        return self.minor == 0

    def to_decimal(self) -> Decimal:
        """The amount as an exact Decimal in major units."""
        return Decimal(self.minor).scaleb(-exponent(self.currency))

    def amount_str(self) -> str:
        """The amount with exactly the currency's decimals, e.g. '12.50', '1500', '1.250'."""
        exp = exponent(self.currency)
        sign = "-" if self.minor < 0 else ""
        whole, frac = divmod(abs(self.minor), 10**exp)
        return f"{sign}{whole}.{frac:0{exp}d}" if exp else f"{sign}{whole}"

    def format(self) -> str:
        """Amount and code for people, with thousands separators: 'CNY 1,234.50'."""
        exp = exponent(self.currency)
        sign = "-" if self.minor < 0 else ""
        whole, frac = divmod(abs(self.minor), 10**exp)
        text = f"{whole:,}" + (f".{frac:0{exp}d}" if exp else "")
        return f"{self.currency} {sign}{text}"

    def __str__(self) -> str:
        return self.format()

    def convert(self, currency: str, rate: Decimal) -> Money:
        """This amount in another currency at `rate` (units of target per unit of self), half-up."""
        if rate <= 0:
            raise MoneyError("exchange rate must be positive")
        value = (self.to_decimal() * rate).scaleb(exponent(currency))
        return Money(int(value.to_integral_value(rounding=ROUND_HALF_UP)), currency)


def total(amounts: Iterable[Money], currency: str) -> Money:
    """Sum of amounts, all in `currency` (zero for none)."""
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result


def allocate(amount: int, weights: list[int]) -> list[int]:
    """Split `amount` minor units across weights, largest remainder first, summing exactly."""
    weight_sum = sum(weights)
    if weight_sum <= 0:
        return [0 for _ in weights]
    shares = [amount * w // weight_sum for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: -(amount * weights[i] % weight_sum))
    for i in remainders[: amount - sum(shares)]:
        shares[i] += 1
    return shares
