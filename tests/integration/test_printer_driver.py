"""The ESC/POS driver on a real pty: the bytes it sends, and a printer that vanishes mid-receipt."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import tty
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pyzbar.pyzbar import ZBarSymbol, decode

from drivers.escpos_printer import EscposSerialPrinter
from drivers.escpos_text import encode_cp1258
from terminal.app.bootstrap import Terminal
from terminal.errors import PrinterError
from terminal.sales.sale import SaleState
from terminal.scanning.capture import route

pytestmark = pytest.mark.integration


class PtyPrinterEnd:
    """The far end of a pty: collects bytes; `cut_after` closes it after that many bytes (a printer unplugged)."""

    def __init__(self, cut_after: int | None = None) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path, self.data, self.cut_after = os.ttyname(self.slave), bytearray(), cut_after
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            if not chunk:
                return
            self.data.extend(chunk)
            if self.cut_after is not None and len(self.data) >= self.cut_after:
                # unplugged: nothing more is read, so the sender blocks on a full pty, then the line goes dead
                time.sleep(0.5)
                os.close(self.slave)
                os.close(self.master)
                return

    def close(self) -> None:
        for fd in (self.slave, self.master):
            try:
                os.close(fd)
            except OSError:
                pass


def test_what_the_driver_sends(open_term: Terminal) -> None:
    end = PtyPrinterEnd()
    try:
        open_term.till.add_item("TEA-001")
        open_term.till.add_item("COF-001")
        receipt = open_term.till.pay_cash(open_term.till.money("50")).receipt
        EscposSerialPrinter(end.path).print_receipt(receipt)
        end.thread.join(0.5)
        data = bytes(end.data)
        assert data.startswith(b"\x10\x04\x04\x1b@") and b"\x1c&" in data     # paper sensor, init, Chinese
        assert "珍珠奶茶".encode("gb18030") in data                             # in the printer's own font
        assert b"\x1c.\x1bt\x34" + (encode_cp1258("Cà phê sữa đá") or b"?") in data  # Vietnamese in code page 52
        assert b"\x1d(k" in data and receipt.qr_url.encode() in data            # native QR with the URL
        assert b"\x1dV" in data and b"\x1bp" in data                            # cut, then the cash drawer
    finally:
        end.close()


def test_a_printer_without_code_page_52_gets_vietnamese_as_raster(open_term: Terminal) -> None:
    end = PtyPrinterEnd()
    try:
        open_term.till.add_item("COF-001")
        receipt = open_term.till.pay_cash(open_term.till.money("50")).receipt
        EscposSerialPrinter(end.path, encoding="gb18030").print_receipt(receipt)
        end.thread.join(0.5)
        data = bytes(end.data)
        assert b"\x1dv0" in data and b"\x1bt\x34" not in data
    finally:
        end.close()


def test_control_characters_never_reach_the_printer(open_term: Terminal) -> None:
    from terminal.sales.receipts import Receipt, ReceiptLine
    end = PtyPrinterEnd()
    try:
        receipt = Receipt("s1", (ReceiptLine("Tea\x1b@\x00\x1dV\x00 cup"),), "https://r.example/r/s1?k=1", False, 42)
        EscposSerialPrinter(end.path).print_receipt(receipt)
        end.thread.join(0.5)
        assert b"Tea@V cup\n" in bytes(end.data)
        assert bytes(end.data).count(b"\x1dV") == 1                             # only the driver's own cut
    finally:
        end.close()


def test_printer_gone_mid_receipt_keeps_the_sale(make_terminal: Callable[..., Terminal], rows: Any) -> None:
    end = PtyPrinterEnd(cut_after=300)
    # all raster: a receipt far larger than what the pty buffers, so it cannot all be handed over before the cut
    term = make_terminal(printer=EscposSerialPrinter(end.path, timeout=1.0, encoding="raster"))
    term.shifts.open("Lan", term.till.money("0"))
    for sku in ("TEA-001", "TEA-002", "TEA-003", "COF-001", "COF-002", "COF-003", "BAK-001", "BAK-002"):
        term.till.add_item(sku)
    done = term.till.pay_cash(term.till.money("500"))
    assert done.printed_to is None and done.print_error is not None
    assert "Receipt not printed" in done.print_error and "sale is saved" in done.print_error
    assert term.till.sales.load(done.sale.id).state is SaleState.PAID and term.till.sale is None
    with pytest.raises(PrinterError):
        term.till.reprint_last()                                                 # still unplugged
    back = PtyPrinterEnd()
    term.till.printer = EscposSerialPrinter(back.path)                           # the printer is back
    try:
        assert term.till.reprint_last() == back.path
        back.thread.join(0.5)
        assert b"\x1dV" in bytes(back.data)
    finally:
        back.close()


def test_no_such_port_is_a_clear_error(tmp_path: Path) -> None:
    printer = EscposSerialPrinter(str(tmp_path / "ttyUSB9"))
    assert "not answering" in printer.status()


@pytest.fixture
def virtual_printer(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`python -m simulators.printer` on a pty: the process (its stdout gives a JSON line per receipt) and its port."""
    sim = subprocess.Popen([sys.executable, "-m", "simulators.printer", "--out", str(tmp_path / "paper")],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert sim.stdout is not None
        yield sim, sim.stdout.readline().removeprefix("pty: ").strip()
    finally:
        sim.terminate()
        sim.wait(5)


def test_paper_out_on_the_virtual_printer(make_terminal: Callable[..., Terminal],
                                          virtual_printer: tuple[subprocess.Popen[str], str]) -> None:
    sim, port = virtual_printer
    assert sim.stdout is not None
    term = make_terminal(printer=EscposSerialPrinter(port, timeout=2.0))
    term.shifts.open("Lan", term.till.money("0"))
    term.till.add_item("TEA-001")
    assert term.till.pay_cash(term.till.money("20")).printed_to == port
    assert json.loads(sim.stdout.readline())["receipt"].endswith("receipt-0001.png")
    assert term.printer.status() == "ready"

    sim.send_signal(signal.SIGUSR1)                                      # the roll runs out
    deadline = time.monotonic() + 5
    while term.printer.status() == "ready" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "out of paper" in term.printer.status()
    term.till.add_item("TEA-001")
    done = term.till.pay_cash(term.till.money("20"))
    assert done.printed_to is None and done.print_error is not None and "out of paper" in done.print_error
    assert term.till.sales.load(done.sale.id).state is SaleState.PAID   # the sale is kept

    sim.send_signal(signal.SIGUSR1)                                      # a new roll
    deadline = time.monotonic() + 5
    while term.printer.status() != "ready" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert term.till.reprint_last() == port
    reprinted = json.loads(sim.stdout.readline())
    text = Path(reprinted["transcript"]).read_text(encoding="utf-8")
    assert reprinted["receipt"].endswith("receipt-0002.png") and done.sale.id[:12].upper() in text


def test_a_new_members_card_prints_and_scans_back(make_terminal: Callable[..., Terminal],
                                                  virtual_printer: tuple[subprocess.Popen[str], str]) -> None:
    sim, port = virtual_printer
    assert sim.stdout is not None
    term = make_terminal(printer=EscposSerialPrinter(port, timeout=2.0))
    term.shifts.open("Lan", term.till.money("0"))
    term.till.add_item("TEA-002")                                         # 68.00
    member = term.till.join_member("Mai", "+84 912 345 678")              # one tap at payment
    done = term.till.pay_cash(term.till.money("100"))
    rendered = json.loads(sim.stdout.readline())
    codes = [c.data.decode() for c in decode(Image.open(rendered["receipt"]).convert("L"),
                                             symbols=[ZBarSymbol.QRCODE])]
    assert done.receipt.qr_url in codes and len(codes) == 2
    card = next(c for c in codes if c != done.receipt.qr_url)
    text = Path(rendered["transcript"]).read_text(encoding="utf-8")
    assert "Points earned" in text and "+68" in text and "Member card" in text
    assert route(card, term.catalog, lambda _c: False).kind == "member"    # scanned at the till later
    assert term.members is not None and term.members.find_by_card(card).id == member.id
