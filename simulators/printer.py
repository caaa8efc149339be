"""Virtual ESC/POS printer on a pty: every receipt becomes DIR/receipt-NNNN.png and .txt.

Prints `pty: /dev/pts/N` first; point the printer port in the config there. After each receipt
(ended by a cut, or by 2 s without data) it prints one JSON line: {"receipt", "transcript",
"unknown_commands", "bytes"}. It answers status requests (DLE EOT n, GS r n) as a healthy printer;
`kill -USR1 PID` takes the paper roll out (status says paper end, nothing prints) and puts it back.
"""
from __future__ import annotations

import argparse
import errno
import fcntl
import json
import os
import re
import select
import signal
import sys
import time
import tty
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import IO

from simulators.escpos_elements import DrawerKick, Parsed, has_paper
from simulators.escpos_parser import EscposParser
from simulators.escpos_render import render, transcript

NUMBERED = re.compile(r"receipt-(\d+)\.(png|txt)$")


def next_number(out: Path) -> int:
    """The number after the highest receipt already in out (1 when there is none)."""
    found = [int(m.group(1)) for p in out.iterdir() if (m := NUMBERED.match(p.name))]
    return max(found, default=0) + 1


def write_receipt(parsed: Parsed, out: Path, width_dots: int) -> dict[str, object]:
    """Render one receipt into out as the next receipt-NNNN.png/.txt; returns the JSON line's fields."""
    stem = out / f"receipt-{next_number(out):04d}"
    image, text = render(parsed, width_dots)
    image.save(stem.with_suffix(".png"))
    stem.with_suffix(".txt").write_text(text, encoding="utf-8")
    return {"receipt": str(stem.with_suffix(".png")), "transcript": str(stem.with_suffix(".txt")),
            "unknown_commands": parsed.unknown, "bytes": parsed.nbytes}


def _say(line: str, stream: IO[str]) -> None:
    try:
        print(line, file=stream, flush=True)
    except (BrokenPipeError, ValueError):
        pass   # whoever read our stdout went away; the files are still written


class VirtualPrinter:
    """The pty loop: read, answer status requests, render at each cut or after idle_s without data."""

    def __init__(self, out: Path, width_dots: int = 576, idle_s: float = 2.0, stdout: IO[str] = sys.stdout,
                 parent_pid: int | None = None) -> None:
        self.out, self.width_dots, self.idle_s, self.stdout = out, width_dots, idle_s, stdout
        self.parent_pid = parent_pid
        self.parser = EscposParser()
        self.stopping = False
        self.last_transcript: Path | None = None
        self.master, slave = os.openpty()
        # the slave stays open here so clients can open and close the port without the master getting EIO
        self.slave = slave
        tty.setraw(slave)
        self.path = os.ttyname(slave)
        fcntl.fcntl(self.master, fcntl.F_SETFL, fcntl.fcntl(self.master, fcntl.F_GETFL) | os.O_NONBLOCK)

    def run(self) -> int:
        """Serve until stop(); returns 0."""
        _say(f"pty: {self.path}", self.stdout)
        last_data = time.monotonic()
        try:
            while not self.stopping:
                if self.parent_pid is not None and os.getppid() != self.parent_pid:
                    break            # the terminal that started us is gone (even by SIGKILL): no orphan printer
                data = self._read(0.2)
                if data:
                    last_data = time.monotonic()
                    for parsed in self.parser.feed(data):
                        self._finish(parsed)
                    self._answer()
                elif self.parser.pending and time.monotonic() - last_data >= self.idle_s:
                    self._flush()
            self._flush()
        finally:
            os.close(self.master)
            os.close(self.slave)
        return 0

    def stop(self, _signum: int = 0, _frame: FrameType | None = None) -> None:
        """Leave the loop after the current read (signal-handler compatible)."""
        self.stopping = True

    def _read(self, timeout: float) -> bytes:
        try:
            if not select.select([self.master], [], [], timeout)[0]:
                return b""
            return os.read(self.master, 65536)
        except InterruptedError:
            return b""
        except OSError as err:
            if err.errno not in (errno.EIO, errno.EAGAIN):
                raise
            time.sleep(0.05)
            return b""

    def _answer(self) -> None:
        replies = self.parser.replies()
        if replies:
            try:
                os.write(self.master, replies)
            except OSError:
                pass   # nobody reads the port and its queue is full: a real printer's reply would be lost too

    def _flush(self) -> None:
        parsed = self.parser.flush()
        if parsed is not None:
            self._finish(parsed)

    def toggle_paper(self, _signum: int = 0, _frame: FrameType | None = None) -> None:
        """SIGUSR1: take the roll out or put it back; without paper the status says so and nothing prints."""
        self.parser.paper_out = not self.parser.paper_out
        print(f"sim printer: paper {'out' if self.parser.paper_out else 'loaded'}", file=sys.stderr, flush=True)

    def _finish(self, parsed: Parsed) -> None:
        if self.parser.paper_out:
            print(f"sim printer: out of paper, {parsed.nbytes} bytes not printed", file=sys.stderr, flush=True)
        elif has_paper(parsed):
            fields = write_receipt(parsed, self.out, self.width_dots)
            self.last_transcript = Path(str(fields["transcript"]))
            _say(json.dumps(fields), self.stdout)
            print(f"sim printer: {fields['receipt']} ({parsed.nbytes} bytes, {parsed.unknown} unknown commands, "
                  f"{parsed.approximations} code pages approximated)", file=sys.stderr, flush=True)
        elif any(isinstance(e, DrawerKick) for e in parsed.elements):
            # drivers kick the drawer after the cut: it belongs with the receipt just printed
            kicks = transcript(Parsed(tuple(e for e in parsed.elements if isinstance(e, DrawerKick))))
            if self.last_transcript is not None:
                with self.last_transcript.open("a", encoding="utf-8") as f:
                    f.write(kicks)
            print(f"sim printer: {kicks.strip()}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: edgepos sim printer --out DIR [--width-dots N] [--idle-s S]."""
    p = argparse.ArgumentParser(prog="edgepos sim printer", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, required=True, metavar="DIR",
                   help="directory for receipt-NNNN.png and .txt")
    p.add_argument("--width-dots", type=int, default=576, metavar="N",
                   help="paper width in dots (576 = 80 mm, 384 = 58 mm)")
    p.add_argument("--idle-s", type=float, default=2.0, metavar="S",
                   help="render data left without a cut after this long")
    p.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.width_dots < 48 or args.idle_s <= 0:
        p.error("--width-dots must be at least 48 and --idle-s positive")
    args.out.mkdir(parents=True, exist_ok=True)
    printer = VirtualPrinter(args.out, args.width_dots, args.idle_s, parent_pid=args.parent_pid)
    signal.signal(signal.SIGTERM, printer.stop)
    signal.signal(signal.SIGINT, printer.stop)
    signal.signal(signal.SIGUSR1, printer.toggle_paper)
    return printer.run()


if __name__ == "__main__":
    sys.exit(main())
