"""The receipt printer on a serial port: python-escpos, GB18030 text, a raster fallback, QR, cut, drawer."""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from drivers.escpos_text import ModeTracker, encode_line
from terminal.config.settings import DEFAULT_PRINTER_ENCODING
from terminal.errors import PrinterError
from terminal.sales.receipts import Receipt, ReceiptLine
from terminal.sales.textwidth import strip_control

log = logging.getLogger(__name__)
PAPER_QUERY_S = 0.3
PAPER_END = 0x60              # DLE EOT 4: bits 5 and 6, the roll paper end sensor
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def raster_line(line: ReceiptLine, width_chars: int, paper_dots: int) -> Image.Image:
    """One receipt line drawn as a 1-bit image the full paper width (for text the code page cannot hold)."""
    size = 24 * (2 if line.double else 1)
    font = ImageFont.truetype(str(FONT), size) if FONT.exists() else ImageFont.load_default()
    image = Image.new("1", (paper_dots, int(size * 1.3)), 1)
    draw = ImageDraw.Draw(image)
    text_width = draw.textlength(line.text, font=font)
    x = {"center": (paper_dots - text_width) / 2, "right": paper_dots - text_width}.get(line.align, 0)
    draw.text((max(x, 0), 0), line.text, font=font, fill=0, stroke_width=1 if line.bold else 0, stroke_fill=0)
    return image


def paper_out(printer: Any, wait_s: float = PAPER_QUERY_S) -> bool:
    """Ask the roll paper sensor (DLE EOT 4); a printer that does not answer is taken to have paper."""
    device = getattr(printer, "device", None)
    if device is None:
        return False
    device.reset_input_buffer()
    device.write(b"\x10\x04\x04")
    previous, device.timeout = device.timeout, wait_s
    try:
        reply = device.read(1)
    finally:
        device.timeout = previous
    return bool(reply) and reply[0] & PAPER_END == PAPER_END


def _close_quietly(printer: Any) -> None:
    """Close the port; a printer already gone fails the flush (termios.error): drop the device instead."""
    import termios

    import serial
    try:
        printer.close()
    except (serial.SerialException, OSError, termios.error):
        device, printer._device = getattr(printer, "_device", None), None   # so escpos' __del__ won't retry
        try:
            if device is not None:
                os.close(device.fd)
        except (OSError, AttributeError, TypeError):
            pass


class EscposSerialPrinter:
    """The Printer port on an ESC/POS printer; every failure becomes a PrinterError the cashier can act on."""

    def __init__(self, port: str, baud: int = 19200, *, encoding: str = DEFAULT_PRINTER_ENCODING, paper_dots: int = 576,
                 profile: str = "default", timeout: float = 3.0) -> None:
        self.port, self.baud, self.encoding = port, baud, encoding
        self.paper_dots, self.profile, self.timeout = paper_dots, profile, timeout

    def _open(self) -> Any:
        from escpos.printer import Serial
        printer = Serial(devfile=self.port, baudrate=self.baud, timeout=self.timeout, profile=self.profile)
        # the generic profile knows no paper width, and python-escpos then prints a warning for every image
        printer.profile.profile_data.setdefault("media", {}).setdefault("width", {})["pixels"] = self.paper_dots
        printer.open()
        return printer

    def print_receipt(self, receipt: Receipt) -> str:
        """Print the receipt; returns the port; raises PrinterError when the printer is gone or out of paper."""
        import serial
        from escpos.exceptions import Error as EscposError
        try:
            printer = self._open()
        except (serial.SerialException, OSError, EscposError) as err:
            raise PrinterError(f"the printer on {self.port} does not answer ({err}): check power, cable "
                               "and port") from err
        try:
            if paper_out(printer):
                raise PrinterError(f"the printer on {self.port} is out of paper: load a new roll and press "
                                   "Reprint")
            self._print(printer, receipt)
        except (serial.SerialException, OSError, EscposError) as err:
            raise PrinterError(f"the printer on {self.port} stopped mid-receipt ({err}): check paper and "
                               "cable") from err
        finally:
            _close_quietly(printer)
        return self.port

    def _print(self, printer: Any, receipt: Receipt) -> None:
        printer.hw("INIT")
        modes = ModeTracker()
        if self.encoding != "raster":
            printer._raw(modes.switch("gbk"))
        for line in receipt.lines:
            clean = ReceiptLine(strip_control(line.text), line.align, line.bold, line.double)
            encoded = encode_line(clean.text, self.encoding)
            if encoded is not None:
                # python-escpos sends no size at all for double=False: normal_textsize resets a double line's size
                printer.set(align=clean.align, bold=clean.bold, double_height=clean.double,
                            double_width=clean.double, normal_textsize=not clean.double)
                printer._raw(modes.switch(encoded.mode) + encoded.data + b"\n")
            else:
                printer.set(align="left", bold=False, normal_textsize=True)
                printer.image(raster_line(clean, receipt.width, self.paper_dots), impl="bitImageRaster")
        printer.set(align="center", bold=False, normal_textsize=True)
        if receipt.qr_url:   # a shift report has none
            printer.qr(strip_control(receipt.qr_url), size=6, native=True)
            printer._raw(b"\n")
        if receipt.member_card:
            printer._raw(b"Your member card: show it at the till\n")
            printer.qr(strip_control(receipt.member_card), size=6, native=True)
            printer._raw(b"\n")
        printer.cut()
        if receipt.open_drawer:
            printer.cashdraw(2)

    def status(self) -> str:
        """'ready' when the port opens; otherwise what is wrong."""
        try:
            printer = self._open()
        except Exception as err:  # noqa: BLE001 - any failure to open is a status to show, not a crash
            return f"not answering on {self.port}: {err}"
        try:
            if paper_out(printer):
                return f"out of paper on {self.port}: load a new roll"
        except Exception as err:  # noqa: BLE001 - a port that opens but fails the query is still a status
            return f"not answering on {self.port}: {err}"
        finally:
            _close_quietly(printer)
        return "ready"

    def close(self) -> None:
        """Nothing to release: the port is opened for each receipt or status query and closed after it."""
