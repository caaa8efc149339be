"""The technician PIN: a wrong PIN three times locks the screen for 30 seconds."""
from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_TRIES = 3
LOCK_S = 30.0


@dataclass(frozen=True)
class PinVerdict:
    """The answer to one PIN entry: accepted, or why not (and for how long it stays locked)."""

    ok: bool
    locked_for_s: float = 0.0
    tries_left: int = MAX_TRIES


class PinLock:
    """Checks PINs in constant time and counts failures; `now` is a monotonic clock in seconds."""

    def __init__(self, pin: str, now: Callable[[], float] = time.monotonic, max_tries: int = MAX_TRIES,
                 lock_s: float = LOCK_S) -> None:
        self._pin, self._now, self.max_tries, self.lock_s = pin, now, max_tries, lock_s
        self._failures = 0
        self._locked_until = 0.0

    def locked_for(self) -> float:
        """Seconds until PIN entry is allowed again (0 when it is)."""
        return max(self._locked_until - self._now(), 0.0)

    def check(self, entered: str) -> PinVerdict:
        """Check one entry; a locked PIN pad refuses even the right PIN until the lock ends."""
        wait = self.locked_for()
        if wait > 0:
            return PinVerdict(False, wait, 0)
        if hmac.compare_digest(entered.encode(), self._pin.encode()):
            self._failures = 0
            return PinVerdict(True, 0.0, self.max_tries)
        self._failures += 1
        if self._failures >= self.max_tries:
            self._failures = 0
            self._locked_until = self._now() + self.lock_s
            return PinVerdict(False, self.lock_s, 0)
        return PinVerdict(False, 0.0, self.max_tries - self._failures)
