"""The outbox: signed events written in the same transaction as what they describe."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from terminal.link.events import make_envelope, rfc3339
from terminal.store.db import Database, Transaction


@dataclass(frozen=True)
class OutboxRow:
    """One event waiting for the backend's ack."""

    seq: int
    id: str
    schema: str
    envelope: str
    created_at: str


class OutboxStore:
    """Writes and reads the outbox table; rows leave only on the backend's ack (sync/)."""

    def __init__(self, db: Database, terminal: str, secret: bytes) -> None:
        self._db, self._terminal, self._secret = db, terminal, secret

    def enqueue(self, tx: Transaction, schema: str, body: dict[str, Any], at: datetime) -> str:
        """Add a signed event inside the caller's transaction; returns its id."""
        seq = tx.next_counter("outbox_seq")
        created = rfc3339(at)
        envelope = make_envelope(schema, body, self._terminal, seq, created, self._secret)
        tx.execute("INSERT INTO outbox(seq, id, schema, envelope, created_at) VALUES (?, ?, ?, ?, ?)",
                   (seq, envelope["id"], schema, json.dumps(envelope, ensure_ascii=False), created))
        return str(envelope["id"])

    def pending(self, limit: int = 1000) -> list[OutboxRow]:
        """Unacknowledged events, oldest first."""
        rows = self._db.query("SELECT seq, id, schema, envelope, created_at FROM outbox ORDER BY seq LIMIT ?",
                              (limit,))
        return [OutboxRow(r["seq"], r["id"], r["schema"], r["envelope"], r["created_at"]) for r in rows]

    def pending_count(self) -> int:
        """How many events are not yet acknowledged."""
        row = self._db.query_one("SELECT COUNT(*) FROM outbox")
        return int(row[0]) if row else 0

    def oldest_created_at(self) -> str | None:
        """RFC 3339 time of the oldest unacknowledged event, or None."""
        row = self._db.query_one("SELECT created_at FROM outbox ORDER BY seq LIMIT 1")
        return str(row[0]) if row else None

    def acknowledge(self, event_id: str) -> bool:
        """Remove an event the backend has stored; False if it was not pending."""
        with self._db.transaction() as tx:
            return tx.execute("DELETE FROM outbox WHERE id = ?", (event_id,)).rowcount > 0
