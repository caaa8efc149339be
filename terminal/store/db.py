"""The SQLite connection: pragmas, migrations and one-transaction units of work."""
from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from terminal.errors import StoreError
from terminal.store.migrations import MIGRATIONS, SCHEMA_VERSION


def _explain(err: sqlite3.Error) -> str:
    text = str(err)
    if "disk is full" in text or "database or disk is full" in text:
        return "the terminal's disk is full: free space (technician menu, or delete old logs) and try again"
    if "readonly" in text or "unable to open" in text:
        return f"the database cannot be written ({text}): check the data directory's permissions"
    if "locked" in text or "busy" in text:
        return "the database is busy: try again in a moment"
    if "malformed" in text or "not a database" in text:
        return f"the database file is damaged ({text}): call the technician, do not delete it"
    return f"database error: {text}"


class Database:
    """One SQLite file shared by the terminal's services; safe to call from several threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10)
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute("PRAGMA secure_delete=ON")  # deleted rows (payment codes, face templates) are zeroed
            self._migrate()
        except sqlite3.Error as err:
            raise StoreError(f"{path}: {_explain(err)}") from err
        except OSError as err:
            raise StoreError(f"cannot create the data directory {path.parent}: {err.strerror}") from err

    def _migrate(self) -> None:
        version = int(self._conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {version}, newer than this edgepos ({SCHEMA_VERSION}): upgrade edgepos"
            )
        for target in range(version, SCHEMA_VERSION):
            with self.transaction() as tx:
                tx.executescript_in_tx(MIGRATIONS[target])
                tx.execute(f"PRAGMA user_version = {target + 1}")

    @property
    def schema_version(self) -> int:
        """The schema version stored in the file."""
        row = self.query_one("PRAGMA user_version")
        return int(row[0]) if row else 0

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Everything in the block commits together or not at all."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield Transaction(self._conn)
                except BaseException:
                    if self._conn.in_transaction:  # SQLite may already have rolled back (e.g. disk full)
                        self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
            except sqlite3.Error as err:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise StoreError(_explain(err)) from err

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """Rows of a read-only query."""
        with self._lock:
            try:
                return list(self._conn.execute(sql, params))
            except sqlite3.Error as err:
                raise StoreError(_explain(err)) from err

    def query_one(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        """The first row of a query, or None."""
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def integrity_check(self) -> str:
        """SQLite's own verdict on the file: 'ok' when sound."""
        row = self.query_one("PRAGMA integrity_check")
        return str(row[0]) if row else "no answer"

    def vacuum(self) -> None:
        """Rewrite the file without free pages, then empty the WAL: nothing deleted stays on disk."""
        with self._lock:
            try:
                self._conn.execute("VACUUM")
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as err:
                raise StoreError(_explain(err)) from err

    def close(self) -> None:
        """Close the connection (the WAL is checkpointed by SQLite)."""
        with self._lock:
            self._conn.close()


class Transaction:
    """The statements of one open transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        """Run one statement inside the transaction."""
        return self._conn.execute(sql, params)

    def executescript_in_tx(self, script: str) -> None:
        """Run a multi-statement script without committing (executescript would)."""
        for statement in script.split(";"):
            if statement.strip():
                self._conn.execute(statement)

    def next_counter(self, name: str) -> int:
        """A value that only grows, even after rows using it are deleted."""
        self._conn.execute(
            "INSERT INTO counters(name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1",
            (name,),
        )
        row = self._conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
        return int(row[0])
