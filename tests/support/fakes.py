"""Fakes of our own ports, shared by the unit, integration and UI tests."""
from __future__ import annotations

from terminal.errors import PrinterError
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
