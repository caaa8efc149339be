"""The crash test: a real terminal process selling in a loop, SIGKILLed at random moments, rounds on one DB.

Afterwards a fresh connection must find a sound file in which every stored sale is whole: its lines,
its payment, its one payment/1 event, and nothing orphaned. Every sale the process reported as done
(reported only after the commit) must be there.
"""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from terminal.app.bootstrap import build_terminal
from terminal.config.settings import load_config
from terminal.link.events import verify_envelope
from terminal.sales.money import Money

pytestmark = pytest.mark.integration

HELPER = Path(__file__).with_name("sale_loop.py")
ROUNDS = 8


def run_round(data_dir: Path, rng: random.Random, round_no: int) -> tuple[list[str], dict[str, int]]:
    """Start the helper, let it sell a little, SIGKILL it; returns the sales and refunds it reported."""
    proc = subprocess.Popen([sys.executable, str(HELPER), str(data_dir), str(rng.randrange(10**9))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    reported: list[str] = []
    refunds: dict[str, int] = defaultdict(int)

    def take(line: str) -> None:
        parts = line.split()
        if parts and parts[0] == "sale":
            reported.append(parts[2])
        elif parts and parts[0] == "refund":
            refunds[parts[1]] += int(parts[2])

    try:
        assert proc.stdout is not None
        want = rng.randint(3, 25)  # sales before the kill window opens
        deadline = time.monotonic() + 60
        while len(reported) < want:
            line = proc.stdout.readline()
            if not line:
                _, err = proc.communicate(timeout=10)
                pytest.fail(f"round {round_no}: the sale loop stopped by itself (rc {proc.returncode}):\n{err}")
            take(line)
            assert time.monotonic() < deadline, "the sale loop is too slow"
        time.sleep(rng.uniform(0, 0.15))   # a random moment: mid-sale, mid-commit, mid-print...
        os.kill(proc.pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL, err
    for line in out.splitlines():
        take(line)
    return reported, refunds


@pytest.mark.timeout(240)
def test_sigkill_never_leaves_a_half_written_sale(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    rng = random.Random()
    seed = rng.randrange(10**9)
    rng.seed(seed)
    reported: list[str] = []
    refunded: dict[str, int] = defaultdict(int)
    for round_no in range(ROUNDS):
        sales, refunds = run_round(data_dir, rng, round_no)
        reported += sales
        for sale_id, amount in refunds.items():
            refunded[sale_id] += amount
    assert len(reported) >= 3 * ROUNDS, f"seed {seed}"

    db_file = data_dir / "terminal.db"
    conn = sqlite3.connect(str(db_file))
    conn.row_factory = sqlite3.Row
    try:
        check_database(conn, data_dir, reported, refunded, seed)
    finally:
        conn.close()

    # and the terminal starts again on the same file and sells
    config = load_config(data_dir / "edgepos.toml")
    term = build_terminal(config, data_dir)
    try:
        assert term.shifts.current is not None
        term.till.add_item("TEA-001", 2)
        done = term.till.pay_cash(Money.parse("50", "CNY"))
        assert term.till.sales.load(done.sale.id).totals.total == Money(3600, "CNY")
        assert term.db.integrity_check() == "ok"
    finally:
        term.close()


def check_database(conn: sqlite3.Connection, data_dir: Path, reported: list[str], refunded: dict[str, int],
                   seed: int) -> None:
    ctx = f"(seed {seed})"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", ctx
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == [], ctx

    sales = {r["id"]: r for r in conn.execute("SELECT * FROM sales")}
    assert set(reported) <= set(sales), f"committed sales lost {ctx}"
    assert all(r["state"] == "paid" for r in sales.values()), ctx

    lines: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for r in conn.execute("SELECT * FROM sale_lines ORDER BY sale_id, line_no"):
        lines[r["sale_id"]].append(r)
    payments: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for r in conn.execute("SELECT * FROM payments"):
        payments[r["sale_id"]].append(r)

    secret = bytes.fromhex((data_dir / "keys" / "terminal.key").read_text().strip())
    outbox = [dict(r) for r in conn.execute("SELECT * FROM outbox ORDER BY seq")]
    envelopes = [json.loads(r["envelope"]) for r in outbox]
    assert [r["seq"] for r in outbox] == list(range(1, len(outbox) + 1)), f"seq has gaps or repeats {ctx}"
    for row, env in zip(outbox, envelopes, strict=True):
        assert env["seq"] == row["seq"] and env["id"] == row["id"] and env["schema"] == row["schema"], ctx
        assert verify_envelope(env, secret), ctx
    payment_events = Counter(e["body"]["sale_id"] for e in envelopes if e["schema"] == "payment/1")
    refund_events = Counter(e["body"]["refund_id"] for e in envelopes if e["schema"] == "refund/1")
    shift_events = [e for e in envelopes if e["schema"] == "shift/1"]
    assert len(shift_events) == conn.execute("SELECT COUNT(*) FROM shifts").fetchone()[0] == 1, ctx

    for sale_id, sale in sales.items():
        its_lines = lines[sale_id]
        assert its_lines, f"sale {sale_id} has no lines {ctx}"
        assert [r["line_no"] for r in its_lines] == list(range(1, len(its_lines) + 1)), ctx
        assert sum(r["amount"] for r in its_lines) == sale["total"], f"sale {sale_id} lines != total {ctx}"
        assert sum(r["tax"] for r in its_lines) == sale["tax"], ctx
        its_payments = payments[sale_id]
        assert its_payments, f"sale {sale_id} has no payment {ctx}"
        assert sum(p["amount"] for p in its_payments) == sale["total"], ctx
        for p in its_payments:
            assert p["change"] == p["tendered"] - p["amount"] >= 0, ctx
        assert payment_events[sale_id] == 1, f"sale {sale_id} has {payment_events[sale_id]} payment events {ctx}"

    assert set(payments) <= set(sales), f"payment without its sale {ctx}"
    assert set(lines) <= set(sales), f"lines without their sale {ctx}"
    assert set(payment_events) == set(sales), f"payment event without its sale {ctx}"
    assert sum(payment_events.values()) == len(sales), ctx

    refunds = list(conn.execute("SELECT * FROM refunds"))
    assert set(refund_events) == {r["id"] for r in refunds}, f"refund and refund events differ {ctx}"
    assert all(n == 1 for n in refund_events.values()), ctx
    per_sale: dict[str, int] = defaultdict(int)
    for r in refunds:
        assert r["sale_id"] in sales, ctx
        per_sale[r["sale_id"]] += r["amount"]
    for sale_id, amount in per_sale.items():
        assert amount <= sales[sale_id]["total"], ctx
    for sale_id, amount in refunded.items():   # refunds reported as done are all there
        assert per_sale[sale_id] >= amount, ctx
