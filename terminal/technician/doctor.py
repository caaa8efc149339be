"""`edgepos doctor`: each device and service checked, a fix for every failure (the checks that need no driver)."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from terminal.errors import StoreError
from terminal.store.backlog import BacklogStore
from terminal.store.db import Database

MIN_FREE_MB = 200


@dataclass(frozen=True)
class Check:
    """One line of the doctor's table."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


def check_clock(now: datetime | None = None) -> Check:
    """A clock before 2025 (a Pi without RTC or network) breaks receipts, tokens and TLS."""
    now = now or datetime.now(UTC)
    if 2025 <= now.year <= 2100:
        return Check("clock", True, now.strftime("%Y-%m-%d %H:%M:%S UTC"))
    return Check("clock", False, f"the clock says {now:%Y-%m-%d}",
                 "set the time (timedatectl set-ntp true, or fit an RTC) and restart edgepos")


def check_disk(data_dir: Path, min_free_mb: int = MIN_FREE_MB) -> Check:
    """Free space where the database and receipts live."""
    try:
        free_mb = shutil.disk_usage(data_dir).free // (1024 * 1024)
    except OSError as err:
        return Check("disk", False, f"cannot read {data_dir}: {err.strerror}", "check the data directory exists")
    if free_mb >= min_free_mb:
        return Check("disk", True, f"{free_mb} MB free in {data_dir}")
    return Check("disk", False, f"only {free_mb} MB free in {data_dir}",
                 f"free at least {min_free_mb} MB: delete old logs/receipts or use a larger card")


def check_database(db: Database) -> Check:
    """SQLite's own integrity check of the terminal's database."""
    try:
        verdict = db.integrity_check()
    except StoreError as err:
        return Check("database", False, str(err), "call the technician; do not delete the file")
    if verdict == "ok":
        return Check("database", True, f"integrity ok, schema v{db.schema_version}")
    return Check("database", False, f"integrity check: {verdict[:120]}",
                 "stop edgepos, copy terminal.db aside, and restore from the backend's copy")


def check_outbox(db: Database, max_age_hours: int, now: datetime | None = None) -> Check:
    """Events waiting for the cloud; too old means payments are not reaching the backend."""
    now = now or datetime.now(UTC)
    pending, oldest = BacklogStore(db).waiting()
    if not oldest:
        return Check("outbox", True, "nothing waiting")
    age_h = (now - datetime.fromisoformat(oldest.replace("Z", "+00:00"))).total_seconds() / 3600
    detail = f"{pending} waiting, oldest {age_h:.1f} h"
    if age_h < max_age_hours / 2:
        return Check("outbox", True, detail)
    return Check("outbox", False, detail, "check the broker line above and the network; `edgepos sync status`")


def format_table(checks: list[Check]) -> str:
    """The doctor's report: one line per check, the fix under each failure."""
    width = max(len(c.name) for c in checks)
    lines = []
    for check in checks:
        detail = " ".join(check.detail.split())   # drivers' messages may span lines: one row per check
        lines.append(f"{'OK  ' if check.ok else 'FAIL'}  {check.name:<{width}}  {detail}")
        if not check.ok and check.fix:
            lines.append(f"      {'':<{width}}  fix: {check.fix}")
    return "\n".join(lines)
