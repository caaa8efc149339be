"""The offline policy: which payments may be accepted while the acquirer cannot be reached."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from terminal.config.settings import OfflineConfig
from terminal.errors import PaymentRefusal, PaymentRefused
from terminal.ports import Clock
from terminal.sales.money import Money
from terminal.store.backlog import BacklogStore
from terminal.store.db import Database


class OfflineRefused(PaymentRefused):
    """An offline payment over one of the caps (reason: OVER_PAYMENT_CAP, OVER_TOTAL_CAP or OFFLINE_TOO_OLD)."""


class OfflineGate:
    """Checks a payment against the caps in force: per payment, total unforwarded per currency, oldest age."""

    def __init__(self, db: Database, caps: Callable[[], OfflineConfig], clock: Clock) -> None:
        self._backlog, self._caps, self._clock = BacklogStore(db), caps, clock

    def unforwarded(self, currency: str) -> tuple[Money, str | None]:
        """Total and oldest time of offline payments whose event has not reached the backend yet."""
        total, oldest = self._backlog.offline_unforwarded(currency)
        return Money(total, currency), oldest

    def __call__(self, amount: Money) -> None:
        """Raise OfflineRefused with the reason when `amount` may not be taken offline."""
        caps = self._caps()
        if amount > caps.per_payment_cap:
            raise OfflineRefused(PaymentRefusal.OVER_PAYMENT_CAP, f"{amount.format()} is over the offline limit "
                                 f"of {caps.per_payment_cap.format()} per payment")
        stored, oldest = self.unforwarded(amount.currency)
        if stored + amount > caps.total_cap:
            raise OfflineRefused(PaymentRefusal.OVER_TOTAL_CAP, "the offline total would reach "
                                 f"{(stored + amount).format()}, over the limit of {caps.total_cap.format()}")
        if oldest is not None:
            since = datetime.fromisoformat(oldest.replace("Z", "+00:00"))
            if self._clock.now() - since > timedelta(hours=caps.max_age_hours):
                raise OfflineRefused(PaymentRefusal.OFFLINE_TOO_OLD, "the oldest offline payment is more than "
                                     f"{caps.max_age_hours} h old and still not forwarded")
