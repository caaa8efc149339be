"""SIGKILL the terminal at each named step of a wallet payment, restart, and check every charge at the simulator.

Real Mosquitto, `edgepos sim acquirer --ledger` (one process across the terminal's restarts) and the terminal
as real subprocesses: `edgepos demo --pay wallet|qr` with EDGEPOS_CRASH_AT, then `edgepos payments attention
--json` until the attempt is final. Every case ends with the sale completed or the charge reversed or refunded
at the simulator, nothing charged twice, and the item listed exactly once. EDGEPOS_SOAK_REPEAT repeats each
case (`make soak`: 20, with random delays before the restart).
"""
from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from support.cli import edgepos_command
from support.deploy import stop, terminal_dir
from support.fakes import FakePrinter
from terminal.app.bootstrap import build_terminal
from terminal.config.settings import load_config
from terminal.sales.money import Money

pytestmark = pytest.mark.integration
CODE = "134567890123456789"   # a WeChat Pay code
REPEAT = int(os.environ.get("EDGEPOS_SOAK_REPEAT", "2"))   # make test: each point twice; make soak: 20
JITTER = os.environ.get("EDGEPOS_SOAK") == "1"   # random delays before the restart
FAST = ("[payments]\nrequest_timeout_s = 1\nquery_interval_s = 1\nquery_window_s = 2\n")
FINAL = {"approved", "reversed", "refunded", "late_refunded", "declined"}


@dataclass(frozen=True)
class Case:
    """A crash point, the simulator's script, how the sale is paid, and what recovery must end with."""

    point: str
    script: str
    pay: str
    expect: str            # the item's status in `payments attention`
    expired: bool = False  # the QR order's window is over (its created_at is moved back 2 minutes)
    close_shift: bool = False   # the shift is closed before the terminal is back: the sale cannot complete
    via_sync: bool = False      # the restart is `edgepos sync run` (it recovers in the background)


CASES = [
    Case("attempt_written", "approve", "wallet", "reversed"),
    Case("pay_sent", "approve", "wallet", "completed"),
    Case("approved_before_commit", "approve", "wallet", "completed"),
    Case("reversal_sent", "silent", "wallet", "reversed"),
    Case("qr_waiting", "pending:1", "qr", "completed"),             # the customer pays while the terminal is down
    Case("qr_waiting", "pending:9999", "qr", "reversed", expired=True),   # the customer never pays
    Case("qr_waiting", "decline", "qr", "declined"),               # the customer's wallet declines
    Case("approved_before_commit", "approve", "wallet", "refunded", close_shift=True),
    Case("attempt_written", "approve", "wallet", "reversed", via_sync=True),
]


class Rig:
    """A terminal data dir on the deployment (fast payment timings) and the acquirer simulator with its ledger."""

    def __init__(self, deployment: Any, tmp_path: Path, script: str) -> None:
        self.data_dir = terminal_dir(deployment, tmp_path)
        config = self.data_dir / "edgepos.toml"
        text = config.read_text(encoding="utf-8")
        config.write_text(re.sub(r"\[payments\][^\n]*\n(?:request_timeout_s|query_interval_s|query_window_s)"
                                 r"[^\n]*\n(?:[^\n]*\n){2}", FAST, text, count=1), encoding="utf-8")
        self.ledger_path = tmp_path / "ledger.json"
        self.log = (tmp_path / "sim.log").open("w")
        self.sim = subprocess.Popen(edgepos_command("sim", "acquirer", "--deploy", str(deployment.directory),
                                                    "--script", script, "--ledger", str(self.ledger_path)),
                                    stdout=subprocess.PIPE, stderr=self.log, text=True)
        assert self.sim.stdout is not None
        assert json.loads(self.sim.stdout.readline() or "{}").get("ready"), "the simulator did not start"
        time.sleep(0.3)   # its SUBSCRIBE is in flight

    def run(self, *args: str, env: dict[str, str] | None = None, timeout: float = 60,
            stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(edgepos_command("--data-dir", str(self.data_dir), *args), capture_output=True,
                              text=True, timeout=timeout, env={**os.environ, **(env or {})}, input=stdin)

    def ledger(self) -> dict[str, dict[str, str]]:
        return json.loads(self.ledger_path.read_text()) if self.ledger_path.exists() else {}

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.data_dir / "terminal.db") as conn:
            return list(conn.execute(sql, params))

    def attention(self) -> list[dict[str, str]]:
        out = self.run("payments", "attention", "--json")
        assert out.returncode == 0, out.stderr
        return list(json.loads(out.stdout.strip().splitlines()[-1]))

    def close(self) -> None:
        stop(self.sim)
        self.log.close()


@pytest.fixture
def rig(request: pytest.FixtureRequest, deployment: Any, broker: Any, tmp_path: Path) -> Any:
    made: list[Rig] = []

    def make(script: str) -> Rig:
        made.append(Rig(deployment, tmp_path, script))
        return made[-1]
    yield make
    for one in made:
        one.close()


def crash(rig: Rig, case: Case) -> tuple[str, str]:
    """Run the demo sale until it kills itself at the crash point; returns (out_trade_no, sale_id)."""
    args = ["demo", "--pay", case.pay] + (["--code"] if case.pay == "wallet" else [])
    out = rig.run(*args, env={"EDGEPOS_CRASH_AT": case.point}, stdin=CODE + "\n")
    assert out.returncode == -signal.SIGKILL, f"the demo did not crash at {case.point}:\n{out.stdout}\n{out.stderr}"
    (otn, sale_id), = rig.rows("SELECT out_trade_no, sale_id FROM payment_attempts")
    assert rig.rows("SELECT state FROM tenders WHERE sale_id = ?", sale_id) == [("tendering",)]
    assert rig.rows("SELECT COUNT(*) FROM sales") == [(0,)], "a sale was stored before it was paid"
    return otn, sale_id


