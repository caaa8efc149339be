"""Staff members and the PIN pad's failure count in SQLite; only PIN hashes are stored."""
from __future__ import annotations

from typing import Any

from terminal.staff.model import Role, StaffMember
from terminal.store.db import Database


def _member(row: Any) -> StaffMember:
    return StaffMember(row["id"], row["name"], Role(row["role"]))


class StaffStore:
    """The staff and pin_pad tables."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def insert(self, member: StaffMember, pin_hash: str, at: str) -> None:
        """Add a staff member with their PIN hash."""
        with self._db.transaction() as tx:
            tx.execute("INSERT INTO staff(id, name, role, pin_hash, created_at) VALUES (?,?,?,?,?)",
                       (member.id, member.name, member.role, pin_hash, at))

    def set_pin(self, staff_id: str, pin_hash: str) -> None:
        """Replace a staff member's PIN hash."""
        with self._db.transaction() as tx:
            tx.execute("UPDATE staff SET pin_hash = ? WHERE id = ?", (pin_hash, staff_id))

    def set_active(self, staff_id: str, active: bool) -> None:
        """Let a staff member sign in again, or stop them (their past sales keep their id)."""
        with self._db.transaction() as tx:
            tx.execute("UPDATE staff SET active = ? WHERE id = ?", (int(active), staff_id))

    def active(self) -> list[tuple[StaffMember, str]]:
        """Everyone who may sign in, with their PIN hash, by name."""
        rows = self._db.query("SELECT * FROM staff WHERE active = 1 ORDER BY name COLLATE NOCASE")
        return [(_member(r), str(r["pin_hash"])) for r in rows]

    def active_count(self, role: Role | None = None) -> int:
        """How many may sign in (of this role, when given)."""
        if role is None:
            row = self._db.query_one("SELECT COUNT(*) FROM staff WHERE active = 1")
        else:
            row = self._db.query_one("SELECT COUNT(*) FROM staff WHERE active = 1 AND role = ?", (role,))
        return int(row[0]) if row else 0

    def all(self) -> list[tuple[StaffMember, bool, str]]:
        """Every staff member ever added, with whether they are active and since when, by name."""
        rows = self._db.query("SELECT * FROM staff ORDER BY name COLLATE NOCASE")
        return [(_member(r), bool(r["active"]), str(r["created_at"])) for r in rows]

    def get(self, staff_id: str) -> StaffMember | None:
        """A staff member by id (active or not)."""
        row = self._db.query_one("SELECT * FROM staff WHERE id = ?", (staff_id,))
        return _member(row) if row else None

    def by_name(self, name: str) -> StaffMember | None:
        """A staff member by name, ignoring case."""
        row = self._db.query_one("SELECT * FROM staff WHERE name = ? COLLATE NOCASE", (name,))
        return _member(row) if row else None

    def names(self, ids: list[str]) -> dict[str, str]:
        """Names of these staff ids (for reports and receipts)."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._db.query(f"SELECT id, name FROM staff WHERE id IN ({marks})", tuple(ids))
        return {str(r["id"]): str(r["name"]) for r in rows}

    def pad(self) -> tuple[int, float]:
        """The PIN pad's wrong entries in a row, and until when (epoch seconds) it is locked."""
        row = self._db.query_one("SELECT failures, locked_until FROM pin_pad WHERE id = 1")
        return (int(row[0]), float(row[1])) if row else (0, 0.0)

    def set_pad(self, failures: int, locked_until: float) -> None:
        """Record the PIN pad's state (shared by every process on this terminal)."""
        with self._db.transaction() as tx:
            tx.execute("INSERT INTO pin_pad(id, failures, locked_until) VALUES (1, ?, ?) ON CONFLICT(id)"
                       " DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until",
                       (failures, locked_until))
