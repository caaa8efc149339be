"""What the sync link reads and writes in the terminal's DB: outbox drain, acks, link state and heartbeat."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from terminal.store.db import Database

# The link writes its heartbeat this often; a state older than STALE_AFTER_S is not trusted (the link died or hangs).
HEARTBEAT_S = 2.0
STALE_AFTER_S = 15.0


class LinkState(StrEnum):
    """The link's state as `sync status` and the doctor show it."""

    CONNECTING = "connecting"
    ONLINE = "online"
    OFFLINE = "offline"          # the broker cannot be reached: retried with backoff
    REFUSED = "refused"          # the broker refused the login: retried, but it needs a fix
    STOPPED = "stopped"
    NEVER_STARTED = "never started"
    NOT_RUNNING = "not running"  # it said it ran, but its process is gone or its heartbeat is stale

    @property
    def running(self) -> bool:
        """True for the states a live link records."""
        return self in (LinkState.CONNECTING, LinkState.ONLINE, LinkState.OFFLINE, LinkState.REFUSED)


@dataclass(frozen=True)
class SyncStatus:
    """The link as the DB knows it: what `edgepos sync status` prints."""

    link: LinkState
    since: str | None
    detail: str
    pending: int
    oldest_pending_at: str | None
    oldest_pending_age_s: float | None
    last_ack_at: str | None
    rejected: int
    config_version: int | None
    config_error: str
    pid: int | None = None
    heartbeat_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {**self.__dict__, "link": str(self.link)}


def _age(stamp: str | None, now: datetime) -> float | None:
    if stamp is None:
        return None
    then = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return round(max((now - then).total_seconds(), 0.0), 3)


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


def _int(text: str | None) -> int | None:
    return int(text) if text is not None and text.strip().lstrip("-").isdecimal() and text.isascii() else None


def _state(facts: dict[str, str], now: datetime) -> LinkState:
    try:
        link = LinkState(facts.get("link", LinkState.NEVER_STARTED))
    except ValueError:
        return LinkState.NOT_RUNNING
    if not link.running:
        return link
    beat = _age(facts.get("heartbeat_at"), now)   # None: recorded by a link from before heartbeats, pid only
    if not _alive(_int(facts.get("pid"))) or (beat is not None and beat > STALE_AFTER_S):
        return LinkState.NOT_RUNNING
    return link


class SyncStore:
    """The sync link's view of the outbox; rows leave it only through `acknowledge` or `reject`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def after(self, seq: int, limit: int) -> list[tuple[int, str, bytes]]:
        """Pending events with seq greater than `seq`, in seq order: (seq, id, envelope bytes)."""
        rows = self._db.query("SELECT seq, id, envelope FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
                              (seq, limit))
        return [(int(r[0]), str(r[1]), str(r[2]).encode("utf-8")) for r in rows]

    def pending_count(self) -> int:
        """Events waiting in the outbox."""
        row = self._db.query_one("SELECT COUNT(*) FROM outbox")
        return int(row[0]) if row else 0

    def acknowledge(self, ids: list[str], at: str) -> int:
        """Remove the events the backend stored (or already had); returns how many were pending."""
        with self._db.transaction() as tx:
            removed = 0
            for event_id in ids:
                removed += tx.execute("DELETE FROM outbox WHERE id = ?", (event_id,)).rowcount
            tx.execute("INSERT INTO sync_state(key, value) VALUES ('last_ack_at', ?) "
                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (at,))
        return removed

    def reject(self, event_id: str, reason: str, at: str) -> bool:
        """Move an event the backend refused out of the queue, keeping it and the reason for follow-up."""
        with self._db.transaction() as tx:
            moved = tx.execute("INSERT OR IGNORE INTO outbox_rejected(seq, id, schema, envelope, created_at, reason,"
                               " rejected_at) SELECT seq, id, schema, envelope, created_at, ?, ? FROM outbox"
                               " WHERE id = ?", (reason[:500], at, event_id)).rowcount
            tx.execute("DELETE FROM outbox WHERE id = ?", (event_id,))
        return moved > 0

    def rejected_reasons(self) -> list[tuple[str, int]]:
        """Set-aside events counted by rejection reason, the most frequent first."""
        rows = self._db.query("SELECT reason, COUNT(*) AS n FROM outbox_rejected GROUP BY reason ORDER BY n DESC,"
                              " reason")
        return [(str(r[0]), int(r[1])) for r in rows]

    def set_state(self, **values: str | int | None) -> None:
        """Record link facts (state, since, detail, pid, config_version...) in one transaction."""
        with self._db.transaction() as tx:
            for key, value in values.items():
                if value is None:
                    tx.execute("DELETE FROM sync_state WHERE key = ?", (key,))
                else:
                    tx.execute("INSERT INTO sync_state(key, value) VALUES (?, ?) "
                               "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, str(value)))

    def heartbeat(self, at: str) -> None:
        """The link is alive at `at`: what lets the doctor trust the recorded state."""
        self.set_state(heartbeat_at=at)

    def state(self) -> dict[str, str]:
        """Every recorded link fact."""
        return {str(r[0]): str(r[1]) for r in self._db.query("SELECT key, value FROM sync_state")}

    def status(self, now: datetime | None = None) -> SyncStatus:
        """The link state, queue size and ages, read from the DB in one go."""
        now = now or datetime.now(UTC)
        facts = self.state()
        pending_row = self._db.query_one("SELECT COUNT(*), MIN(created_at) FROM outbox")
        rejected_row = self._db.query_one("SELECT COUNT(*) FROM outbox_rejected")
        pending = int(pending_row[0]) if pending_row else 0
        oldest = str(pending_row[1]) if pending_row and pending_row[1] is not None else None
        return SyncStatus(_state(facts, now), facts.get("since"), facts.get("detail", ""), pending, oldest,
                          _age(oldest, now), facts.get("last_ack_at"), int(rejected_row[0]) if rejected_row else 0,
                          _int(facts.get("config_version")), facts.get("config_error", ""), _int(facts.get("pid")),
                          facts.get("heartbeat_at"))
