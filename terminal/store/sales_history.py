"""Read-only queries behind the sales history: sales of a time range, the times sales closed, ids by prefix."""
from __future__ import annotations

from dataclasses import dataclass

from terminal.store.db import Database


@dataclass(frozen=True)
class SaleSummary:
    """One row of the sales list, as stored (times RFC 3339 UTC, amounts in minor units)."""

    id: str
    state: str
    currency: str
    total: int
    closed_at: str
    methods: tuple[str, ...]
    refunded: int


class SalesHistoryStore:
    """SQL for the sales history screen and `edgepos sales`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def closed_between(self, start: str, end: str) -> list[SaleSummary]:
        """Sales closed in [start, end), newest first, with their payment methods and what was refunded."""
        rows = self._db.query(
            "SELECT s.id, s.state, s.currency, s.total, s.closed_at,"
            " (SELECT GROUP_CONCAT(method, ',') FROM (SELECT DISTINCT method FROM payments p"
            "   WHERE p.sale_id = s.id ORDER BY method)) AS methods,"
            " (SELECT COALESCE(SUM(amount), 0) FROM refunds r WHERE r.sale_id = s.id) AS refunded"
            " FROM sales s WHERE s.closed_at >= ? AND s.closed_at < ? ORDER BY s.closed_at DESC, s.rowid DESC",
            (start, end))
        return [SaleSummary(r["id"], r["state"], r["currency"], int(r["total"]), r["closed_at"],
                            tuple(m for m in (r["methods"] or "").split(",") if m), int(r["refunded"]))
                for r in rows]

    def close_minutes(self) -> list[str]:
        """Every distinct minute (`YYYY-MM-DDTHH:MM`, UTC) in which a sale closed, oldest first."""
        return [str(r[0]) for r in self._db.query("SELECT DISTINCT substr(closed_at, 1, 16) FROM sales ORDER BY 1")]

    def ids_starting(self, prefix: str, limit: int = 5) -> list[str]:
        """Sale ids that start with prefix (lower-case hex)."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return [str(r[0]) for r in self._db.query("SELECT id FROM sales WHERE id LIKE ? ESCAPE '\\' ORDER BY id"
                                                  " LIMIT ?", (escaped + "%", limit))]

    def staff_names(self) -> dict[str, str]:
        """Staff id to name, for who did and who approved a refund."""
        return {str(r[0]): str(r[1]) for r in self._db.query("SELECT id, name FROM staff")}
