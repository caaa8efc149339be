"""Real processes for the sync tests: a terminal data dir on the deployment, `edgepos sync run`, `edgepos cloud`."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from simulators.file_printer import FilePrinter
from support.deploy import stop, terminal_dir  # noqa: F401  (shared with the UI tests)
from sync.provision import Deployment
from terminal.app.bootstrap import Terminal, build_terminal
from terminal.config.settings import load_config
from terminal.sales.money import Money

CLI = [sys.executable, "-m", "terminal.app.cli"]


def open_terminal(data_dir: Path) -> Terminal:
    """The terminal of a data dir, built the way the app builds it (its own DB connection).

    Receipts go to text files: these tests take thousands of sales to load the sync path, not the printer.
    """
    return build_terminal(load_config(data_dir / "edgepos.toml"), data_dir, printer=FilePrinter(data_dir / "receipts"))


def take_sales(term: Terminal, count: int) -> list[str]:
    """Ring up and pay `count` cash sales; returns their ids (each wrote one payment/1 event)."""
    if term.shifts.current is None:
        term.shifts.open("Lan", Money(0, term.till.currency))
    ids = []
    for _ in range(count):
        term.till.add_item("DRK-001")
        ids.append(term.till.pay_cash(term.till.money("2.00")).sale.id)
    return ids


def outbox_ids(data_dir: Path) -> set[str]:
    """Event ids still waiting in the terminal's outbox (read over a fresh connection)."""
    with sqlite3.connect(data_dir / "terminal.db") as conn:
        return {r[0] for r in conn.execute("SELECT id FROM outbox")}


def all_event_ids(data_dir: Path) -> set[str]:
    """Every event id the terminal ever queued that is still pending (call before draining starts)."""
    return outbox_ids(data_dir)


def stored_ids(cloud_db: Path, terminal: str | None = None) -> list[str]:
    """Ids in the backend's events table (a list, so a duplicate would show)."""
    if not cloud_db.exists():
        return []
    with sqlite3.connect(cloud_db, timeout=10) as conn:
        try:
            if terminal is None:
                return [r[0] for r in conn.execute("SELECT id FROM events")]
            return [r[0] for r in conn.execute("SELECT id FROM events WHERE terminal = ?", (terminal,))]
        except sqlite3.OperationalError:
            return []  # the backend has not created its tables yet


def start_link(data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    """`edgepos sync run` for this terminal, as its own process."""
    return subprocess.Popen(CLI + ["--data-dir", str(data_dir), "sync", "run"],
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


def start_cloud(dep: Deployment, cloud_db: Path, log: Path, *extra: str) -> subprocess.Popen[bytes]:
    """`edgepos cloud` on the deployment, storing into a SQLite file, as its own process."""
    return subprocess.Popen(CLI + ["--data-dir", str(cloud_db.parent), "cloud", "--deploy", str(dep.directory),
                                   "--db", f"sqlite:///{cloud_db}", *extra],
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


def sync_status(data_dir: Path) -> dict[str, Any]:
    """`edgepos sync status --json`, parsed."""
    out = subprocess.run(CLI + ["--data-dir", str(data_dir), "sync", "status", "--json"],
                         capture_output=True, text=True, timeout=30, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def wait_for(what: str, check: Callable[[], Any], timeout: float = 60.0, logs: tuple[Path, ...] = ()) -> Any:
    """Poll until check() is truthy; fail with the logs' tails otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    tails = "\n".join(f"--- {p.name}\n" + p.read_text(errors="replace")[-3000:] for p in logs if p.exists())
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{tails}")


