"""Payment attempts at the acquirer: written before each request, updated with every answer."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from terminal.sales.money import Money
from terminal.store.db import Database
from terminal.store.tenders import TenderRecord, save_tender


class AttemptStatus(StrEnum):
    """Where one payment attempt stands, as stored in payment_attempts.status."""

    SENT = "sent"                                # recorded, the request is on its way
    APPROVED = "approved"
    REVERSING = "reversing"                      # recorded before a reverse request leaves
    REFUNDED = "refunded"                        # approved, but its sale could not be completed: refunded
    DECLINED = "declined"
    REVERSED = "reversed"
    REVERSE_UNCONFIRMED = "reverse_unconfirmed"  # no final answer and the reversal was not confirmed
    REFUSED = "refused"                          # never charged: unreachable, over a cap, no QR order
    OFFLINE = "offline"                          # accepted offline, forwarded by the backend later
    OFFLINE_APPROVED = "offline_approved"        # the forwarded payment was charged
    OFFLINE_DECLINED = "offline_declined"        # the forwarded payment was declined: the cashier follows up
    LATE_REFUNDED = "late_refunded"              # a success after the reversal, refunded at once
    LATE_UNREFUNDED = "late_unrefunded"          # a success after the reversal whose refund failed


@dataclass(frozen=True)
class Attempt:
    """One out_trade_no: what was asked, and where it stands."""

    out_trade_no: str
    sale_id: str
    scheme: str
    masked_code: str
    amount: Money
    status: AttemptStatus
    reason: str
    trade_no: str
    needs_attention: bool
    created_at: str = ""
    owner: str = ""
    recovered: bool = False
    attention: str = ""          # what recovery did, as the cashier's list names it (AttentionStatus)
    tries: int = 0
    next_try_at: str | None = None
    updated_at: str = ""


class AttemptStore:
    """The payment_attempts table; the full payment code is never written, only its mask."""

    def __init__(self, db: Database, owner: str = "") -> None:
        self._db = db
        self.owner = owner   # the process that sends this store's attempts (its lock file says it is alive)

    def begin(self, out_trade_no: str, sale_id: str, scheme: str, masked: str, amount: Money, at: str,
              tender: TenderRecord | None = None) -> None:
        """Record an attempt before its request is sent, with the sale in tender in the same transaction."""
        with self._db.transaction() as tx:
            if tender is not None:
                save_tender(tx, tender, at)
            tx.execute("INSERT INTO payment_attempts(out_trade_no, sale_id, scheme, masked_code, amount, currency,"
                       " status, created_at, updated_at, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (out_trade_no, sale_id, scheme, masked, amount.minor, amount.currency, AttemptStatus.SENT,
                        at, at, self.owner))

    def update(self, out_trade_no: str, status: AttemptStatus, at: str, reason: str = "", trade_no: str = "",
               needs_attention: bool = False) -> None:
        """Record where an attempt stands now."""
        with self._db.transaction() as tx:
            tx.execute("UPDATE payment_attempts SET status = ?, reason = ?, trade_no = COALESCE(NULLIF(?, ''), "
                       "trade_no), updated_at = ?, needs_attention = ? WHERE out_trade_no = ?",
                       (status, reason[:300], trade_no, at, int(needs_attention), out_trade_no))

    def get(self, out_trade_no: str) -> Attempt | None:
        """One attempt, or None."""
        rows = self.find("WHERE out_trade_no = ?", (out_trade_no,))
        return rows[0] if rows else None

    def needing_attention(self) -> list[Attempt]:
        """Attempts the cashier must see: late successes refunded, reversals not confirmed, offline declines."""
        return self.find("WHERE needs_attention = 1 ORDER BY updated_at", ())

    def acknowledge(self, out_trade_no: str) -> None:
        """The cashier has seen it."""
        with self._db.transaction() as tx:
            tx.execute("UPDATE payment_attempts SET needs_attention = 0 WHERE out_trade_no = ?", (out_trade_no,))

    def find(self, where: str, params: tuple[str, ...]) -> list[Attempt]:
        """Attempts matching a WHERE clause (internal queries only)."""
        rows = self._db.query("SELECT out_trade_no, sale_id, scheme, masked_code, amount, currency, status, reason,"
                              " trade_no, needs_attention, created_at, owner, recovered, attention, tries, next_try_at,"
                              f" updated_at FROM payment_attempts {where}", params)
        return [Attempt(r[0], r[1], r[2], r[3], Money(int(r[4]), r[5]), AttemptStatus(r[6]), r[7], r[8],
                        bool(r[9]), r[10], r[11], bool(r[12]), r[13], int(r[14]), r[15], r[16]) for r in rows]
