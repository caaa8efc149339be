"""The doctor's own checks on real files: clock, disk, database integrity, outbox age, the table."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from terminal.app.bootstrap import Terminal
from terminal.store.db import Database
from terminal.technician.doctor import Check, check_clock, check_database, check_disk, check_outbox, format_table


def test_clock() -> None:
    assert check_clock(datetime(2026, 11, 22, tzinfo=UTC)).ok
    stale = check_clock(datetime(1970, 1, 1, tzinfo=UTC))
    assert not stale.ok and "timedatectl" in stale.fix


def test_disk(tmp_path: Path) -> None:
    assert check_disk(tmp_path, min_free_mb=1).ok
    full = check_disk(tmp_path, min_free_mb=10**12)
    assert not full.ok and "free at least" in full.fix
    assert not check_disk(tmp_path / "missing").ok


def test_database_integrity(tmp_path: Path) -> None:
    db = Database(tmp_path / "t.db")
    assert check_database(db).ok
    db.close()
    raw = bytearray((tmp_path / "t.db").read_bytes())
    raw[100:4096] = b"\xff" * (4096 - 100)            # trash the schema page
    (tmp_path / "t.db").write_bytes(bytes(raw))
    try:
        broken = check_database(Database(tmp_path / "t.db"))
    except Exception as err:  # noqa: BLE001 - opening may already refuse: also a clear error
        assert "damaged" in str(err) or "malformed" in str(err)
        return
    assert (not broken.ok and "do not delete" in broken.fix) or "restore" in broken.fix


def test_outbox_age(open_term: Terminal, clock: Any) -> None:
    assert check_outbox(open_term.db, 24, clock.now()).ok                  # the shift event, just now
    late = check_outbox(open_term.db, 24, clock.now() + timedelta(hours=13))
    assert not late.ok and "1 waiting" in late.detail and "sync status" in late.fix


def test_table_shows_a_fix_under_each_failure() -> None:
    text = format_table([Check("clock", True, "fine"), Check("printer", False, "gone", "plug it in")])
    assert text.splitlines() == ["OK    clock    fine", "FAIL  printer  gone", "               fix: plug it in"]
