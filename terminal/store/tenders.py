"""The sale in tender (table tenders): written with its first wallet attempt, closed when paid or abandoned."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from terminal.store.db import Database, Transaction


class TenderState(StrEnum):
    """Where a persisted tender stands, as stored in tenders.state."""

    TENDERING = "tendering"   # a wallet payment was started; the sale is not stored yet
    COMPLETED = "completed"   # the sale is stored paid
    ABANDONED = "abandoned"   # voided, or back to the cart with no attempt pending: a late charge is refunded


@dataclass(frozen=True)
class TenderRecord:
    """What is written with an attempt: the sale's JSON snapshot, its shift and who rang it up."""

    sale_id: str
    shift_id: str
    snapshot: str
    staff_id: str | None = None


@dataclass(frozen=True)
class Tender:
    """One stored tender."""

    sale_id: str
    shift_id: str
    state: TenderState
    snapshot: str
    staff_id: str | None
    created_at: str
    updated_at: str


# Attempts that may still turn into a charge for their sale: while one exists, going back to the cart keeps the tender.
PENDING_SQL = "('sent', 'reversing')"


def save_tender(tx: Transaction, record: TenderRecord, at: str) -> None:
    """Write (or refresh) the tender inside the caller's transaction; it is `tendering` again."""
    tx.execute("INSERT INTO tenders(sale_id, shift_id, state, snapshot, staff_id, created_at, updated_at)"
               " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(sale_id) DO UPDATE SET state = excluded.state,"
               " snapshot = excluded.snapshot, staff_id = excluded.staff_id, updated_at = excluded.updated_at",
               (record.sale_id, record.shift_id, TenderState.TENDERING, record.snapshot, record.staff_id, at, at))


def complete_tender(tx: Transaction, sale_id: str, at: str) -> None:
    """The sale is stored paid: its tender (if it had one) is completed, in the same transaction."""
    tx.execute("UPDATE tenders SET state = ?, updated_at = ? WHERE sale_id = ?",
               (TenderState.COMPLETED, at, sale_id))


def abandon_tender(tx: Transaction, sale_id: str, at: str) -> None:
    """The cashier voided the sale or went back to the cart: abandoned, unless an attempt is still pending."""
    tx.execute("UPDATE tenders SET state = ?, updated_at = ? WHERE sale_id = ? AND state = ? AND NOT EXISTS"
               f" (SELECT 1 FROM payment_attempts WHERE sale_id = ? AND status IN {PENDING_SQL})",
               (TenderState.ABANDONED, at, sale_id, TenderState.TENDERING, sale_id))


class TenderStore:
    """Reads tenders, and abandons one outside a sale's own transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, sale_id: str) -> Tender | None:
        """The tender of a sale, or None (a cash sale, or an attempt from before tenders)."""
        r = self._db.query_one("SELECT sale_id, shift_id, state, snapshot, staff_id, created_at, updated_at"
                               " FROM tenders WHERE sale_id = ?", (sale_id,))
        if r is None:
            return None
        return Tender(r[0], r[1], TenderState(r[2]), r[3], r[4], r[5], r[6])

    def abandon(self, sale_id: str, at: str) -> None:
        """Abandon a tender whose charge could not become its sale (declined, reversed, refunded)."""
        with self._db.transaction() as tx:
            abandon_tender(tx, sale_id, at)

    def sale_stored(self, sale_id: str) -> bool:
        """True when the sale is in table sales (paid or voided): an approved attempt for it is final."""
        return self._db.query_one("SELECT 1 FROM sales WHERE id = ?", (sale_id,)) is not None
