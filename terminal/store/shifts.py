"""Shifts and cash moves in SQLite, and the figures a shift report is made of."""
from __future__ import annotations

import json
from typing import Any

from terminal.sales.money import Money
from terminal.sales.sale import PaymentStatus, SaleState
from terminal.shift.model import Shift, ShiftReport
from terminal.store.db import Database, Transaction


class ShiftStore:
    """Reads and writes shifts of one terminal."""

    def __init__(self, db: Database, terminal: str) -> None:
        self._db, self._terminal = db, terminal

    def _shift(self, row: Any) -> Shift:
        return Shift(row["id"], row["cashier"], Money(row["opening_float"], row["currency"]), row["opened_at"],
                     row["closed_at"])

    def current(self) -> Shift | None:
        """The open shift, or None."""
        row = self._db.query_one("SELECT * FROM shifts WHERE terminal = ? AND closed_at IS NULL", (self._terminal,))
        return self._shift(row) if row else None

    def get(self, shift_id: str) -> Shift | None:
        """A shift by id."""
        row = self._db.query_one("SELECT * FROM shifts WHERE id = ?", (shift_id,))
        return self._shift(row) if row else None

    def insert(self, tx: Transaction, shift: Shift) -> None:
        """Record a newly opened shift."""
        tx.execute("INSERT INTO shifts(id, terminal, cashier, currency, opening_float, opened_at)"
                   " VALUES (?,?,?,?,?,?)", (shift.id, self._terminal, shift.cashier,
                                            shift.opening_float.currency, shift.opening_float.minor, shift.opened_at))

    def close(self, tx: Transaction, shift_id: str, closed_at: str, report: ShiftReport) -> None:
        """Mark the shift closed and keep its Z report."""
        tx.execute("UPDATE shifts SET closed_at = ?, z_report = ? WHERE id = ? AND closed_at IS NULL",
                   (closed_at, json.dumps(report.as_lines(), ensure_ascii=False), shift_id))

    def add_cash_move(self, tx: Transaction, move_id: str, shift_id: str, direction: str, amount: Money,
                      reason: str, at: str, staff_id: str | None = None) -> None:
        """Record cash put in or taken out of the drawer, and by whom."""
        tx.execute("INSERT INTO cash_moves(id, shift_id, direction, amount, currency, reason, created_at, staff_id)"
                   " VALUES (?,?,?,?,?,?,?,?)",
                   (move_id, shift_id, direction, amount.minor, amount.currency, reason, at, staff_id))

    def people(self, shift_id: str) -> list[dict[str, Any]]:
        """Per staff member (id None = nobody signed in): paid sales, their total, refunds, cash moves."""
        q = self._db.query
        out: dict[str | None, dict[str, Any]] = {}

        def person(row: Any) -> dict[str, Any]:
            blank = {"staff_id": row["sid"], "name": row["name"] or "", "sales": 0, "total": 0, "refunds": 0,
                     "refunded": 0, "in": 0, "out": 0}
            entry: dict[str, Any] = out.setdefault(row["sid"], blank)
            return entry
        for r in q("SELECT s.staff_id AS sid, st.name AS name, COUNT(*) AS n, SUM(s.total) AS total FROM sales s"
                   " LEFT JOIN staff st ON st.id = s.staff_id WHERE s.shift_id = ? AND s.state = ?"
                   " GROUP BY s.staff_id", (shift_id, SaleState.PAID)):
            person(r).update(sales=r["n"], total=r["total"])
        for r in q("SELECT r.staff_id AS sid, st.name AS name, COUNT(*) AS n, SUM(r.amount) AS amount FROM refunds r"
                   " LEFT JOIN staff st ON st.id = r.staff_id WHERE r.shift_id = ? GROUP BY r.staff_id", (shift_id,)):
            person(r).update(refunds=r["n"], refunded=r["amount"])
        for r in q("SELECT c.staff_id AS sid, st.name AS name, c.direction AS direction, SUM(c.amount) AS amount"
                   " FROM cash_moves c LEFT JOIN staff st ON st.id = c.staff_id WHERE c.shift_id = ?"
                   " GROUP BY c.staff_id, c.direction", (shift_id,)):
            person(r)[r["direction"]] = r["amount"]
        return sorted(out.values(), key=lambda p: (p["staff_id"] is None, p["name"].casefold()))

    def figures(self, shift_id: str) -> dict[str, Any]:
        """Raw sums for a report: counts, per-method taken/refunded, cash moves."""
        q = self._db.query
        counts = {r["state"]: r["n"] for r in q("SELECT state, COUNT(*) AS n FROM sales WHERE shift_id = ?"
                                                   " GROUP BY state", (shift_id,))}
        totals = q("SELECT COALESCE(SUM(total), 0) AS total, COALESCE(SUM(tax), 0) AS tax FROM sales"
                   " WHERE shift_id = ? AND state = ?", (shift_id, SaleState.PAID))[0]
        taken = {r["method"]: (r["n"], r["amount"]) for r in q(
            "SELECT p.method, COUNT(DISTINCT p.sale_id) AS n, SUM(p.amount) AS amount FROM payments p"
            " JOIN sales s ON s.id = p.sale_id WHERE s.shift_id = ? AND p.status = ?"
            " GROUP BY p.method", (shift_id, PaymentStatus.APPROVED))}
        refunded = {r["method"]: (r["n"], r["amount"]) for r in q(
            "SELECT method, COUNT(*) AS n, SUM(amount) AS amount FROM refunds WHERE shift_id = ?"
            " GROUP BY method", (shift_id,))}
        moves = {r["direction"]: r["amount"] for r in q(
            "SELECT direction, SUM(amount) AS amount FROM cash_moves WHERE shift_id = ? GROUP BY direction",
            (shift_id,))}
        return {"paid": counts.get(SaleState.PAID, 0), "voided": counts.get(SaleState.VOIDED, 0),
                "total": totals["total"], "tax": totals["tax"], "taken": taken, "refunded": refunded, "moves": moves}