def settle(rig: Rig, otn: str, timeout: float = 60) -> list[dict[str, str]]:
    """Restart (`payments attention --json`) until the attempt is final; returns the last list."""
    deadline = time.monotonic() + timeout
    while True:
        items = rig.attention()   # a restart: it sweeps, unless a running `sync run` does
        (status,), = rig.rows("SELECT status FROM payment_attempts WHERE out_trade_no = ?", otn)
        if status in FINAL and not (status == "approved" and not rig.rows("SELECT 1 FROM sales")):
            return rig.attention()   # listed after it became final (a background sweep may finish in between)
        assert time.monotonic() < deadline, f"{otn} still {status} after {timeout} s: {items}"


def check_money(rig: Rig, otn: str, sale_id: str, expect: str) -> None:
    """The simulator's own records agree with the terminal: one charge kept only with a stored paid sale."""
    trade = rig.ledger().get(otn)
    charged = trade is not None and trade["status"] == "success"
    kept = charged and Decimal(trade["refunded"]) < Decimal(trade["amount"])
    paid = rig.rows("SELECT reference FROM payments p JOIN sales s ON s.id = p.sale_id"
                    " WHERE s.id = ? AND s.state = 'paid'", sale_id)
    if expect == "completed":
        assert kept and len(paid) == 1 and otn in paid[0][0], (trade, paid)
        assert rig.rows("SELECT state FROM tenders WHERE sale_id = ?", sale_id) == [("completed",)]
        events = rig.rows("SELECT COUNT(*) FROM outbox WHERE schema = 'payment/1'")
        assert events == [(1,)]
    else:
        assert not kept and paid == [], (trade, paid)
        assert rig.rows("SELECT state FROM tenders WHERE sale_id = ?", sale_id) == [("abandoned",)]
    charges = [t for t in rig.ledger().values() if t["status"] == "success" and t["refunded"] != t["amount"]]
    assert len(charges) <= 1, f"charged twice: {charges}"


@pytest.mark.timeout(120 * REPEAT)
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.point}-{c.expect}" + ("-sync" if c.via_sync else ""))
@pytest.mark.parametrize("round_no", range(REPEAT))
def test_a_crash_at_each_point_ends_in_a_sale_or_a_reversal(rig: Any, case: Case, round_no: int) -> None:
    sim = rig(case.script)
    otn, sale_id = crash(sim, case)
    if case.expired:   # the customer never paid: the order's 120 s are over when the terminal is back
        with sqlite3.connect(sim.data_dir / "terminal.db") as conn:
            conn.execute("UPDATE payment_attempts SET created_at ="
                         " strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-130 seconds')")
    if case.close_shift:
        term = build_terminal(load_config(sim.data_dir / "edgepos.toml"), sim.data_dir, printer=FakePrinter())
        term.shifts.close(Money(0, term.config.currency))
        term.close()
    if JITTER:
        time.sleep(random.uniform(0, 1.5))
    if case.via_sync:
        link = subprocess.Popen(edgepos_command("--data-dir", str(sim.data_dir), "sync", "run"),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            items = settle(sim, otn)   # `payments attention` leaves the sweeping to the running link
        finally:
            stop(link)
    else:
        items = settle(sim, otn)
    listed = [i for i in items if i["out_trade_no"] == otn]
    assert len(listed) == 1, items
    assert listed[0]["status"] == case.expect and listed[0]["sale_id"] == sale_id and listed[0]["reason"]
    assert re.fullmatch(r"\d+\.\d\d", listed[0]["amount"]) and listed[0]["at"].endswith("Z")
    check_money(sim, otn, sale_id, case.expect)
    again = sim.run("payments", "attention", "--json", "--ack")
    assert [i["out_trade_no"] for i in json.loads(again.stdout.strip().splitlines()[-1])].count(otn) == 1
    assert otn not in {i["out_trade_no"] for i in sim.attention()}, "an acknowledged item came back"
    check_money(sim, otn, sale_id, case.expect)


def test_the_wallet_demo_pays_by_code_without_a_crash(rig: Any) -> None:
    sim = rig("approve")
    out = sim.run("demo", "--pay", "wallet", "--code", stdin=CODE + "\n")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["status"] == "approved" and result["paid"] and result["out_trade_no"].startswith("T-0001-")
    assert sim.ledger()[result["out_trade_no"]]["status"] == "success"
    assert sim.rows("SELECT state FROM tenders WHERE sale_id = ?", result["sale_id"]) == [("completed",)]
    assert sim.attention() == []


def test_any_command_that_opens_the_till_recovers_in_the_background(rig: Any) -> None:
    sim = rig("approve")
    otn, sale_id = crash(sim, Case("approved_before_commit", "approve", "wallet", "completed"))
    deadline = time.monotonic() + 60
    while True:   # `sales list` sweeps in the background (bounded) while it lists: the sale appears once completed
        started = time.monotonic()
        out = sim.run("sales", "list", "--json")
        assert out.returncode == 0, out.stderr
        assert time.monotonic() - started < 30, "a CLI command blocked for the query window"
        if sale_id in {row["sale_id"] for row in json.loads(out.stdout)}:
            break
        assert time.monotonic() < deadline, f"sale {sale_id} never completed: {out.stdout}"
    check_money(sim, otn, sale_id, "completed")
    listed = [i for i in sim.attention() if i["out_trade_no"] == otn]
    assert [i["status"] for i in listed] == ["completed"]
