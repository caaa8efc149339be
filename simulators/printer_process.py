"""The simulated printer of a laptop install: the real ESC/POS driver talking to the virtual printer on a pty."""
from __future__ import annotations

import atexit
import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from drivers.escpos_printer import EscposSerialPrinter
from terminal.config.settings import DEFAULT_PRINTER_ENCODING
from terminal.errors import PrinterError
from terminal.sales.receipts import Receipt

START_TIMEOUT_S = 15.0
RENDER_TIMEOUT_S = 15.0
IDLE_S = 10.0   # below RENDER_TIMEOUT_S: a receipt cut short by a dead line still renders in time


class SimulatedPrinter:
    """Starts `simulators.printer` on first use; print_receipt returns the PNG it rendered."""

    def __init__(self, out_dir: Path, baud: int = 19200, encoding: str = DEFAULT_PRINTER_ENCODING,
                 paper_dots: int = 576) -> None:
        self.out_dir, self.baud, self.encoding, self.paper_dots = out_dir, baud, encoding, paper_dots
        self._proc: subprocess.Popen[str] | None = None
        self._driver: EscposSerialPrinter | None = None
        self._rendered: queue.Queue[dict[str, Any]] = queue.Queue()
        self._lock = threading.Lock()

    def _start(self) -> EscposSerialPrinter:
        if self._driver is not None and self._proc is not None and self._proc.poll() is None:
            return self._driver
        self.out_dir.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "simulators.printer", "--out", str(self.out_dir),
               "--width-dots", str(self.paper_dots), "--parent-pid", str(os.getpid()),
               # the driver ends every receipt with a cut: a pause on a loaded machine must not split one in two
               "--idle-s", str(IDLE_S)]
        self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                      encoding="utf-8")
        atexit.register(self.close)
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(self._proc, lines), daemon=True).start()
        try:
            first = lines.get(timeout=START_TIMEOUT_S)
        except queue.Empty:
            first = ""
        if not first.startswith("pty: "):
            self.close()
            raise PrinterError("the virtual printer did not start: run `edgepos sim printer --out DIR` to see why")
        self._driver = EscposSerialPrinter(first[5:].strip(), self.baud, encoding=self.encoding,
                                           paper_dots=self.paper_dots)
        return self._driver

    def _read(self, proc: subprocess.Popen[str], first: queue.Queue[str]) -> None:
        assert proc.stdout is not None
        for index, line in enumerate(proc.stdout):
            if index == 0:
                first.put(line)
                continue
            try:
                self._rendered.put(json.loads(line))
            except ValueError:
                continue

    def print_receipt(self, receipt: Receipt) -> str:
        """Print through the real driver and wait for the virtual printer's PNG; returns its path."""
        with self._lock:
            driver = self._start()
            while not self._rendered.empty():
                self._rendered.get_nowait()
            driver.print_receipt(receipt)
            try:
                rendered = self._rendered.get(timeout=RENDER_TIMEOUT_S)
            except queue.Empty:
                raise PrinterError("the virtual printer received the receipt but rendered nothing") from None
            return str(rendered["receipt"])

    def status(self) -> str:
        """'ready' once the virtual printer runs (it is started on demand)."""
        try:
            with self._lock:
                return self._start().status()
        except PrinterError as err:
            return str(err)

    def close(self) -> None:
        """Stop the virtual printer process."""
        proc, self._proc, self._driver = self._proc, None, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
