"""Customer-code payments through real MQTT 5 request/response to the acquirer simulator, every script."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sync.rpc import MqttAcquirer
from sync_helpers import open_terminal, take_sales, terminal_dir, wait_for
from terminal.app.bootstrap import Terminal, build_payments, build_sync_link
from terminal.payments.code_checkout import pay_by_code
from terminal.payments.code_payment import CodeAuthorizer, PaymentTimings
from terminal.payments.offline import OfflineGate
from terminal.ports import SystemClock
from terminal.sales.sale import SaleState
from terminal.store.attempts import AttemptStore

pytestmark = pytest.mark.integration
WECHAT = "134567890123456789"
FAST = PaymentTimings(request_timeout_s=1.0, query_interval_s=0.3, query_window_s=2.0)


class Acquirer:
    """The simulator as a real process; `seen` is what it logged, one dict per request."""

    def __init__(self, deployment: Any, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "simulators.acquirer", "--deploy",
                                      str(deployment.directory), *args], stdout=subprocess.PIPE, text=True)
        self.seen: list[dict[str, Any]] = []
        assert self.proc.stdout is not None
        first = json.loads(self.proc.stdout.readline() or "{}")
        assert first.get("ready"), "the acquirer simulator did not start"
        threading.Thread(target=self._read, daemon=True).start()
        time.sleep(0.3)  # its SUBSCRIBE is in flight; a request before it lands would be dropped by the broker

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.seen.append(json.loads(line))

    def methods(self) -> list[str]:
        return [s["method"] for s in self.seen]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def shop(deployment: Any, broker: Any, tmp_path: Path) -> Iterator[tuple[Terminal, CodeAuthorizer]]:
    """A terminal with its link running in-process and an authorizer on it (fast timings)."""
    term = open_terminal(terminal_dir(deployment, tmp_path))
    take_sales(term, 0)
    link = build_sync_link(term)
    thread = link.start_thread()
    wait_for("the link online", lambda: link.rpc.connected)
    gate = OfflineGate(term.db, term.offline_caps, SystemClock())
    authorizer = CodeAuthorizer(MqttAcquirer(link.rpc), AttemptStore(term.db), SystemClock(),
                                term.config.terminal_id, FAST, offline_gate=gate)
    yield term, authorizer
    link.stop()
    thread.join(5)


def ring(term: Terminal) -> None:
    term.till.add_item("TEA-001")   # 18.00


@pytest.mark.parametrize("script, status, calls", [
    ("approve", "approved", ["pay"]),
    ("decline:card_blocked", "declined", ["pay"]),
    ("pending:0.5", "approved", ["pay", "query"]),
    ("silent", "reversed", ["pay", "query", "reverse"]),
])
def test_each_script_end_to_end(shop: Any, deployment: Any, script: str, status: str, calls: list[str]) -> None:
    term, authorizer = shop
    sim = Acquirer(deployment, "--script", script)
    try:
        ring(term)
        progress: list[str] = []
        outcome, done = pay_by_code(term.till, authorizer, WECHAT, progress.append)
        assert outcome.status == status, outcome
        assert list(dict.fromkeys(sim.methods())) == calls
        assert progress and outcome.masked.startswith("1345") and outcome.masked.endswith("6789")
        attempt = authorizer.attempts.get(outcome.out_trade_no)
        assert attempt is not None and attempt.masked_code == outcome.masked
        if status == "approved":
            assert done is not None and done.payment.status == "approved" and term.till.sale is None
            assert WECHAT not in done.payment.reference
        else:
            assert done is None and term.till.sale is not None and term.till.sale.state is SaleState.TENDERING
            assert outcome.message
        if status == "declined":
            assert "card_blocked" in outcome.message
    finally:
        sim.stop()
    assert WECHAT.encode() not in (term.data_dir / "terminal.db").read_bytes()


def test_every_attempt_has_a_new_out_trade_no(shop: Any, deployment: Any) -> None:
    term, authorizer = shop
    sim = Acquirer(deployment, "--script", "decline")
    try:
        ring(term)
        first, _ = pay_by_code(term.till, authorizer, WECHAT)
        second, _ = pay_by_code(term.till, authorizer, "284567890123456789")
        assert first.out_trade_no != second.out_trade_no
        # the simulator's output is read by a thread of its own: the second line may come a moment later
        wait_for("both trades seen by the acquirer", lambda: len({s["out_trade_no"] for s in sim.seen}) == 2)
    finally:
        sim.stop()


def test_a_success_after_the_reversal_is_refunded_and_flagged(shop: Any, deployment: Any) -> None:
    term, authorizer = shop
    sim = Acquirer(deployment, "--script", "late-success:0.3")
    told: list[str] = []
    authorizer.on_attention = told.append
    try:
        ring(term)
        outcome, done = pay_by_code(term.till, authorizer, WECHAT)
        assert outcome.status == "reversed" and done is None
        flagged = wait_for("the late success refunded", lambda: authorizer.attempts.needing_attention())
        assert flagged[0].status == "late_refunded" and "refunded automatically" in flagged[0].reason
        wait_for("the cashier told", lambda: told)        # told right after the flag is stored, on the notify thread
        assert told == [flagged[0].reason]
        assert "refund" in sim.methods()
    finally:
        sim.stop()


def test_invalid_code_is_refused_and_never_sent(shop: Any, deployment: Any) -> None:
    term, authorizer = shop
    sim = Acquirer(deployment, "--script", "approve")
    try:
        ring(term)
        outcome, done = pay_by_code(term.till, authorizer, "999912345678")
        assert outcome.status == "refused" and done is None and outcome.message
        time.sleep(0.3)
        assert sim.seen == []
    finally:
        sim.stop()


def test_offline_within_caps_then_over_a_cap(shop: Any, broker: Any) -> None:
    term, authorizer = shop
    broker.stop()
    wait_for("the link offline", lambda: not authorizer.acquirer.reachable())
    ring(term)
    outcome, done = pay_by_code(term.till, authorizer, WECHAT)
    assert outcome.status == "offline" and done is not None and done.payment.status == "offline"
    term.till.add_item("TEA-001", 30)   # 540.00: over the 500.00 per-payment cap
    refused, nothing = pay_by_code(term.till, authorizer, WECHAT)
    assert refused.status == "refused" and nothing is None and "500.00" in refused.message


def test_the_app_wiring_refuses_a_reused_code(deployment: Any, broker: Any, tmp_path: Path) -> None:
    term = open_terminal(terminal_dir(deployment, tmp_path))
    take_sales(term, 0)
    link = build_sync_link(term)
    thread = link.start_thread()
    sim = Acquirer(deployment, "--script", "approve")
    try:
        wait_for("the link online", lambda: link.rpc.connected)
        authorizer, _qr = build_payments(term, link)
        ring(term)
        first, done = pay_by_code(term.till, authorizer, WECHAT)
        assert first.status == "approved" and done is not None
        ring(term)
        again, nothing = pay_by_code(term.till, authorizer, WECHAT)
        assert again.status == "refused" and nothing is None and "already used" in again.message
        assert sim.methods() == ["pay"]
    finally:
        sim.stop()
        link.stop()
        thread.join(5)
