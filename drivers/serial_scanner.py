"""Serial barcode scanner (pyserial): lines ending CR, LF or CRLF, read in a background thread."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import serial

from terminal.errors import ScannerError
from terminal.scanning.capture import clean_text

__all__ = ["LineSplitter", "ScannerError", "SerialScanner"]
log = logging.getLogger(__name__)
MAX_LINE = 4096


class LineSplitter:
    """Splits a byte stream into lines at CR, LF or CRLF; a CRLF split across two reads still counts once."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._after_cr = False

    def feed(self, data: bytes) -> list[str]:
        """The complete lines in `data` (plus what came before), control characters stripped, empty lines dropped."""
        lines: list[str] = []
        for byte in data:
            if byte == 0x0A and self._after_cr:
                self._after_cr = False
                continue
            self._after_cr = byte == 0x0D
            if byte in (0x0A, 0x0D):
                text = clean_text(self._buf.decode("utf-8", "replace"))
                self._buf.clear()
                if text:
                    lines.append(text)
            elif len(self._buf) < MAX_LINE:
                self._buf.append(byte)
        return lines


class SerialScanner:
    """A Scanner port on a serial device; on_code and on_error are called from the reader thread."""

    def __init__(self, port: str, baud: int = 9600, on_code: Callable[[str], None] | None = None,
                 on_error: Callable[[ScannerError], None] | None = None, read_timeout_s: float = 0.1) -> None:
        self.port, self.baud = port, baud
        self.on_code, self.on_error = on_code, on_error
        self.read_timeout_s = read_timeout_s
        self._serial: serial.Serial | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self, on_code: Callable[[str], None] | None = None) -> None:
        """Open the port (ScannerError if it cannot) and start delivering codes from a background thread."""
        if on_code is not None:
            self.on_code = on_code
        if self.on_code is None:
            raise ValueError("SerialScanner needs an on_code callback")
        if self._thread is not None:
            raise RuntimeError("this scanner is already started")
        try:
            self._serial = serial.Serial(self.port, self.baud, timeout=self.read_timeout_s)
        except (serial.SerialException, OSError, ValueError) as err:
            raise ScannerError(f"cannot open scanner port {self.port} at {self.baud} baud: {err}. "
                               "Check the port in the config and that the scanner is plugged in") from err
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"scanner {self.port}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the reader thread and close the port."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        self._thread = None
        if self._serial is not None:
            self._serial.close()
            self._serial = None

    @property
    def running(self) -> bool:
        """True while the reader thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        splitter = LineSplitter()
        port = self._serial
        assert port is not None and self.on_code is not None
        while not self._stop.is_set():
            try:
                data = port.read(max(1, port.in_waiting))
            except (serial.SerialException, OSError, TypeError) as err:
                if self._stop.is_set():
                    return  # closed by stop()
                self._report(ScannerError(f"scanner port {self.port} disappeared ({err}): "
                                          "check the cable or USB adapter, then restart the scanner"))
                return
            for line in splitter.feed(data):
                try:
                    self.on_code(line)
                except Exception:
                    log.exception("scanner on_code callback failed")

    def _report(self, err: ScannerError) -> None:
        if self.on_error is None:
            log.error("%s", err)
            return
        try:
            self.on_error(err)
        except Exception:
            log.exception("scanner on_error callback failed")
