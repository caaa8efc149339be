"""`edgepos bench checkout`: a 5-line cash sale completed many times, DB commit and receipt render included."""
from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from terminal.app.bootstrap import build_terminal
from terminal.config.settings import ensure_config, load_config
from terminal.sales.receipts import Receipt


class SinkPrinter:
    """A printer port that renders each receipt to bytes and keeps only the byte count."""

    def __init__(self) -> None:
        self.bytes_out = 0

    def print_receipt(self, receipt: Receipt) -> str:
        """Render the receipt as a printer would receive its text."""
        self.bytes_out += len(receipt.as_text().encode("gb18030", errors="replace"))
        return "sink"

    def status(self) -> str:
        """Always ready."""
        return "ready"

    def close(self) -> None:
        """Nothing to release."""


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def run_checkout_bench(iterations: int, say: Callable[[str], Any] = print) -> dict[str, Any]:
    """Time `iterations` complete 5-line cash sales on a fresh data dir; returns the figures."""
    with tempfile.TemporaryDirectory(prefix="edgepos-bench-") as tmp:
        data_dir = Path(tmp)
        ensure_config(data_dir / "edgepos.toml")
        sink = SinkPrinter()
        terminal = build_terminal(load_config(data_dir / "edgepos.toml"), data_dir, printer=sink)
        till = terminal.till
        terminal.shifts.open("bench", till.money("500"))
        codes = [i.barcode for i in terminal.catalog if i.barcode][:5]
        timings = []
        for n in range(iterations + 20):
            start = time.perf_counter()
            for code in codes:
                till.scan(code or "")
            done = till.pay_cash(till.sale.due if till.sale else till.money("0"))
            elapsed = (time.perf_counter() - start) * 1000
            if done.print_error:
                raise RuntimeError(done.print_error)
            if n >= 20:  # the first runs warm caches and the WAL
                timings.append(elapsed)
        stored = terminal.outbox.pending_count()
        terminal.close()
    say(f"checkout: {iterations} five-line cash sales, each committed (synchronous=FULL) and its receipt rendered")
    return {"bench": "checkout", "iterations": iterations, "lines_per_sale": 5,
            "p50_ms": round(statistics.median(timings), 3), "p95_ms": round(_percentile(timings, 95), 3),
            "p99_ms": round(_percentile(timings, 99), 3), "max_ms": round(max(timings), 3),
            "mean_ms": round(statistics.fmean(timings), 3), "outbox_rows": stored,
            "receipt_bytes": sink.bytes_out}
