"""What has not reached the backend yet: events waiting in the outbox and the offline payments among them."""
from __future__ import annotations

from terminal.sales.sale import PaymentStatus
from terminal.store.db import Database


class BacklogStore:
    """Read-only counts over the outbox, for the offline policy, the cashier's banner and the doctor."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def waiting(self, schema: str | None = None) -> tuple[int, str | None]:
        """How many events wait (of one schema, or all) and the created_at of the oldest (None when none)."""
        if schema is None:
            row = self._db.query_one("SELECT COUNT(*), MIN(created_at) FROM outbox")
        else:
            row = self._db.query_one("SELECT COUNT(*), MIN(created_at) FROM outbox WHERE schema = ?", (schema,))
        count, oldest = (int(row[0]), row[1]) if row else (0, None)
        return count, (str(oldest) if oldest else None)

    def offline_unforwarded(self, currency: str) -> tuple[int, str | None]:
        """Minor units and oldest created_at of offline payments in `currency` whose event still waits."""
        row = self._db.query_one(
            "SELECT COALESCE(SUM(p.amount), 0), MIN(p.created_at) FROM payments p WHERE p.status = ? "
            "AND p.currency = ? AND p.sale_id IN (SELECT json_extract(envelope, '$.body.sale_id') FROM outbox "
            "WHERE schema = 'payment/1')", (PaymentStatus.OFFLINE, currency))
        total, oldest = (int(row[0]), row[1]) if row else (0, None)
        return total, (str(oldest) if oldest else None)
