"""Refunds, their lines, and wallet refund requests waiting for the acquirer, in SQLite."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from enum import StrEnum

from terminal.sales.money import Money
from terminal.store.db import Database, Transaction


class RefundRequestStatus(StrEnum):
    """Where a wallet refund request stands, as stored in refund_requests.status."""

    PENDING = "pending"   # written before the acquirer is asked; a retry reuses its id
    DONE = "done"         # the acquirer said refunded: the refunds row exists
    FAILED = "failed"     # the acquirer refused it: nothing was refunded


@dataclass(frozen=True)
class RefundLine:
    """Units of one sale line given back, and their share of what the customer paid for that line."""

    line_no: int
    quantity: int
    amount: Money


@dataclass(frozen=True)
class Refund:
    """Money given back against a paid sale; `id` is the out_request_no a retry reuses."""

    id: str
    sale_id: str
    method: str
    amount: Money
    reason: str
    created_at: str
    lines: tuple[RefundLine, ...] = ()
    staff_id: str | None = None       # who did it (the signed-in staff member)
    approved_by: str | None = None    # the manager who approved it
    points_taken: int = 0             # member points taken back by this refund
    points_short: int = 0             # points that could not be taken back (the balance was lower)
    shift_id: str = field(default="", compare=False)


@dataclass(frozen=True)
class RefundRequestRow:
    """A wallet refund asked of the acquirer: its id, amount and lines stay the same on every retry."""

    id: str
    sale_id: str
    amount: Money
    lines: tuple[RefundLine, ...]
    reason: str
    staff_id: str | None
    approved_by: str | None
    status: RefundRequestStatus
    detail: str


def lines_json(lines: tuple[RefundLine, ...]) -> str:
    """The lines as refund_requests stores them (sorted, so the same lines give the same text)."""
    return json.dumps([[ln.line_no, ln.quantity, ln.amount.minor] for ln in sorted(lines, key=lambda x: x.line_no)])


def _lines(text: str, currency: str) -> tuple[RefundLine, ...]:
    return tuple(RefundLine(int(n), int(q), Money(int(a), currency)) for n, q, a in json.loads(text))


class RefundStore:
    """SQL for refunds, refund_lines and refund_requests; writes happen inside a caller's transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def insert(self, tx: Transaction, refund: Refund, shift_id: str) -> None:
        """Record a refund and its lines."""
        tx.execute("INSERT INTO refunds(id, sale_id, shift_id, method, amount, currency, reason, created_at,"
                   " staff_id, approved_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
                   (refund.id, refund.sale_id, shift_id, refund.method, refund.amount.minor, refund.amount.currency,
                    refund.reason, refund.created_at, refund.staff_id, refund.approved_by))
        for ln in refund.lines:
            tx.execute("INSERT INTO refund_lines(refund_id, line_no, quantity, amount) VALUES (?,?,?,?)",
                       (refund.id, ln.line_no, ln.quantity, ln.amount.minor))

    def _refund(self, r: sqlite3.Row) -> Refund:
        cur = r["currency"]
        lines = tuple(RefundLine(int(x["line_no"]), int(x["quantity"]), Money(int(x["amount"]), cur))
                      for x in self._db.query("SELECT * FROM refund_lines WHERE refund_id = ? ORDER BY line_no",
                                              (r["id"],)))
        taken = self._db.query_one("SELECT COALESCE(-SUM(points), 0) FROM points_ledger WHERE refund_id = ?",
                                   (r["id"],))
        return Refund(r["id"], r["sale_id"], r["method"], Money(int(r["amount"]), cur), r["reason"], r["created_at"],
                      lines, r["staff_id"], r["approved_by"], int(taken[0]) if taken else 0, 0, r["shift_id"])

    def find(self, refund_id: str) -> Refund | None:
        """A refund by its id (the out_request_no), for idempotent retries."""
        r = self._db.query_one("SELECT * FROM refunds WHERE id = ?", (refund_id,))
        return self._refund(r) if r is not None else None

    def of_sale(self, sale_id: str) -> list[Refund]:
        """Every refund of a sale, oldest first."""
        return [self._refund(r) for r in self._db.query("SELECT * FROM refunds WHERE sale_id = ?"
                                                        " ORDER BY created_at, rowid", (sale_id,))]

    def refunded(self, sale_id: str, currency: str) -> Money:
        """Total already refunded against a sale."""
        row = self._db.query_one("SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE sale_id = ?", (sale_id,))
        return Money(int(row[0]) if row else 0, currency)

    def line_totals(self, sale_id: str) -> dict[int, tuple[int, int]]:
        """(quantity, minor units) refunded so far per line number of a sale."""
        rows = self._db.query("SELECT l.line_no, SUM(l.quantity), SUM(l.amount) FROM refund_lines l"
                              " JOIN refunds r ON r.id = l.refund_id WHERE r.sale_id = ? GROUP BY l.line_no",
                              (sale_id,))
        return {int(r[0]): (int(r[1]), int(r[2])) for r in rows}

    def request(self, request_id: str) -> RefundRequestRow | None:
        """One wallet refund request, or None."""
        r = self._db.query_one("SELECT * FROM refund_requests WHERE id = ?", (request_id,))
        return self._request(r) if r is not None else None

    def pending(self, sale_id: str) -> list[RefundRequestRow]:
        """The wallet refunds of a sale still waiting for the acquirer's answer."""
        return [self._request(r) for r in self._db.query(
            "SELECT * FROM refund_requests WHERE sale_id = ? AND status = ? ORDER BY created_at, rowid",
            (sale_id, RefundRequestStatus.PENDING))]

    @staticmethod
    def _request(r: sqlite3.Row) -> RefundRequestRow:
        cur = r["currency"]
        return RefundRequestRow(r["id"], r["sale_id"], Money(int(r["amount"]), cur), _lines(r["lines"], cur),
                                r["reason"], r["staff_id"], r["approved_by"], RefundRequestStatus(r["status"]),
                                r["detail"])

    def add_request(self, req: RefundRequestRow, at: str) -> None:
        """Write a wallet refund request as pending, before the acquirer is asked."""
        with self._db.transaction() as tx:
            tx.execute("INSERT INTO refund_requests(id, sale_id, amount, currency, lines, reason, staff_id,"
                       " approved_by, status, detail, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                       (req.id, req.sale_id, req.amount.minor, req.amount.currency, lines_json(req.lines),
                        req.reason, req.staff_id, req.approved_by, req.status, req.detail, at, at))

    def set_request(self, tx: Transaction, request_id: str, status: RefundRequestStatus, detail: str,
                    at: str) -> None:
        """Record the acquirer's answer to a request."""
        tx.execute("UPDATE refund_requests SET status = ?, detail = ?, updated_at = ? WHERE id = ?",
                   (status, detail[:300], at, request_id))
