"""Members' prepaid balance (储值) in SQLite: the balance_ledger, one row per top-up, spend or refund back."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from enum import StrEnum

from terminal.sales.money import Money
from terminal.store.db import Database, Transaction


class BalanceKind(StrEnum):
    """What moved a member's balance, as stored in balance_ledger.kind and sent in member.balance/1."""

    TOPUP = "topup"     # paid in at the counter (cash or wallet code): not a sale
    SPEND = "spend"     # a sale paid from the balance (at the till or by face-pay)
    REFUND = "refund"   # a refund of a sale paid from the balance goes back to it


class TopUpTender(StrEnum):
    """How a top-up was paid."""

    CASH = "cash"
    CODE = "code"


@dataclass(frozen=True)
class BalanceEntry:
    """One ledger row: `amount` is signed (+ top-up and refund, - spend); `balance` is right after it."""

    id: str
    member_id: str
    kind: BalanceKind
    amount: Money
    balance: Money
    reference: str        # topup: its own id or trade; spend: the sale id; refund: the refund id
    tender: str = ""
    shift_id: str | None = None
    staff_id: str | None = None
    offline: bool = False
    at: str = ""


def _entry(r: sqlite3.Row) -> BalanceEntry:
    cur = r["currency"]
    return BalanceEntry(r["id"], r["member_id"], BalanceKind(r["kind"]), Money(int(r["amount"]), cur),
                        Money(int(r["balance_after"]), cur), r["reference"], r["tender"], r["shift_id"],
                        r["staff_id"], bool(r["offline"]), r["at"])


class BalanceStore:
    """SQL for balance_ledger; writes happen inside a caller's transaction (the sale's or the refund's)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def balance(self, member_id: str, tx: Transaction | None = None) -> int:
        """The member's balance in minor units: the sum of the ledger (inside `tx` when given)."""
        sql, params = "SELECT COALESCE(SUM(amount), 0) FROM balance_ledger WHERE member_id = ?", (member_id,)
        row = tx.execute(sql, params).fetchone() if tx is not None else self.db.query_one(sql, params)
        return int(row[0]) if row else 0

    def find(self, kind: BalanceKind, reference: str, tx: Transaction | None = None) -> BalanceEntry | None:
        """The entry of this kind for a reference (a sale spends once, a refund gives back once)."""
        sql, params = "SELECT * FROM balance_ledger WHERE kind = ? AND reference = ?", (kind, reference)
        row = tx.execute(sql, params).fetchone() if tx is not None else self.db.query_one(sql, params)
        return _entry(row) if row is not None else None

    def insert(self, tx: Transaction, e: BalanceEntry) -> None:
        """Add an entry (balance_after is checked >= 0 by the table)."""
        tx.execute("INSERT INTO balance_ledger(id, member_id, kind, amount, currency, balance_after, reference,"
                   " tender, shift_id, staff_id, offline, at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   (e.id, e.member_id, e.kind, e.amount.minor, e.amount.currency, e.balance.minor, e.reference,
                    e.tender, e.shift_id, e.staff_id, int(e.offline), e.at))

    def add_cash_in(self, tx: Transaction, move_id: str, shift_id: str, amount: Money, reason: str, at: str,
                    staff_id: str | None) -> None:
        """A cash top-up puts its cash into the drawer: a cash move 'in', so the shift's expected cash counts it."""
        tx.execute("INSERT INTO cash_moves(id, shift_id, direction, amount, currency, reason, created_at, staff_id)"
                   " VALUES (?,?,'in',?,?,?,?,?)", (move_id, shift_id, amount.minor, amount.currency, reason, at,
                                                    staff_id))

    def entries(self, member_id: str, limit: int = 50) -> list[BalanceEntry]:
        """The member's latest entries, newest first."""
        return [_entry(r) for r in self.db.query("SELECT * FROM balance_ledger WHERE member_id = ?"
                                                 " ORDER BY at DESC, rowid DESC LIMIT ?", (member_id, limit))]

    def offline_spent_between(self, member_id: str, start: str, end: str) -> int:
        """Minor units this member spent from the balance while the link was down, in [start, end)."""
        row = self.db.query_one("SELECT COALESCE(-SUM(amount), 0) FROM balance_ledger WHERE member_id = ?"
                                " AND kind = ? AND offline = 1 AND at >= ? AND at < ?",
                                (member_id, BalanceKind.SPEND, start, end))
        return int(row[0]) if row else 0

    def topups_of_shift(self, shift_id: str) -> dict[str, tuple[int, int]]:
        """Per tender (cash, code): how many top-ups a shift took and their sum in minor units."""
        rows = self.db.query("SELECT tender, COUNT(*) AS n, SUM(amount) AS amount FROM balance_ledger"
                             " WHERE shift_id = ? AND kind = ? GROUP BY tender", (shift_id, BalanceKind.TOPUP))
        return {str(r["tender"]): (int(r["n"]), int(r["amount"])) for r in rows}
