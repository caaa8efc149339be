"""The wire contract of sync protocol v1: topics, envelope checks and ack payloads (both ends use it)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NoReturn

from sync.event_schemas import KNOWN_SCHEMAS
from terminal.errors import EdgeposError
from terminal.link.events import verify_envelope

ROOT = "edgepos/v1"
SHARED_GROUP = "ingest"
SHARED_EVENTS = f"$share/{SHARED_GROUP}/{ROOT}/+/events"
ALL_EVENTS = f"{ROOT}/+/events"
MAX_PAYLOAD = 64 * 1024          # an event is a few hundred bytes; anything this big is not one
MAX_SEQ = 2**63 - 1              # seq goes into a signed 64-bit column


class AckStatus(StrEnum):
    """The backend's answer for one event."""

    STORED = "stored"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


ACK_STATUSES = frozenset(AckStatus)
TERMINAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_ENVELOPE_FIELDS = {"schema": str, "id": str, "terminal": str, "seq": int, "created_at": str, "body": dict, "mac": str}


class EnvelopeError(EdgeposError):
    """An event the backend refuses; `event_id` is set when the envelope had a usable id to ack."""

    def __init__(self, reason: str, event_id: str | None = None) -> None:
        super().__init__(reason)
        self.reason, self.event_id = reason, event_id


def events_topic(terminal: str) -> str:
    """Where a terminal publishes its events."""
    return f"{ROOT}/{terminal}/events"


def acks_topic(terminal: str) -> str:
    """Where the backend answers a terminal's events."""
    return f"{ROOT}/{terminal}/acks"


def status_topic(terminal: str) -> str:
    """The terminal's retained online/offline status."""
    return f"{ROOT}/{terminal}/status"


def config_topic(terminal: str) -> str:
    """The retained settings the shop pushes to a terminal."""
    return f"{ROOT}/{terminal}/config"


def terminal_of(topic: str) -> str | None:
    """The terminal id in a v1 topic, or None if the topic is not ours."""
    parts = topic.split("/")
    if len(parts) < 4 or "/".join(parts[:2]) != ROOT or not TERMINAL_ID.match(parts[2]):
        return None
    return parts[2]


@dataclass(frozen=True)
class Envelope:
    """A checked event: well-formed, of a known schema, from the terminal whose topic it came on."""

    schema: str
    id: str
    terminal: str
    seq: int
    created_at: str
    body: dict[str, Any]
    raw: dict[str, Any]
    flags: tuple[str, ...] = ()        # clock flags the schema check raised (stored with the event)


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def parse_envelope(payload: bytes, topic_terminal: str) -> Envelope:
    """Decode and check the shape of an event (not its MAC); raises EnvelopeError with a reason."""
    if len(payload) > MAX_PAYLOAD:
        raise EnvelopeError(f"payload of {len(payload)} bytes is over the {MAX_PAYLOAD} byte limit")
    try:
        data = json.loads(payload.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError) as err:        # ValueError: JSONDecodeError, NaN, over 4300 digits
        raise EnvelopeError(f"not JSON: {err}") from err
    except RecursionError as err:
        raise EnvelopeError("not JSON: nested too deeply") from err
    if not isinstance(data, dict):
        raise EnvelopeError("an envelope must be a JSON object")
    event_id = data.get("id") if isinstance(data.get("id"), str) and 0 < len(data["id"]) <= 64 else None
    for name, kind in _ENVELOPE_FIELDS.items():
        value = data.get(name)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise EnvelopeError(f"field {name!r} missing or not a {kind.__name__}", event_id)
    if event_id is None:
        raise EnvelopeError("field 'id' must be 1 to 64 characters")
    if data["schema"] not in KNOWN_SCHEMAS:
        raise EnvelopeError(f"unknown schema {data['schema']!r}", event_id)
    if data["terminal"] != topic_terminal:
        raise EnvelopeError(f"terminal {data['terminal']!r} published on {topic_terminal!r}'s topic", event_id)
    if not 1 <= data["seq"] <= MAX_SEQ:
        digits = len(str(abs(data["seq"])))
        shown = str(data["seq"]) if digits <= 20 else f"a {digits}-digit number"
        raise EnvelopeError(f"field 'seq' must be between 1 and {MAX_SEQ}, got {shown}", event_id)
    return Envelope(data["schema"], event_id, data["terminal"], data["seq"], data["created_at"], data["body"], data)


def check_mac(envelope: Envelope, secret: bytes | None) -> None:
    """Raise EnvelopeError unless the envelope is signed with the terminal's secret."""
    if secret is None:
        raise EnvelopeError(f"terminal {envelope.terminal!r} is not registered", envelope.id)
    if not verify_envelope(envelope.raw, secret):
        raise EnvelopeError("bad mac: the envelope was altered or signed with another key", envelope.id)


@dataclass(frozen=True)
class Ack:
    """The backend's answer for one event."""

    id: str
    status: str
    reason: str = ""

    def as_dict(self) -> dict[str, str]:
        """The JSON object of this ack."""
        out = {"id": self.id, "status": self.status}
        if self.reason:
            out["reason"] = self.reason
        return out


def encode_acks(acks: list[Ack]) -> bytes:
    """One ack message: an object for a single ack, an array when the backend batches them."""
    items = [a.as_dict() for a in acks]
    return json.dumps(items[0] if len(items) == 1 else items, ensure_ascii=False).encode("utf-8")


def decode_acks(payload: bytes | bytearray) -> list[Ack]:
    """The acks in a message; malformed items are skipped (the event is then simply resent)."""
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return []
    items = data if isinstance(data, list) else [data]
    acks = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("id"), str) and item.get("status") in ACK_STATUSES:
            acks.append(Ack(item["id"], item["status"], str(item.get("reason", ""))))
    return acks
