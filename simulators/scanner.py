"""Virtual serial scanner: a pty that sends each input line as a scan, ending CR, LF or CRLF, at a given baud.

Prints `pty: /dev/pts/N` first; point the scanner port in the config there. Like a real scanner
it only talks to an open port (it waits for a reader), and if the reader's port is set to
another baud rate it sends garbled bytes, as a wrong baud rate would.
"""
from __future__ import annotations

import argparse
import os
import select
import sys
import termios
import time
import tty
from collections.abc import Sequence
from typing import IO

SUFFIXES = {"cr": b"\r", "lf": b"\n", "crlf": b"\r\n"}
_SPEEDS = {getattr(termios, f"B{b}"): b for b in (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
           if hasattr(termios, f"B{b}")}


def open_pty() -> tuple[int, str]:
    """A raw pty pair; returns the master fd and the slave's path (the slave fd is closed)."""
    master, slave = os.openpty()
    path = os.ttyname(slave)
    tty.setraw(slave)
    os.close(slave)
    return master, path


def reader_present(master: int) -> bool:
    """True while some process has the slave side open (the master reports no hang-up)."""
    poller = select.poll()
    poller.register(master, select.POLLHUP)
    return not any(ev & select.POLLHUP for _, ev in poller.poll(0))


def port_baud(master: int) -> int | None:
    """The baud rate the reader set on the port, if it is a standard one."""
    return _SPEEDS.get(termios.tcgetattr(master)[5])


def garble(data: bytes) -> bytes:
    """What a receiver at the wrong baud rate makes of `data`: framing garbage."""
    return bytes((b * 7 + 0x85) & 0xFF for b in data)


def _drain(master: int) -> None:
    """Discard what the reader wrote to us (scanners ignore it) so its writes never block."""
    while select.select([master], [], [], 0)[0]:
        try:
            if not os.read(master, 1024):
                return
        except OSError:
            return


def send(master: int, code: str, suffix: bytes, baud: int) -> bool:
    """Write one scan paced at the baud rate (10 bits a byte); False when the reader's baud differs."""
    data = code.encode("utf-8") + suffix
    actual = port_baud(master)
    matched = actual is None or actual == baud
    if not matched:
        print(f"sim scanner: port set to {actual} baud, scanner sends at {baud}: the reader gets garbage",
              file=sys.stderr, flush=True)
        data = garble(data)
    for i in range(0, len(data), 16):
        os.write(master, data[i:i + 16])
        time.sleep(min(len(data[i:i + 16]) * 10 / baud, 0.5))
    return matched


def run_scanner_sim(suffix: str = "crlf", baud: int = 9600, source: IO[str] | str | None = None,
                    delay_s: float = 0.0, settle_s: float = 0.2, linger_s: float = 1.0, hold: bool = False,
                    out: IO[str] = sys.stdout) -> int:
    """Open a pty, print its path, then send each line of `source` (a path, a stream, or stdin); returns lines sent."""
    if suffix not in SUFFIXES:
        raise ValueError(f"suffix must be one of {', '.join(SUFFIXES)}, not {suffix!r}")
    if baud <= 0:
        raise ValueError("baud must be positive")
    # closed in the finally below, and only when opened here
    stream = open(source, encoding="utf-8") if isinstance(source, str) else (source or sys.stdin)  # noqa: SIM115
    master, path = open_pty()
    print(f"pty: {path}", file=out, flush=True)
    sent = 0
    try:
        for line in stream:
            code = line.rstrip("\r\n")
            if not code:
                continue
            waited = False
            while not reader_present(master):
                waited = True
                time.sleep(0.05)
            if waited:
                time.sleep(settle_s)  # let the reader finish configuring and flushing its port
            _drain(master)
            if delay_s > 0:
                time.sleep(delay_s)
            send(master, code, SUFFIXES[suffix], baud)
            sent += 1
        # a scanner stays plugged in: keep the port a while (or until killed) so the reader gets the last scan
        deadline = None if hold else time.monotonic() + linger_s
        while deadline is None or time.monotonic() < deadline:
            _drain(master)
            time.sleep(0.05)
        return sent
    finally:
        if isinstance(source, str):
            stream.close()
        os.close(master)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: python -m simulators.scanner [--suffix cr|lf|crlf] [--baud N] [--delay S] [FILE|-]."""
    p = argparse.ArgumentParser(prog="edgepos sim scanner", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--suffix", choices=sorted(SUFFIXES), default="crlf", help="line ending after each code")
    p.add_argument("--baud", type=int, default=9600)
    p.add_argument("--delay", type=float, default=0.0, help="seconds to wait before each code")
    p.add_argument("--hold", action="store_true",
                   help="keep the port open after the input ends, until killed (else 1 s)")
    p.add_argument("source", nargs="?", default="-", help="a file of codes, one a line; - for stdin")
    args = p.parse_args(argv)
    try:
        run_scanner_sim(args.suffix, args.baud, None if args.source == "-" else args.source, args.delay,
                        hold=args.hold)
    except (OSError, ValueError) as err:
        print(f"sim scanner: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
