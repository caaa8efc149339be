"""Recovery's side of payment_attempts: what is not final, atomic claims between processes, what the cashier sees."""
from __future__ import annotations

from enum import StrEnum

from terminal.store.attempts import Attempt, AttemptStatus, AttemptStore
from terminal.store.db import Database, Transaction


class AttentionStatus(StrEnum):
    """What happened to an attempt the cashier must follow up, as `payments attention` names it."""

    COMPLETED = "completed"                       # charged before a crash: the sale was completed from its tender
    REFUNDED = "refunded"                         # charged, but the sale could not be completed: refunded
    REVERSED = "reversed"                         # no final answer in time: reversed at the acquirer
    REVERSE_UNCONFIRMED = "reverse_unconfirmed"   # the reversal is not confirmed yet: retried with backoff
    LATE_REFUNDED = "late_refunded"               # a success after the reversal, refunded
    LATE_UNREFUNDED = "late_unrefunded"           # a success after the reversal whose refund failed
    OFFLINE_DECLINED = "offline_declined"         # accepted offline, declined when forwarded
    DECLINED = "declined"                         # declined by the wallet: the tender was abandoned


# Statuses that mean "the wallet may still charge, or has charged without a sale": recovery resolves them.
OPEN_STATUSES = (AttemptStatus.SENT, AttemptStatus.REVERSING, AttemptStatus.REVERSE_UNCONFIRMED,
                 AttemptStatus.LATE_UNREFUNDED)
# Of those, the ones a process's own checkout has given up on: its own recovery retries them.
SETTLED_OPEN = frozenset({AttemptStatus.REVERSE_UNCONFIRMED, AttemptStatus.LATE_UNREFUNDED})


class ClaimStore:
    """Queries and claims over payment_attempts for the recovery; writes that go with a sale take its transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._attempts = AttemptStore(db)

    def unresolved(self) -> list[Attempt]:
        """Attempts that are not final: sent, reversing, reverse_unconfirmed, or approved with no stored sale.

        A member's balance top-up by code stands in for a sale by its ledger entry (the top-up id is the
        attempt's sale_id): approved without that entry (a crash before the credit), it is refunded like a sale.
        """
        marks = ", ".join("?" for _ in OPEN_STATUSES)
        return self._attempts.find(
            f"WHERE status IN ({marks}) OR (status = ? AND NOT EXISTS (SELECT 1 FROM sales s WHERE"
            " s.id = payment_attempts.sale_id) AND NOT EXISTS (SELECT 1 FROM balance_ledger b WHERE"
            " b.id = payment_attempts.sale_id)) ORDER BY created_at", (*OPEN_STATUSES, AttemptStatus.APPROVED))

    def claim(self, out_trade_no: str, old_owner: str, new_owner: str) -> bool:
        """Take an attempt over from `old_owner` in one UPDATE: True for exactly one of competing claimers."""
        with self._db.transaction() as tx:
            cur = tx.execute("UPDATE payment_attempts SET owner = ? WHERE out_trade_no = ? AND owner = ?",
                             (new_owner, out_trade_no, old_owner))
            return cur.rowcount == 1

    def owners(self) -> set[str]:
        """Every owner that still has an attempt that is not final."""
        return {a.owner for a in self.unresolved()}

    def set_status(self, out_trade_no: str, status: AttemptStatus, at: str, reason: str = "") -> None:
        """A step of recovery that is not an outcome yet (e.g. reversing, before the request leaves)."""
        with self._db.transaction() as tx:
            tx.execute("UPDATE payment_attempts SET status = ?, reason = ?, updated_at = ? WHERE out_trade_no = ?",
                       (status, reason[:300], at, out_trade_no))

    def resolve(self, out_trade_no: str, status: AttemptStatus, attention: AttentionStatus, at: str, reason: str,
                trade_no: str = "") -> None:
        """Record what recovery did; the cashier is shown it once."""
        with self._db.transaction() as tx:
            resolve_in(tx, out_trade_no, status, attention, at, reason, trade_no)

    def retry_later(self, out_trade_no: str, status: AttemptStatus, attention: AttentionStatus, at: str,
                    reason: str, next_try_at: str) -> None:
        """Not final yet: count the try and come back at `next_try_at` (the cashier is told the first time)."""
        with self._db.transaction() as tx:
            tx.execute("UPDATE payment_attempts SET status = ?, reason = ?, updated_at = ?, tries = tries + 1,"
                       " next_try_at = ?, recovered = 1, attention = ?, needs_attention = CASE WHEN attention = ?"
                       " THEN needs_attention ELSE 1 END WHERE out_trade_no = ?",
                       (status, reason[:300], at, next_try_at, attention, attention, out_trade_no))

    def needing_attention(self) -> list[Attempt]:
        """What the cashier must follow up and has not acknowledged, oldest first."""
        return self._attempts.needing_attention()

    def acknowledge(self, out_trade_no: str) -> None:
        """The cashier has seen it."""
        self._attempts.acknowledge(out_trade_no)


def resolve_in(tx: Transaction, out_trade_no: str, status: AttemptStatus, attention: AttentionStatus, at: str,
               reason: str, trade_no: str = "") -> None:
    """Record a recovery outcome inside the caller's transaction (the completed sale's, for one)."""
    tx.execute("UPDATE payment_attempts SET status = ?, reason = ?, trade_no = COALESCE(NULLIF(?, ''), trade_no),"
               " updated_at = ?, recovered = 1, attention = ?, needs_attention = 1, next_try_at = NULL"
               " WHERE out_trade_no = ?", (status, reason[:300], trade_no, at, attention, out_trade_no))
