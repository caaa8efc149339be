"""`edgepos members topup|balance|agreement` as real subprocesses: cash and wallet-code top-ups (real MQTT 5 to the
acquirer simulator), a declined code credits nothing, the agreement sign page, and the code never in argv."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sync_helpers import open_terminal
from terminal.sales.money import Money
from test_code_payments import Acquirer

try:
    from tests.support.deploy import terminal_dir
except ModuleNotFoundError:  # `pytest` rather than `python -m pytest`: only tests/ itself is on sys.path
    from support.deploy import terminal_dir  # type: ignore[no-redef, import-not-found, unused-ignore]

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
CODE = "284567890123456789"


def members(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "terminal.app.cli", "--data-dir", str(data_dir), "members", *args],
                          input=stdin, capture_output=True, text=True, timeout=60, env=env, cwd=data_dir)


def test_topups_by_cash_and_code_and_the_agreement_page(deployment: Any, broker: Any, tmp_path: Path) -> None:
    data_dir = terminal_dir(deployment, tmp_path)
    term = open_terminal(data_dir)
    assert term.members is not None
    member = term.members.add("Lan", "+8613812340143", face_consent=True).id
    term.shifts.open("Lan", Money(0, "CNY"))
    term.close()
    sim = Acquirer(deployment, "--script", "approve", "--by-amount", "13.00=decline:card_blocked")
    try:
        cash = members(data_dir, "topup", member, "50.00", "--cash")
        assert cash.returncode == 0, cash.stderr
        assert json.loads(cash.stdout)["balance"] == "50.00" and json.loads(cash.stdout)["tender"] == "cash"
        code = members(data_dir, "topup", member, "30.00", "--code", stdin=CODE + "\n")
        assert code.returncode == 0, code.stderr
        done = json.loads(code.stdout)
        assert (done["balance"], done["tender"]) == ("80.00", "code") and done["reference"].startswith("T-0001-")
        declined = members(data_dir, "topup", member, "13.00", "--code", stdin="134567890123456789\n")
        assert declined.returncode == 1 and "card_blocked" in declined.stdout
        sign = members(data_dir, "agreement", member)
        assert sign.returncode == 0, sign.stderr
        assert json.loads(sign.stdout)["sign_url"].endswith(f"member={member}")
        shown = json.loads(members(data_dir, "balance", member).stdout)
        assert shown["balance"] == "80.00" and [e["kind"] for e in shown["entries"]] == ["topup", "topup"]
        assert [(s["method"], s["answer"]) for s in sim.seen] == [("pay", "success"), ("pay", "declined"),
                                                                  ("agreement_sign", "created")]
    finally:
        sim.stop()
    assert CODE.encode() not in b"".join(p.read_bytes() for p in data_dir.glob("terminal.db*"))
    logs = [p for p in data_dir.rglob("*.log*") if p.is_file()]
    assert logs and all(CODE.encode() not in p.read_bytes() for p in logs)
