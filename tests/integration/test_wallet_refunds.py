"""A wallet refund by line through the real acquirer simulator over a real Mosquitto, with a retry after no answer."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.cli import edgepos_command
from support.staff_members import add_staff
from sync.link import SyncLink
from sync.rpc import MqttAcquirer
from sync_helpers import open_terminal, take_sales, terminal_dir, wait_for
from terminal.app.bootstrap import Terminal, build_sync_link
from terminal.errors import RefundPending
from terminal.payments.code_checkout import pay_by_code
from terminal.payments.code_payment import CodeAuthorizer, PaymentTimings
from terminal.ports import SystemClock
from terminal.staff.model import Role
from terminal.store.attempts import AttemptStore

pytestmark = pytest.mark.integration
FAST = PaymentTimings(request_timeout_s=1.0, query_interval_s=0.3, query_window_s=2.0)


class Simulator:
    """`python -m simulators.acquirer` as a real process; `seen` is what it logged, one dict per request."""

    def __init__(self, deployment: Any) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "simulators.acquirer", "--deploy",
                                      str(deployment.directory), "--script", "approve"],
                                     stdout=subprocess.PIPE, text=True)
        self.seen: list[dict[str, Any]] = []
        assert self.proc.stdout is not None
        assert json.loads(self.proc.stdout.readline() or "{}").get("ready"), "the simulator did not start"
        threading.Thread(target=self._read, daemon=True).start()
        time.sleep(0.3)  # its SUBSCRIBE is in flight

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.seen.append(json.loads(line))

    def refunds(self) -> list[dict[str, Any]]:
        return [s for s in self.seen if s["method"] == "refund"]

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGCONT)
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def shop(deployment: Any, broker: Any, tmp_path: Path) -> Iterator[tuple[Terminal, CodeAuthorizer, SyncLink]]:
    term = open_terminal(terminal_dir(deployment, tmp_path))
    take_sales(term, 0)
    link = build_sync_link(term)
    thread = link.start_thread()
    wait_for("the link online", lambda: link.rpc.connected)
    authorizer = CodeAuthorizer(MqttAcquirer(link.rpc), AttemptStore(term.db), SystemClock(),
                                term.config.terminal_id, FAST)
    yield term, authorizer, link
    link.stop()
    thread.join(5)


def test_line_refund_through_the_acquirer_is_never_doubled(shop: Any, deployment: Any) -> None:
    term, authorizer, _link = shop
    sim = Simulator(deployment)
    try:
        term.till.add_item("DRK-001", 3)
        term.till.add_item("TEA-001")
        outcome, done = pay_by_code(term.till, authorizer, "134567890123456789")
        assert done is not None, outcome
        till, mai = term.till, add_staff(term.data_dir, "Mai")
        till.refunds.acquirer, till.refunds.timeout = authorizer.acquirer, 1.0
        first = till.refund(done.sale.id, {1: 1}, "one water", mai)
        os.kill(sim.proc.pid, signal.SIGSTOP)          # the acquirer stops answering: the request is kept
        with pytest.raises(RefundPending) as err:
            till.refund(done.sale.id, {2: 1}, "the tea", mai)
        os.kill(sim.proc.pid, signal.SIGCONT)          # it wakes up and refunds the request it had received
        wait_for("the late refund", lambda: len(sim.refunds()) == 2, timeout=10)
        again = till.refund(done.sale.id, {2: 1}, "the tea", mai)    # the same refund asked again
        assert again.id == err.value.refund_id and again.amount.format() == "CNY 18.00"
        rest = till.refund(done.sale.id, None, "the rest", mai)
        # 4 requests: the retry was answered as the same out_request_no; a doubled tea refund would have made
        # the simulator refuse the rest as larger than what is left
        assert [r["answer"] for r in sim.refunds()] == ["refunded"] * 4
        assert {r["out_trade_no"] for r in sim.refunds()} == {outcome.out_trade_no}
        assert first.amount + again.amount + rest.amount == done.sale.paid
        assert till.history.detail(done.sale.id).refundable.is_zero
    finally:
        sim.stop()


def test_the_cli_refunds_a_wallet_sale_over_the_configured_broker(shop: Any, deployment: Any) -> None:
    term, authorizer, link = shop
    sim = Simulator(deployment)
    try:
        term.staff.add("Mai", Role.MANAGER, "2468")
        term.till.add_item("DRK-001", 2)
        outcome, done = pay_by_code(term.till, authorizer, "134567890123456789")
        assert done is not None, outcome
        link.stop()                                   # the command connects as this terminal itself
        env = dict(os.environ, PYTHONIOENCODING="utf-8")
        result = subprocess.run(edgepos_command("--data-dir", str(term.data_dir), "sales", "refund",
                                                done.sale.id[:12], "--line", "DRK-001:1", "--pin-stdin", "--json"),
                                capture_output=True, text=True, timeout=60, env=env, input="2468\n")
        assert result.returncode == 0, result.stderr
        refund = json.loads(result.stdout.strip().splitlines()[-1])
        assert (refund["status"], refund["amount"], refund["method"]) == ("refunded", "2.00", "code")
        assert [(r["method"], r["answer"], r["out_trade_no"]) for r in sim.refunds()] == [
            ("refund", "refunded", outcome.out_trade_no)]
    finally:
        sim.stop()
