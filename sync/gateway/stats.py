"""The time the gateway adds to each request: from the message's arrival to its reply, less the provider calls."""
from __future__ import annotations

import threading
from collections import deque
from typing import Any

KEEP = 100_000   # the newest samples kept for the percentiles


def percentile(samples: list[float], pct: float) -> float:
    """The nearest-rank percentile of samples (0 for none)."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))]


class Stats:
    """Thread-safe samples of (method, total seconds, provider seconds)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.samples: deque[tuple[str, str, float, float]] = deque(maxlen=KEEP)

    def add(self, method: str, key: str, total_s: float, provider_s: float) -> None:
        """One answered request (`key`: its out_trade_no)."""
        with self._lock:
            self.samples.append((method, key, total_s, provider_s))

    def by_key(self) -> dict[str, tuple[float, float]]:
        """(total, provider) seconds of each kept request by its key."""
        with self._lock:
            return {k: (t, p) for _m, k, t, p in self.samples}

    def summary(self, method: str | None = None) -> dict[str, Any]:
        """Count and p50/p95/p99 of the gateway's own milliseconds (provider time excluded)."""
        with self._lock:
            own = [(t - p) * 1000 for m, _k, t, p in self.samples if method is None or m == method]
        return {"requests": len(own), "p50_ms": round(percentile(own, 50), 2),
                "p95_ms": round(percentile(own, 95), 2), "p99_ms": round(percentile(own, 99), 2)}
