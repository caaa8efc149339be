"""Fakes of our own ports, shared by the unit, integration and UI tests."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from terminal.errors import PrinterError
from terminal.payments.acquirer import AcquirerReply, AcquirerUnreachable
from terminal.sales.receipts import Receipt


class FakePrinter:
    """A Printer port that keeps what it printed; set `fail` to make it raise PrinterError."""

    def __init__(self) -> None:
        self.receipts: list[Receipt] = []
        self.fail: str | None = None
        self.closed = False

    def print_receipt(self, receipt: Receipt) -> str:
        if self.fail:
            raise PrinterError(self.fail)
        self.receipts.append(receipt)
        return f"fake:{receipt.sale_id}"

    def status(self) -> str:
        return self.fail or "ready"

    def close(self) -> None:
        self.closed = True


class FixedClock:
    """A Clock port that stands still until told to move."""

    def __init__(self, moment: datetime | None = None) -> None:
        self.moment = moment or datetime(2026, 11, 22, 8, 30, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment

    def advance(self, **kwargs: float) -> None:
        self.moment += timedelta(**kwargs)


class FakeAcquirer:
    """An Acquirer port answering from a table by method (`default` for the others); unreachable while not `online`.

    Every request's method is kept in `calls`; `notify` hands a reply to the handlers given to on_notify.
    """

    def __init__(self, replies: dict[str, AcquirerReply | None] | None = None,
                 default: AcquirerReply | None = None, online: bool = True) -> None:
        self.replies = dict(replies or {})
        self.default = default
        self.online = online
        self.calls: list[str] = []
        self.handlers: list[Callable[[AcquirerReply], None]] = []

    def reachable(self) -> bool:
        return self.online

    def call(self, method: str, body: dict[str, Any], timeout: float) -> AcquirerReply | None:
        self.calls.append(method)
        if not self.online:
            raise AcquirerUnreachable("the link is down")
        return self.reply(method, body)

    def reply(self, method: str, body: dict[str, Any]) -> AcquirerReply | None:
        """The answer to one request; a subclass may answer from the body."""
        return self.replies.get(method, self.default)

    def on_notify(self, handler: Callable[[AcquirerReply], None]) -> None:
        self.handlers.append(handler)

    def notify(self, reply: AcquirerReply) -> None:
        """An unsolicited result, as the acquirer pushes one."""
        for handler in list(self.handlers):
            handler(reply)
