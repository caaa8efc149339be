"""The acquirer port: authorize, query, reverse and refund wallet payments (MQTT request/response in sync/)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Protocol, runtime_checkable

from terminal.errors import EdgeposError

FINAL_OK = "success"
FINAL_NO = frozenset({"declined", "closed"})


class AcquirerUnreachable(EdgeposError):
    """The request could not be sent: the link to the acquirer is down."""


@dataclass(frozen=True)
class AcquirerReply:
    """One answer: status is success, declined, pending, reversed, refunded, failed or unknown."""

    status: str
    reason: str = ""
    trade_no: str = ""
    out_trade_no: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AcquirerReply:
        """A reply from its JSON body (missing fields read as empty)."""
        return cls(str(data.get("status", "unknown")), str(data.get("reason", "")), str(data.get("trade_no", "")),
                   str(data.get("out_trade_no", "")))


@runtime_checkable
class Acquirer(Protocol):
    """Sends a request and waits for its reply; None when no answer came within the timeout."""

    def reachable(self) -> bool:
        """True while requests can be sent (the link is up)."""
        ...

    def call(self, method: str, body: dict[str, Any], timeout: float) -> AcquirerReply | None:
        """Send `method` (pay, query, reverse, refund) and wait up to `timeout` s; raises AcquirerUnreachable."""
        ...

    def on_notify(self, handler: Callable[[AcquirerReply], None]) -> None:
        """Register who hears unsolicited results (a success that arrives after a reversal)."""
        ...
