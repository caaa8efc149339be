"""Payment-code risk checks: a code is single use, and a terminal takes only so many code payments a minute.

Codes are kept only as keyed SHA-256 hashes (HMAC with a per-terminal salt); logs show the mask.
"""
from __future__ import annotations

import hashlib
import hmac
import logging

from terminal.errors import PaymentRefusal, PaymentRefused
from terminal.payments.paycodes import mask, normalize
from terminal.ports import Clock
from terminal.store.db import Transaction
from terminal.store.risk import RiskStore

log = logging.getLogger(__name__)

# The risk_salt and risk_codes tables come with schema version 3 (terminal/store/migrations.py).

DEFAULT_RETENTION_S = 90 * 24 * 3600  # wallet codes expire in minutes; 90 days of hashes is ample


class RiskRefused(PaymentRefused):
    """A payment code is refused by a risk rule (reason: CODE_REUSED or TOO_MANY_CODES); the message says what to do."""


class RiskGuard:
    """Refuses reused payment codes and code payments beyond a velocity limit per terminal."""

    def __init__(self, store: RiskStore, clock: Clock, *, velocity_max: int, velocity_window_s: int,
                 salt: bytes | None = None, retention_s: int = DEFAULT_RETENTION_S) -> None:
        if velocity_max < 1 or velocity_window_s < 1:
            raise ValueError("velocity_max and velocity_window_s must be at least 1")
        if retention_s < velocity_window_s:
            raise ValueError("retention_s must be at least velocity_window_s")
        self._store = store
        self._clock = clock
        self.velocity_max = velocity_max
        self.velocity_window_s = velocity_window_s
        self.retention_s = retention_s
        with store.db.transaction() as tx:
            self._salt = salt if salt is not None else store.salt(tx)

    def _hash(self, code: str) -> str:
        return hmac.new(self._salt, normalize(code).encode("utf-8"), hashlib.sha256).hexdigest()

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def _refusal(self, tx: Transaction, code: str) -> RiskRefused | None:
        if self._store.seen(tx, self._hash(code)):
            return RiskRefused(PaymentRefusal.CODE_REUSED, "this payment code was already used (codes are single use): "
                               "ask the customer to refresh the code in the wallet app and scan again")
        since = self._now() - self.velocity_window_s
        count = self._store.count_since(tx, since)
        if count >= self.velocity_max:
            return RiskRefused(PaymentRefusal.TOO_MANY_CODES, f"too many code payments: {count} in the last "
                               f"{self.velocity_window_s} s (limit {self.velocity_max}): wait a moment, or call the "
                               "supervisor")
        return None

    def _refuse(self, code: str, refusal: RiskRefused) -> RiskRefused:
        log.warning("payment code %s refused: %s", mask(normalize(code)), refusal)
        return refusal

    def check_code(self, code: str) -> None:
        """Raise RiskRefused when the code was seen before or the velocity limit is reached."""
        with self._store.db.transaction() as tx:
            refusal = self._refusal(tx, code)
        if refusal is not None:
            raise self._refuse(code, refusal)

    def record(self, code: str) -> None:
        """Remember that a payment was attempted with this code (as a hash only)."""
        with self._store.db.transaction() as tx:
            self._insert(tx, code)

    def admit(self, code: str) -> None:
        """check_code and record in one transaction, so two scans of one code cannot both pass."""
        with self._store.db.transaction() as tx:
            refusal = self._refusal(tx, code)
            if refusal is None:
                self._insert(tx, code)
        if refusal is not None:
            raise self._refuse(code, refusal)

    def _insert(self, tx: Transaction, code: str) -> None:
        now = self._now()
        self._store.record(tx, self._hash(code), now, now - self.retention_s)

    def recent_count(self) -> int:
        """Code payments recorded within the velocity window."""
        return self._store.recent_count(self._now() - self.velocity_window_s)
