"""Reconnect delays: capped exponential backoff with jitter, so terminals don't stampede a broker."""
from __future__ import annotations

import random


class Backoff:
    """Each failure doubles the ceiling up to `cap`; the delay is drawn between half of it and it; success resets."""

    def __init__(self, base: float = 0.5, cap: float = 30.0, rng: random.Random | None = None) -> None:
        self.base, self.cap = base, cap
        self._rng = rng or random.Random()
        self.failures = 0

    def next_delay(self) -> float:
        """The delay before the next attempt."""
        ceiling = min(self.cap, self.base * 2 ** self.failures)
        self.failures += 1
        return self._rng.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        """The link is up: start again from the base delay."""
        self.failures = 0
