"""The virtual ESC/POS printer as a process on a pty, driven by python-escpos' own Serial printer."""
from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from escpos.printer import Serial
from PIL import Image, ImageDraw
from pyzbar.pyzbar import ZBarSymbol, decode

from simulators.printer_process import SimulatedPrinter
from terminal.sales.receipts import Receipt, ReceiptLine

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
PTY_LINE = re.compile(r"^pty: (/dev/pts/\d+)$")


class PrinterProcess:
    """A started virtual printer: its pty path and the JSON lines it prints."""

    def __init__(self, cmd: list[str]) -> None:
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     encoding="utf-8")
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        first = self.lines.get(timeout=20)
        match = PTY_LINE.match(first.rstrip("\n"))
        assert match, f"first line was {first!r}"
        self.pty = match.group(1)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def receipt(self, timeout: float = 15) -> dict[str, Any]:
        """The next JSON line (one per rendered receipt)."""
        info = json.loads(self.lines.get(timeout=timeout))
        assert isinstance(info, dict)
        return info

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "receipts"


@pytest.fixture
def start(out_dir: Path) -> Iterator[Any]:
    """start(*extra_args, cmd=None) -> PrinterProcess; every process is stopped at teardown."""
    started: list[PrinterProcess] = []

    def make(*extra: str, cmd: list[str] | None = None) -> PrinterProcess:
        base = cmd or [sys.executable, "-m", "simulators.printer"]
        started.append(PrinterProcess(base + ["--out", str(out_dir), *extra]))
        return started[-1]

    yield make
    for printer in started:
        printer.stop()


def client(pty: str) -> Serial:
    printer = Serial(devfile=pty, baudrate=19200, timeout=1)
    printer.open()
    return printer


def cp1258(text: str) -> bytes:
    """Vietnamese as printer drivers send it in cp1258: precomposed base letters, combining tone marks."""
    out = b""
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in TONES))
        out += (letter + "".join(m for m in marks if m in TONES)).encode("cp1258")
    return out


def test_a_python_escpos_receipt_renders_to_png_and_transcript(start: Any) -> None:
    sim = start()
    logo = Image.new("RGB", (240, 80), "white")
    ImageDraw.Draw(logo).rectangle((10, 10, 230, 70), fill="black")
    printer = client(sim.pty)
    assert printer.is_online() and printer.paper_status() == 2
    printer.set(align="center", bold=True, double_height=True, double_width=True)
    printer.text("EDGEPOS SHOP\n")
    printer.set(align="left", bold=False, normal_textsize=True)
    printer.text("Green tea x2                          12.00\n")
    printer.qr("https://receipts.example/r/S-1?k=native", size=6, native=True)
    printer.qr("https://receipts.example/r/S-1?k=image", size=6, native=False)
    printer.image(logo)
    printer.cut()
    printer.close()

    info = sim.receipt()
    png, txt = Path(info["receipt"]), Path(info["transcript"])
    assert png.name == "receipt-0001.png" and txt.name == "receipt-0001.txt" and png.exists()
    assert info["unknown_commands"] == 0 and info["bytes"] > 1000
    found = {d.data.decode() for d in decode(Image.open(png), symbols=[ZBarSymbol.QRCODE])}
    assert found == {"https://receipts.example/r/S-1?k=native", "https://receipts.example/r/S-1?k=image"}
    text = txt.read_text(encoding="utf-8").splitlines()
    assert "EDGEPOS SHOP" in text[0] and text[0].startswith(" " * 10)
    assert "Green tea x2                          12.00" in text
    assert "[QR] https://receipts.example/r/S-1?k=native" in text and "[image 240x80]" in text
    assert text[-1] == "[cut]"
    with Image.open(png) as image:
        assert image.width == 576 and image.height > 600


def test_the_client_can_close_and_reopen_the_port_between_receipts(start: Any) -> None:
    sim = start()
    for word in ("first", "second"):
        printer = client(sim.pty)
        printer.text(f"{word} receipt\n")
        printer.cut()
        printer.close()
        time.sleep(0.2)
    first, second = sim.receipt(), sim.receipt()
    assert Path(first["receipt"]).name == "receipt-0001.png" and Path(second["receipt"]).name == "receipt-0002.png"
    assert "first receipt" in Path(first["transcript"]).read_text(encoding="utf-8")
    assert "second receipt" in Path(second["transcript"]).read_text(encoding="utf-8")


def test_chinese_and_vietnamese_come_out_right(start: Any, out_dir: Path) -> None:
    out_dir.mkdir(parents=True)
    (out_dir / "receipt-0007.png").write_bytes(b"")        # numbering continues after what is there
    sim = start("--width-dots", "384")
    printer = client(sim.pty)
    printer._raw(b"\x1c&" + "中文 珍珠奶茶 x1".encode("gb18030") + b"\n\x1c.")
    printer._raw(b"\x1bt\x34" + cp1258("tiếng Việt: Cà phê sữa đá") + b"\n\x1bt\x00")
    printer._raw(b"\x1ba\x01" + b"center\n" + b"\x1dV\x41\x03")
    printer.close()
    info = sim.receipt()
    assert Path(info["receipt"]).name == "receipt-0008.png"
    lines = Path(info["transcript"]).read_text(encoding="utf-8").splitlines()
    assert lines[:3] == ["中文 珍珠奶茶 x1", "tiếng Việt: Cà phê sữa đá", " " * 13 + "center"]


def test_data_without_a_cut_renders_after_the_idle_time_and_the_drawer_kick_is_logged(start: Any) -> None:
    sim = start("--idle-s", "0.5")
    printer = client(sim.pty)
    printer.text("no cut here\n")
    printer.close()
    info = sim.receipt(timeout=10)
    assert "no cut here" in Path(info["transcript"]).read_text(encoding="utf-8")
    printer = client(sim.pty)
    printer.cashdraw(5)
    printer.close()
    deadline = time.monotonic() + 10
    while "[drawer kick pin 5]" not in Path(info["transcript"]).read_text(encoding="utf-8"):
        assert time.monotonic() < deadline, "the drawer kick never reached the transcript"
        time.sleep(0.1)
    assert sim.lines.empty()                                 # a kick alone is no receipt


def test_the_terminal_driver_through_simulated_printer(out_dir: Path) -> None:
    lines = (ReceiptLine("EDGEPOS", "center", bold=True, double=True), ReceiptLine("奶茶 x1   9.00"),
             ReceiptLine("TOTAL 9.00", "right"))
    receipt = Receipt("S-42", lines, "https://receipts.example/r/S-42?k=t", open_drawer=True, width=48)
    printer = SimulatedPrinter(out_dir)
    try:
        png = printer.print_receipt(receipt)
    finally:
        printer.close()
    text = Path(png).with_suffix(".txt").read_text(encoding="utf-8")
    assert "奶茶 x1   9.00" in text and "[QR] https://receipts.example/r/S-42?k=t" in text
    found = [d.data.decode() for d in decode(Image.open(png), symbols=[ZBarSymbol.QRCODE])]
    assert found == ["https://receipts.example/r/S-42?k=t"]


def test_the_edgepos_command_prints_the_pty_line_first(start: Any) -> None:
    edgepos = Path(sys.executable).parent / "edgepos"
    if not edgepos.exists():
        pytest.skip("edgepos is not installed in this interpreter's environment")
    sim = start(cmd=[str(edgepos), "sim", "printer"])
    assert os.path.exists(sim.pty)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_it_cleanly(start: Any, sig: signal.Signals) -> None:
    sim = start()
    sim.proc.send_signal(sig)
    assert sim.proc.wait(5) == 0
