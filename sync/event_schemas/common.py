"""The building blocks of every event schema: typed field checks that name the field they refuse."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from terminal.link.events import MAX_ID as MAX_ID  # the schemas import both limits from here
from terminal.link.events import MAX_TEXT as MAX_TEXT
from terminal.sales.money import EXPONENTS

MAX_INT64 = 2**63 - 1            # the backend's INTEGER / BIGINT columns
MAX_AMOUNT = 10**12              # minor units: 10 billion CNY, a trillion JPY; no shop sale comes near
MAX_ITEMS = 500                  # lines of a sale, payments, report lines
CURRENCIES = frozenset(EXPONENTS)  # the ISO 4217 codes the terminal prices in
_RFC3339_UTC = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|\+00:00)")


class SchemaViolation(Exception):
    """An event that breaks its schema; names the field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"field {field!r}: {reason}")
        self.field, self.reason = field, reason


class ClockFlag(StrEnum):
    """Why an event's created_at is outside the window around the backend's clock (stored, flagged)."""

    FUTURE = "clock_ahead"
    PAST = "clock_behind"


Check = Callable[[Any, str], Any]   # (value, field path) -> the value, or raise SchemaViolation


def child(path: str, key: str | int) -> str:
    """The path of a member (`body.lines`) or an item (`body.lines[0]`)."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _digits(value: int) -> str:
    try:
        return str(len(str(abs(value))))
    except ValueError:   # beyond Python's int-to-text limit (4300 digits)
        return "4300+"


def _plain_text(value: str, path: str) -> None:
    if "\x00" in value:
        raise SchemaViolation(path, "contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise SchemaViolation(path, "contains a lone surrogate (not valid Unicode text)") from None


def text(max_len: int = MAX_TEXT, min_len: int = 1, pattern: re.Pattern[str] | None = None) -> Check:
    """A string of min_len..max_len characters, optionally matching a pattern."""
    def check(value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise SchemaViolation(path, f"must be a string, got {_kind(value)}")
        if not min_len <= len(value) <= max_len:
            raise SchemaViolation(path, f"must be {min_len} to {max_len} characters, got {len(value)}")
        _plain_text(value, path)
        if pattern is not None and not pattern.fullmatch(value):
            raise SchemaViolation(path, f"{value[:40]!r} does not match {pattern.pattern}")
        return value
    return check


def integer(low: int, high: int = MAX_INT64) -> Check:
    """A JSON integer (never a bool or a float) within low..high."""
    def check(value: Any, path: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise SchemaViolation(path, f"must be an integer, got {_kind(value)} {str(value)[:40]}")
        if not low <= value <= high:
            shown = str(value) if abs(value) < 10**24 else f"a {_digits(value)}-digit number"
            raise SchemaViolation(path, f"must be between {low} and {high}, got {shown}")
        return value
    return check


def amount(signed: bool = False) -> Check:
    """Money in integer minor units: 0..MAX_AMOUNT, or -MAX_AMOUNT..MAX_AMOUNT when signed."""
    inner = integer(-MAX_AMOUNT if signed else 0, MAX_AMOUNT)

    def check(value: Any, path: str) -> int:
        if isinstance(value, float):
            raise SchemaViolation(path, f"an amount is integer minor units (1250 for 12.50), got the float {value}")
        return int(inner(value, path))
    return check


def boolean(value: Any, path: str) -> bool:
    """A JSON true or false."""
    if not isinstance(value, bool):
        raise SchemaViolation(path, f"must be true or false, got {_kind(value)}")
    return value


def currency(value: Any, path: str) -> str:
    """An ISO 4217 code the terminal knows."""
    if not isinstance(value, str) or value not in CURRENCIES:
        raise SchemaViolation(path, f"{str(value)[:12]!r} is not a currency the terminal knows "
                                    f"(ISO 4217, one of {', '.join(sorted(CURRENCIES))})")
    return value


def timestamp(value: Any, path: str) -> datetime:
    """An RFC 3339 time in UTC (Z or +00:00), as the terminal writes it."""
    if not isinstance(value, str):
        raise SchemaViolation(path, f"must be an RFC 3339 UTC time string, got {_kind(value)}")
    match = _RFC3339_UTC.fullmatch(value)
    if match is None:
        raise SchemaViolation(path, f"{value[:40]!r} is not an RFC 3339 UTC time such as 2026-11-22T08:30:00Z")
    year, month, day, hour, minute, second, fraction = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        leap = second == "60"    # RFC 3339 allows a leap second; it reads as :59
        return datetime(int(year), int(month), int(day), int(hour), int(minute), 59 if leap else int(second), micro,
                        tzinfo=UTC)
    except ValueError as err:
        raise SchemaViolation(path, f"{value!r} is not a real time: {err}") from None


def one_of(values: frozenset[str]) -> Check:
    """One of a fixed set of strings (a terminal enum)."""
    def check(value: Any, path: str) -> str:
        if not isinstance(value, str) or value not in values:
            raise SchemaViolation(path, f"{str(value)[:40]!r} is not one of {', '.join(sorted(values))}")
        return value
    return check


def nullable(inner: Check) -> Check:
    """The inner check, or JSON null."""
    def check(value: Any, path: str) -> Any:
        return None if value is None else inner(value, path)
    return check


def list_of(item: Check, max_items: int = MAX_ITEMS, min_items: int = 0) -> Check:
    """A JSON array of min_items..max_items items, each checked."""
    def check(value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise SchemaViolation(path, f"must be an array, got {_kind(value)}")
        if not min_items <= len(value) <= max_items:
            raise SchemaViolation(path, f"must have {min_items} to {max_items} items, got {len(value)}")
        return [item(v, child(path, i)) for i, v in enumerate(value)]
    return check


def record(required: Mapping[str, Check], optional: Mapping[str, Check] | None = None) -> Check:
    """A JSON object with exactly these fields: the required ones, some optional ones, nothing else."""
    optional = optional or {}

    def check(value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise SchemaViolation(path, f"must be an object, got {_kind(value)}")
        for key in value:
            if key not in required and key not in optional:
                shown = child(path, str(key)[:40])
                raise SchemaViolation(shown, "is not a field of this schema version (new fields need a new version)")
        checked = {}
        for key, check_field in required.items():
            if key not in value:
                raise SchemaViolation(child(path, key), "is missing")
            checked[key] = check_field(value[key], child(path, key))
        for key, check_field in optional.items():
            if key in value:
                checked[key] = check_field(value[key], child(path, key))
        return checked
    return check
