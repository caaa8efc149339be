"""`edgepos sales` as real subprocesses: list, show, reprint, refund by line with a manager's PIN, offline refusal."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from simulators.file_printer import FilePrinter
from terminal.app.bootstrap import Terminal, build_terminal
from terminal.config.settings import ensure_config, load_config
from terminal.payments.acquirer import AcquirerReply
from terminal.payments.code_checkout import pay_by_code
from terminal.payments.code_payment import CodeAuthorizer
from terminal.ports import SystemClock
from terminal.sales.money import Money
from terminal.staff.model import Role
from terminal.store.attempts import AttemptStore

try:
    from tests.support.cli import edgepos_command
    from tests.support.fakes import FakeAcquirer
except ModuleNotFoundError:  # `pytest` rather than `python -m pytest`: only tests/ itself is on sys.path
    from support.cli import edgepos_command  # type: ignore[no-redef, import-not-found, unused-ignore]
    from support.fakes import FakeAcquirer  # type: ignore[no-redef, import-not-found, unused-ignore]

MANAGER_PIN, CASHIER_PIN = "2468", "1357"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sales(var: Path, *args: str, pin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    extra = ["--pin-stdin"] if pin is not None else []
    return subprocess.run(edgepos_command("--data-dir", str(var), "sales", *args, *extra), cwd=var.parent,
                          capture_output=True, text=True, timeout=120, env=env,
                          input=None if pin is None else pin + "\n")


class Approving(FakeAcquirer):
    def reply(self, method: str, body: dict[str, Any]) -> AcquirerReply | None:
        return AcquirerReply("success", trade_no="T1", out_trade_no=str(body.get("out_trade_no", "")))


@pytest.fixture
def shop(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A data dir with a manager, a cashier, a cash sale and a wallet sale; the broker is a closed port."""
    var = tmp_path / "var"
    config_path = var / "edgepos.toml"
    ensure_config(config_path)
    text = config_path.read_text(encoding="utf-8")
    text = text.replace('url = "mqtt://127.0.0.1:1883"', f'url = "mqtt://127.0.0.1:{free_port()}"')
    config_path.write_text(text.replace("request_timeout_s = 10", "request_timeout_s = 2"), encoding="utf-8")
    term: Terminal = build_terminal(load_config(config_path), var, printer=FilePrinter(var / "receipts"))
    try:
        term.staff.add("Mai", Role.MANAGER, MANAGER_PIN)
        term.staff.add("Lan", Role.CASHIER, CASHIER_PIN)
        term.shifts.open("Lan", Money(10000, "CNY"))
        term.till.add_item("DRK-001", 3)
        term.till.add_item("TEA-001")
        cash = term.till.pay_cash(Money(2400, "CNY")).sale.id
        authorizer = CodeAuthorizer(Approving(), AttemptStore(term.db), SystemClock(), term.config.terminal_id)
        term.till.add_item("DRK-001", 2)
        outcome, done = pay_by_code(term.till, authorizer, "134567890123456789")
        assert done is not None, outcome
    finally:
        term.close()
    return var, {"cash": cash, "wallet": done.sale.id}


def test_list_show_and_refund_by_line_with_a_manager_pin(shop: tuple[Path, dict[str, str]]) -> None:
    var, ids = shop
    listed = sales(var, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [r["sale_id"] for r in rows] == [ids["wallet"], ids["cash"]]
    assert rows[1]["receipt_no"] == ids["cash"][:12].upper() and rows[1]["total"] == "24.00"
    text = sales(var, "list")
    assert ids["cash"][:12].upper() in text.stdout and "2 sale(s) on" in text.stdout
    assert "0 sale(s) on 2000-01-01" in sales(var, "list", "--date", "2000-01-01").stdout

    number = ids["cash"][:12].lower()
    refused = sales(var, "refund", number, "--line", "DRK-001:1", "--json", pin=CASHIER_PIN)
    assert refused.returncode == 1 and "manager" in refused.stderr.lower()
    assert json.loads(refused.stdout)["status"] == "refused"
    done = sales(var, "refund", number, "--line", "DRK-001:1", "--reason", "broken", "--json",
                 pin=MANAGER_PIN)
    assert done.returncode == 0, done.stderr
    refund = json.loads(done.stdout)
    assert (refund["status"], refund["amount"], refund["method"]) == ("refunded", "2.00", "cash")
    over = sales(var, "refund", number, "--line", "DRK-001:3", pin=MANAGER_PIN)
    assert over.returncode == 1 and "only 2 of 3 left" in over.stderr

    shown = json.loads(sales(var, "show", ids["cash"], "--json").stdout)
    assert [(ln["sku"], ln["refunded"], ln["refundable"]) for ln in shown["lines"]] == [("DRK-001", 1, 2),
                                                                                        ("TEA-001", 0, 1)]
    assert shown["state"] == "partly_refunded" and shown["refunds"][0]["approved_by"] == "Mai"
    human = sales(var, "show", number)
    assert "approved by Mai" in human.stdout and "DRK-001" in human.stdout and "refundable CNY 22.00" in human.stdout


def test_a_wallet_refund_with_the_broker_unreachable_is_refused_in_time(shop: tuple[Path, dict[str, str]]) -> None:
    var, ids = shop
    started = time.monotonic()
    result = sales(var, "refund", ids["wallet"], "--json", pin=MANAGER_PIN)
    assert result.returncode == 1 and "cannot be reached" in result.stderr
    assert json.loads(result.stdout)["status"] == "refused"
    assert time.monotonic() - started < 12          # the 2 s request timeout, plus the process start


def test_reprint_and_unknown_receipt(shop: tuple[Path, dict[str, str]]) -> None:
    var, ids = shop
    printed = sales(var, "reprint", ids["cash"][:12])
    assert printed.returncode == 0, printed.stderr
    assert f"receipt of sale {ids['cash'][:12].upper()} printed" in printed.stdout
    missing = sales(var, "show", "abcdef012345")
    assert missing.returncode == 1 and "no sale ABCDEF012345" in missing.stderr
