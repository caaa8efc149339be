"""The acquirer port: authorize, query, reverse and refund wallet payments (MQTT request/response in sync/)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from terminal.errors import EdgeposError


class AcquirerMethod(StrEnum):
    """The requests the acquirer takes, as they are named on the wire."""

    PAY = "pay"
    QUERY = "query"
    REVERSE = "reverse"
    REFUND = "refund"
    PRECREATE = "precreate"   # a merchant-presented QR order
    AGREEMENT_SIGN = "agreement_sign"   # a face-pay member signs a wallet withholding agreement (the reply's payload)


class AcquirerStatus(StrEnum):
    """The statuses an acquirer reply carries, as they are named on the wire."""

    SUCCESS = "success"
    DECLINED = "declined"
    CLOSED = "closed"
    PENDING = "pending"
    CREATED = "created"       # a QR order exists and waits for the customer
    REVERSED = "reversed"
    REFUNDED = "refunded"
    FAILED = "failed"
    UNKNOWN = "unknown"


FINAL_OK = AcquirerStatus.SUCCESS
FINAL_NO = frozenset({AcquirerStatus.DECLINED, AcquirerStatus.CLOSED})


class AcquirerUnreachable(EdgeposError):
    """The request could not be sent: the link to the acquirer is down."""


@dataclass(frozen=True)
class AcquirerReply:
    """One answer; status is an AcquirerStatus value, kept as received (an acquirer may send one we do not know)."""

    status: str
    reason: str = ""
    trade_no: str = ""
    out_trade_no: str = ""
    payload: str = ""   # precreate: the QR text the provider gave (the kiosk shows it); agreement_sign: the sign URL

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AcquirerReply:
        """A reply from its JSON body (missing fields read as empty)."""
        return cls(str(data.get("status", AcquirerStatus.UNKNOWN)), str(data.get("reason", "")),
                   str(data.get("trade_no", "")), str(data.get("out_trade_no", "")), str(data.get("payload", "")))


@runtime_checkable
class Acquirer(Protocol):
    """Sends a request and waits for its reply; None when no answer came within the timeout."""

    def reachable(self) -> bool:
        """True while requests can be sent (the link is up)."""
        ...

    def call(self, method: AcquirerMethod, body: dict[str, Any], timeout: float) -> AcquirerReply | None:
        """Send `method` (pay, query, reverse, refund) and wait up to `timeout` s; raises AcquirerUnreachable."""
        ...

    def on_notify(self, handler: Callable[[AcquirerReply], None]) -> None:
        """Register who hears unsolicited results (a success that arrives after a reversal)."""
        ...
