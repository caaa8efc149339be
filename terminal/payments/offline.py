"""The offline policy: which payments may be accepted while the acquirer cannot be reached."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

from terminal.config.settings import OfflineConfig
from terminal.errors import EdgeposError
from terminal.sales.money import Money
from terminal.ports import Clock
from terminal.store.db import Database


class OfflineRefused(EdgeposError):
    """An offline payment over one of the caps."""


class OfflineGate:
    """Checks a payment against the caps in force: per payment, total unforwarded per currency, oldest age."""

    def __init__(self, db: Database, caps: Callable[[], OfflineConfig], clock: Clock) -> None:
        self._db, self._caps, self._clock = db, caps, clock

    def unforwarded(self, currency: str) -> tuple[Money, str | None]:
        """Total and oldest time of offline payments whose event has not reached the backend yet."""
        row = self._db.query_one(
            "SELECT COALESCE(SUM(p.amount), 0), MIN(p.created_at) FROM payments p WHERE p.status = 'offline' "
            "AND p.currency = ? AND p.sale_id IN (SELECT json_extract(envelope, '$.body.sale_id') FROM outbox "
            "WHERE schema = 'payment/1')", (currency,))
        total, oldest = (int(row[0]), row[1]) if row else (0, None)
        return Money(total, currency), (str(oldest) if oldest else None)

    def __call__(self, amount: Money) -> None:
        """Raise OfflineRefused with the reason when `amount` may not be taken offline."""
        caps = self._caps()
        if amount > caps.per_payment_cap:
            raise OfflineRefused(f"{amount.format()} is over the offline limit of {caps.per_payment_cap.format()} "
                                 "per payment")
        stored, oldest = self.unforwarded(amount.currency)
        if stored + amount > caps.total_cap:
            raise OfflineRefused(f"the offline total would reach {(stored + amount).format()}, over the limit of "
                                 f"{caps.total_cap.format()}")
        if oldest is not None:
            since = datetime.fromisoformat(oldest.replace("Z", "+00:00"))
            if self._clock.now() - since > timedelta(hours=caps.max_age_hours):
                raise OfflineRefused(f"the oldest offline payment is more than {caps.max_age_hours} h old and "
                                     "still not forwarded")
