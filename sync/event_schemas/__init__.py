"""The schema of every signed event, in one place: what the backend stores and what the terminal's tests emit.

A schema version never changes once shipped: a new field comes with a new version (payment/2) registered in
SCHEMAS beside the old one, so terminals on either version keep syncing.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sync.event_schemas.balance import check_balance
from sync.event_schemas.common import (
    MAX_ID,
    MAX_INT64,
    ClockFlag,
    SchemaViolation,
    integer,
    one_of,
    record,
    text,
    timestamp,
)
from sync.event_schemas.member import check_member
from sync.event_schemas.payment import TERMINAL_ID, check_payment
from sync.event_schemas.refund import check_refund
from sync.event_schemas.shift import check_shift

__all__ = ["DEFAULT_CLOCK_WINDOW", "KNOWN_SCHEMAS", "SCHEMAS", "ClockFlag", "SchemaViolation", "validate_envelope"]

# schema version -> the check of its body (raises SchemaViolation naming the field under `body`)
SCHEMAS: dict[str, Callable[[Any, str], None]] = {
    "payment/1": check_payment,
    "refund/1": check_refund,
    "member/1": check_member,
    "shift/1": check_shift,
    "member.balance/1": check_balance,
}
KNOWN_SCHEMAS: frozenset[str] = frozenset(SCHEMAS)
DEFAULT_CLOCK_WINDOW = timedelta(days=7)   # an offline terminal may hold events this long without a flag

_MAC = re.compile(r"[0-9a-f]{64}")   # HMAC-SHA256, as terminal/link/events.py writes it
_envelope = record({"schema": one_of(KNOWN_SCHEMAS), "id": text(MAX_ID), "terminal": text(64, pattern=TERMINAL_ID),
                    "seq": integer(1, MAX_INT64), "created_at": timestamp, "body": lambda value, _path: value,
                    "mac": text(64, 64, _MAC)})


def validate_envelope(raw: dict[str, Any], *, now: datetime,
                      clock_window: timedelta = DEFAULT_CLOCK_WINDOW) -> list[ClockFlag]:
    """Check a decoded envelope (schema, id, terminal, seq, created_at, body, mac) against its schema version;
    return clock flags; raise SchemaViolation."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (the backend's clock in UTC)")
    if not isinstance(raw, dict):
        raise SchemaViolation("envelope", f"must be a JSON object, got {type(raw).__name__}")
    envelope = _envelope(raw, "")
    SCHEMAS[envelope["schema"]](envelope["body"], "body")
    created: datetime = envelope["created_at"]
    if created > now + clock_window:
        return [ClockFlag.FUTURE]
    if created < now - clock_window:
        return [ClockFlag.PAST]
    return []
