"""The payment-code risk tables: this terminal's salt and the keyed hashes of the codes it has seen."""
from __future__ import annotations

import secrets

from terminal.store.db import Database, Transaction


class RiskStore:
    """SQL for risk_salt and risk_codes; every call runs in a caller's transaction but `recent_count`."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def salt(self, tx: Transaction) -> bytes:
        """This terminal's salt, made on first use and kept in the database."""
        row = tx.execute("SELECT salt FROM risk_salt WHERE id = 1").fetchone()
        if row is None:
            tx.execute("INSERT INTO risk_salt(id, salt) VALUES (1, ?)", (secrets.token_hex(32),))
            row = tx.execute("SELECT salt FROM risk_salt WHERE id = 1").fetchone()
        return bytes.fromhex(str(row[0]))

    def seen(self, tx: Transaction, code_hash: str) -> bool:
        """True when a code with this hash was recorded before."""
        return tx.execute("SELECT 1 FROM risk_codes WHERE code_hash = ?", (code_hash,)).fetchone() is not None

    def count_since(self, tx: Transaction, since: float) -> int:
        """Codes recorded after `since` (a POSIX time)."""
        return int(tx.execute("SELECT COUNT(*) FROM risk_codes WHERE seen_at > ?", (since,)).fetchone()[0])

    def record(self, tx: Transaction, code_hash: str, at: float, forget_before: float) -> None:
        """Remember a code's hash at `at` (a repeat is kept once) and drop hashes older than `forget_before`."""
        tx.execute("INSERT OR IGNORE INTO risk_codes(code_hash, seen_at) VALUES (?, ?)", (code_hash, at))
        tx.execute("DELETE FROM risk_codes WHERE seen_at < ?", (forget_before,))

    def recent_count(self, since: float) -> int:
        """Codes recorded after `since`, read outside any transaction."""
        row = self.db.query_one("SELECT COUNT(*) FROM risk_codes WHERE seen_at > ?", (since,))
        return int(row[0]) if row else 0
