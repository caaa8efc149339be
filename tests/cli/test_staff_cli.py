"""`edgepos staff` as a real subprocess: PINs come from stdin (never argv), list never shows a PIN."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

try:
    from tests.support.cli import edgepos_command
except ModuleNotFoundError:  # `pytest` rather than `python -m pytest`: only tests/ itself is on sys.path
    from support.cli import edgepos_command  # type: ignore[no-redef, import-not-found, unused-ignore]


def staff(tmp_path: Path, *args: str, pin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(edgepos_command("--data-dir", str(tmp_path / "var"), "staff", *args), cwd=tmp_path,
                          input=pin + "\n", capture_output=True, text=True, timeout=120, env=env)


def test_add_with_pin_on_stdin_then_list(tmp_path: Path) -> None:
    empty = staff(tmp_path, "list")
    assert empty.returncode == 0 and "edgepos staff add" in empty.stdout
    added = staff(tmp_path, "add", "--name", "Hoa", "--role", "manager", "--pin-stdin", pin="97531")
    assert added.returncode == 0, added.stderr
    hoa = json.loads(added.stdout)
    assert hoa["name"] == "Hoa" and hoa["role"] == "manager" and len(hoa["staff_id"]) == 32
    assert staff(tmp_path, "add", "--name", "Lan", "--role", "cashier", "--pin-stdin", pin="2468").returncode == 0
    listed = staff(tmp_path, "list", "--json")
    rows = json.loads(listed.stdout)
    assert [(r["name"], r["role"], r["active"]) for r in rows] == [("Hoa", "manager", True), ("Lan", "cashier", True)]
    assert "97531" not in listed.stdout and "2468" not in listed.stdout
    text = staff(tmp_path, "list")
    assert "Hoa" in text.stdout and "manager" in text.stdout


def test_bad_pin_duplicate_name_and_bad_role_are_refused(tmp_path: Path) -> None:
    short = staff(tmp_path, "add", "--name", "Hoa", "--role", "manager", "--pin-stdin", pin="12")
    assert short.returncode == 1 and "4 to 8 digits" in short.stderr
    assert staff(tmp_path, "add", "--name", "Hoa", "--role", "manager", "--pin-stdin", pin="97531").returncode == 0
    again = staff(tmp_path, "add", "--name", "hoa", "--role", "cashier", "--pin-stdin", pin="1357")
    assert again.returncode == 1 and "already on the staff list" in again.stderr
    role = staff(tmp_path, "add", "--name", "Bao", "--role", "owner", "--pin-stdin", pin="1357")
    assert role.returncode == 2 and "invalid choice" in role.stderr
