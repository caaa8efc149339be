"""A printer that renders each receipt to a text file: the simulated printer of a laptop install."""
from __future__ import annotations

from pathlib import Path

from terminal.errors import PrinterError
from terminal.sales.receipts import Receipt


class FilePrinter:
    """Writes `receipt-<sale>.txt` into a directory (atomically), as a printer would print it."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir

    def print_receipt(self, receipt: Receipt) -> str:
        """Render the receipt as text into the directory; returns the file path."""
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            path = self.out_dir / f"receipt-{receipt.sale_id}.txt"
            tmp = path.with_suffix(".tmp")
            tmp.write_text(receipt.as_text(), encoding="utf-8")
            tmp.replace(path)
        except OSError as err:
            raise PrinterError(f"simulated printer cannot write {self.out_dir}: {err.strerror}") from err
        return str(path)

    def status(self) -> str:
        """'ready' when the output directory can be written."""
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            return f"cannot write {self.out_dir}: {err.strerror}"
        return "ready"

    def close(self) -> None:
        """Nothing to release: each receipt is a file written and closed."""
