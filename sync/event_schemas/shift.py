"""shift/1: a shift opened with its float, or closed with its Z report, as terminal/shift/service.py writes it."""
from __future__ import annotations

from enum import StrEnum
from typing import Any

from sync.event_schemas.common import (
    MAX_ID,
    MAX_ITEMS,
    MAX_TEXT,
    SchemaViolation,
    amount,
    child,
    currency,
    list_of,
    one_of,
    record,
    text,
)


class ShiftEvent(StrEnum):
    """What happened to the shift."""

    OPEN = "open"
    CLOSE = "close"


_BODIES = {
    ShiftEvent.OPEN: record({"event": one_of(frozenset(ShiftEvent)), "shift_id": text(MAX_ID),
                             "cashier": text(MAX_TEXT), "float": amount(), "currency": currency}),
    ShiftEvent.CLOSE: record({"event": one_of(frozenset(ShiftEvent)), "shift_id": text(MAX_ID),
                              "report": list_of(text(MAX_TEXT, min_len=0), MAX_ITEMS, min_items=1)}),
}


def check_shift(raw: Any, path: str) -> None:
    """Check a shift/1 body against the fields of its event (open or close)."""
    if not isinstance(raw, dict):
        raise SchemaViolation(path, "must be an object")
    event = one_of(frozenset(ShiftEvent))(raw.get("event"), child(path, "event"))
    _BODIES[ShiftEvent(event)](raw, path)
