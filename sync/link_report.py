"""What the running link records for `sync status` and the doctor: its state, a heartbeat, and its counts."""
from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from terminal.link.events import rfc3339
from terminal.store.sync_store import HEARTBEAT_S, LinkState, SyncStore


def now_text() -> str:
    """The current UTC time as the link records it."""
    return rfc3339(datetime.now(UTC))


@dataclass
class LinkCounts:
    """Events this link published, saw acked and saw rejected (written on the link's thread, read by the CLI)."""

    sent: int = 0
    resent: int = 0
    acked: int = 0
    rejected: int = 0
    reasons: Counter[str] = field(default_factory=Counter)


class LinkReport:
    """State changes and a heartbeat in the DB's sync_state, so a reader can tell a live link from a dead one."""

    def __init__(self, store: SyncStore) -> None:
        self.store = store
        self._last_beat = 0.0

    def record(self, state: LinkState, detail: str, pid: int | None = None) -> None:
        """A new state, since now, with its detail (a refusal, why it is offline) and a heartbeat."""
        at = now_text()
        facts: dict[str, str | int | None] = {"link": str(state), "since": at, "detail": detail, "heartbeat_at": at}
        if pid is not None:
            facts["pid"] = pid
        self.store.set_state(**facts)
        self._last_beat = time.monotonic()

    def note(self, detail: str) -> None:
        """Change the detail only (e.g. the broker refused an event while the link stays online)."""
        self.store.set_state(detail=detail)

    def beat(self) -> None:
        """Write the heartbeat when the last one is HEARTBEAT_S old."""
        if time.monotonic() - self._last_beat >= HEARTBEAT_S:
            self.store.heartbeat(now_text())
            self._last_beat = time.monotonic()

    def wait(self, stop: threading.Event, seconds: float) -> None:
        """Sleep `seconds` (less if stopped), still beating."""
        deadline = time.monotonic() + seconds
        while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
            self.beat()
            stop.wait(min(left, HEARTBEAT_S))
