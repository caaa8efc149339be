"""Judging one message: a storable, signed, schema-valid envelope with its clock flags, or why not."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sync.backend.store import storable
from sync.event_schemas import DEFAULT_CLOCK_WINDOW, SchemaViolation, validate_envelope
from sync.schema import MAX_PAYLOAD, Envelope, EnvelopeError, check_mac, parse_envelope


def check_event(payload: bytes, terminal: str | None, secret: bytes | None, *, now: datetime | None = None,
                clock_window: timedelta | None = None) -> Envelope:
    """A storable, correctly signed envelope valid under its schema, with its clock flags; or EnvelopeError.

    The error's event_id is set only when it is safe to ack. `now` is the backend's clock (default: now, UTC);
    a created_at further than `clock_window` from it is flagged, not refused.
    """
    event_id: str | None = None
    try:
        env = parse_envelope(payload, terminal or "?")
        if not storable(env.id):
            raise EnvelopeError("field 'id' holds NUL or unpaired surrogate characters")
        event_id = env.id
        if not storable(env.created_at):
            raise EnvelopeError("field 'created_at' holds NUL or unpaired surrogate characters", env.id)
        check_mac(env, secret)
        try:
            flags = validate_envelope(env.raw, now=now or datetime.now(UTC),
                                      clock_window=clock_window or DEFAULT_CLOCK_WINDOW)
        except SchemaViolation as err:
            raise EnvelopeError(f"{env.schema}: {err}", env.id) from err
        return replace(env, flags=tuple(str(flag) for flag in flags))
    except EnvelopeError as err:
        if err.event_id is not None and not storable(err.event_id):
            raise EnvelopeError(err.reason) from err
        raise
    except Exception as err:
        raise EnvelopeError(f"unreadable event ({type(err).__name__}: {err})", event_id) from err


def as_text(payload: bytes) -> str:
    """A payload as text to keep: verbatim when it is UTF-8 (every valid event is), escaped where it is not."""
    return payload[:2 * MAX_PAYLOAD].decode("utf-8", "backslashreplace").replace("\x00", "\\x00")
