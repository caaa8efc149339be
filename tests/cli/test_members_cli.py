"""`edgepos members` as a real subprocess: add prints JSON, list masks phones, delete removes templates."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import numpy as np

try:
    from tests.support.cli import edgepos_command
except ModuleNotFoundError:  # `pytest` rather than `python -m pytest`: only tests/ itself is on sys.path
    from support.cli import edgepos_command  # type: ignore[no-redef, import-not-found, unused-ignore]


def edgepos(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed console script (or the module when not installed)."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(edgepos_command(*args), cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def members(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return edgepos("--data-dir", str(tmp_path / "var"), "members", *args, cwd=tmp_path)


def test_add_list_delete(tmp_path: Path) -> None:
    added = members(tmp_path, "add", "--name", "Lan Nguyen", "--phone", "+86 138 1234 5678", "--face-consent")
    assert added.returncode == 0, added.stderr
    lan = json.loads(added.stdout)
    assert len(lan["member_id"]) == 32 and lan["phone"] == "****5678" and lan["face_pay_opt_in"] is True
    assert lan["consent_marketing_at"] is None and lan["card"].startswith(f"EPM1:{lan['member_id']}:")
    other = json.loads(members(tmp_path, "add", "--name", "Minh", "--phone", "+84901234567",
                               "--marketing-consent").stdout)
    assert other["consent_marketing_at"] and other["consent_face_at"] is None

    listed = members(tmp_path, "list", "--json")
    assert listed.returncode == 0 and "13812345678" not in listed.stdout
    rows = json.loads(listed.stdout)
    assert [(r["member_id"], r["phone"], r["points"], r["templates"]) for r in rows] == [
        (lan["member_id"], "****5678", 0, 0), (other["member_id"], "****4567", 0, 0)]
    table = members(tmp_path, "list")
    assert table.returncode == 0 and "Lan Nguyen" in table.stdout and "****5678" in table.stdout
    assert "2 member(s)" in table.stdout and "13812345678" not in table.stdout

    # Enrol through the service the kiosk uses, then delete from the command line.
    from terminal.app.bootstrap import open_members
    from terminal.config.settings import load_config
    db, svc, _coupons = open_members(load_config(tmp_path / "var" / "edgepos.toml"), tmp_path / "var")
    svc.enroll_templates(lan["member_id"], [np.full(128, 0.01 * i, np.float32) for i in range(3)])
    db.close()
    conn = sqlite3.connect(str(tmp_path / "var" / "terminal.db"))
    cipher = [bytes(r[0]) for r in conn.execute("SELECT ciphertext FROM face_templates")]
    conn.close()

    deleted = members(tmp_path, "delete", lan["member_id"])
    assert deleted.returncode == 0, deleted.stderr
    assert json.loads(deleted.stdout) == {"deleted": lan["member_id"], "templates_removed": 3}
    on_disk = b"".join(p.read_bytes() for p in (tmp_path / "var").glob("terminal.db*"))
    assert cipher and not any(c in on_disk for c in cipher)
    assert [r["member_id"] for r in json.loads(members(tmp_path, "list", "--json").stdout)] == [other["member_id"]]


def test_errors_are_one_line_and_exit_1(tmp_path: Path) -> None:
    bad = members(tmp_path, "add", "--name", "X", "--phone", "13812345678")
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr.strip().splitlines()[-1].startswith("edgepos: error: ") and "+8613812345678" in bad.stderr
    assert members(tmp_path, "add", "--name", "A", "--phone", "+8613812345678").returncode == 0
    dup = members(tmp_path, "add", "--name", "B", "--phone", "+86 13812345678")
    assert dup.returncode == 1 and "already belongs" in dup.stderr and "13812345678" not in dup.stderr
    missing = members(tmp_path, "delete", "f" * 32)
    assert missing.returncode == 1 and "no member" in missing.stderr


def test_coupon_add(tmp_path: Path) -> None:
    made = members(tmp_path, "coupon-add", "--code", "summer10", "--percent", "10", "--min-spend", "20",
                   "--expires", "2030-12-31")
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout) == {"code": "SUMMER10", "kind": "percent", "off": "10% off", "min_spend": "20.00",
                                       "currency": "CNY", "expires": "2030-12-31", "member_id": None}
    amount = json.loads(members(tmp_path, "coupon-add", "--code", "FIVE", "--amount", "5").stdout)
    assert amount["off"] == "CNY 5.00 off" and amount["min_spend"] == "0.00"
    again = members(tmp_path, "coupon-add", "--code", "SUMMER10", "--amount", "5")
    assert again.returncode == 1 and "already exists" in again.stderr
    both = members(tmp_path, "coupon-add", "--code", "XX1", "--amount", "5", "--percent", "5")
    assert both.returncode == 2       # argparse: --percent and --amount exclude each other
    nobody = members(tmp_path, "coupon-add", "--code", "XX2", "--amount", "5", "--member", "a" * 32)
    assert nobody.returncode == 1 and "no member" in nobody.stderr


def test_consent_is_recorded_for_an_existing_member_and_withdrawal_deletes_the_templates(tmp_path: Path) -> None:
    from datetime import datetime

    from terminal.app.bootstrap import open_members
    from terminal.config.settings import load_config
    from terminal.errors import ConsentError
    minh = json.loads(members(tmp_path, "add", "--name", "Minh", "--phone", "+84901234567").stdout)["member_id"]
    db, svc, _coupons = open_members(load_config(tmp_path / "var" / "edgepos.toml"), tmp_path / "var")
    try:
        try:
            svc.enroll_templates(minh, [np.full(128, 0.5, np.float32)])
            raise AssertionError("enrolled without face consent")
        except ConsentError as err:                        # the hint names the command that records it
            assert f"edgepos members consent {minh} --face" in str(err) and "members add" not in str(err)
    finally:
        db.close()

    given = members(tmp_path, "consent", minh, "--face", "--marketing")
    assert given.returncode == 0, given.stderr
    first = json.loads(given.stdout)
    assert first["member_id"] == minh and first["face_pay_opt_in"] is True and first["templates_removed"] == 0
    assert datetime.fromisoformat(first["consent_face_at"]) and first["consent_marketing_at"]   # with its time
    again = json.loads(members(tmp_path, "consent", minh, "--face").stdout)
    assert again["consent_face_at"] == first["consent_face_at"]                 # consent given first stays

    db, svc, _coupons = open_members(load_config(tmp_path / "var" / "edgepos.toml"), tmp_path / "var")
    svc.enroll_templates(minh, [np.full(128, 0.01 * i, np.float32) for i in range(2)])
    db.close()
    conn = sqlite3.connect(str(tmp_path / "var" / "terminal.db"))
    cipher = [bytes(r[0]) for r in conn.execute("SELECT ciphertext FROM face_templates")]
    conn.close()

    withdrawn = members(tmp_path, "consent", minh, "--no-face")
    assert withdrawn.returncode == 0, withdrawn.stderr
    after = json.loads(withdrawn.stdout)
    assert after["face_pay_opt_in"] is False and after["consent_face_at"] is None and after["templates_removed"] == 2
    assert after["consent_marketing_at"] == first["consent_marketing_at"]       # untouched when not named
    on_disk = b"".join(p.read_bytes() for p in (tmp_path / "var").glob("terminal.db*"))
    assert cipher and not any(c in on_disk for c in cipher)                     # gone from the file, not just hidden
    assert json.loads(members(tmp_path, "list", "--json").stdout)[0]["templates"] == 0
    no_marketing = json.loads(members(tmp_path, "consent", minh, "--no-marketing").stdout)
    assert no_marketing["consent_marketing_at"] is None

    nothing = members(tmp_path, "consent", minh)
    assert nothing.returncode == 1 and "--face" in nothing.stderr and "--no-face" in nothing.stderr
    nobody = members(tmp_path, "consent", "f" * 32, "--face")
    assert nobody.returncode == 1 and "no member" in nobody.stderr
