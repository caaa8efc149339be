"""Event envelopes for the cloud: schema, id, seq, time, body, and an HMAC over the rest."""
from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime
from typing import Any

# Field lengths every event schema allows (sync/event_schemas reads them from here): what the terminal puts
# into an event must fit, or the backend rejects the event and it is set aside.
MAX_ID = 64        # ids, skus, coupon codes, trade numbers
MAX_TEXT = 256     # names, addresses, reasons, references, report lines


def canonical(data: dict[str, Any]) -> bytes:
    """The exact bytes the MAC covers: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def rfc3339(moment: datetime) -> str:
    """A timezone-aware time as RFC 3339 UTC with a Z, e.g. 2026-11-22T08:30:00.000000Z."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the terminal records UTC only")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def make_envelope(schema: str, body: dict[str, Any], terminal: str, seq: int, created_at: str,
                  secret: bytes, event_id: str | None = None) -> dict[str, Any]:
    """A signed envelope ready to publish."""
    envelope: dict[str, Any] = {"schema": schema, "id": event_id or str(uuid.uuid4()), "terminal": terminal,
                                "seq": seq, "created_at": created_at, "body": body}
    envelope["mac"] = hmac.new(secret, canonical(envelope), hashlib.sha256).hexdigest()
    return envelope


def verify_envelope(envelope: dict[str, Any], secret: bytes) -> bool:
    """True when the envelope's MAC matches its content under the secret."""
    mac = envelope.get("mac")
    if not isinstance(mac, str):
        return False
    rest = {k: v for k, v in envelope.items() if k != "mac"}
    expected = hmac.new(secret, canonical(rest), hashlib.sha256).hexdigest()
    return hmac.compare_digest(mac, expected)
