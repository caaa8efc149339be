"""Staff members for tests that refund (a refund needs a manager): written straight into the terminal's database."""
from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from terminal.staff.model import Role, StaffMember


def add_staff(data_dir: Path, name: str, role: Role = Role.MANAGER) -> StaffMember:
    """A staff member row (the PIN hash is a placeholder: these members never sign in by PIN)."""
    member = StaffMember(uuid.uuid4().hex, name, role)
    conn = sqlite3.connect(str(data_dir / "terminal.db"), timeout=10)
    try:
        with conn:
            conn.execute("INSERT INTO staff(id, name, role, pin_hash, created_at) VALUES (?,?,?,?,?)",
                         (member.id, name, role.value, "test-only", "2026-11-22T08:00:00.000000Z"))
    finally:
        conn.close()
    return member
