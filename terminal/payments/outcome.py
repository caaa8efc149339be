"""How a wallet payment (code, QR or face) ended: its status, its message and, when refused, which rule refused it."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from terminal.errors import EdgeposError, PaymentRefusal, PaymentRefused
from terminal.sales.sale import PaymentStatus


class OutcomeStatus(StrEnum):
    """How a wallet payment (code, QR or face) ended, as the kiosk shows it."""

    APPROVED = "approved"
    OFFLINE = "offline"                          # accepted offline: the sale completes, charged later
    DECLINED = "declined"
    REVERSED = "reversed"
    REVERSE_UNCONFIRMED = "reverse_unconfirmed"
    REFUSED = "refused"


PAID = frozenset({OutcomeStatus.APPROVED, OutcomeStatus.OFFLINE})


@dataclass(frozen=True)
class CodeOutcome:
    """How a code payment ended: approved, offline, declined, reversed, reverse_unconfirmed or refused."""

    status: OutcomeStatus
    message: str
    out_trade_no: str = ""
    scheme: str = ""
    masked: str = ""
    trade_no: str = ""
    reason: str = ""   # the wallet's or our own reason for a decline, a refusal or an unconfirmed reversal
    refusal: PaymentRefusal | None = None   # which of our rules refused it (status REFUSED), for ui/ to word

    @property
    def paid(self) -> bool:
        """True when the sale may complete (approved online, or accepted offline)."""
        return self.status in PAID


def payment_status(outcome: CodeOutcome) -> PaymentStatus:
    """The stored payment's status for a paid outcome: approved online, or offline."""
    return PaymentStatus.APPROVED if outcome.status == OutcomeStatus.APPROVED else PaymentStatus.OFFLINE


def refusal_of(err: EdgeposError) -> PaymentRefusal | None:
    """The reason code of an error raised by one of our payment rules (None for any other error)."""
    return err.reason if isinstance(err, PaymentRefused) else None
