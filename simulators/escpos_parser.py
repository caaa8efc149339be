"""ESC/POS bytes -> document elements (lines, images, QR, barcodes, cuts), incrementally, never raising."""
from __future__ import annotations

import unicodedata
from dataclasses import replace

from simulators.escpos_commands import (
    ALIGNS,
    BARCODES,
    CODE_PAGES,
    DLE,
    DLE_LONGER,
    ESC,
    ESC_ARGS,
    FIXED,
    FS,
    FS_ARGS,
    GS,
    GS_ARGS,
    IGNORED,
    MAX_COMMAND,
    QR_EC,
    STATUS,
    TEXT,
    Buf,
    State,
    command_length,
    decode_text,
)
from simulators.escpos_elements import (
    Barcode,
    Bitmap,
    Cut,
    DrawerKick,
    Element,
    Feed,
    Parsed,
    QrCode,
    Run,
    Style,
    TextLine,
    has_paper,
)
from simulators.escpos_graphics import GraphicsCommands
from terminal.sales.textwidth import text_width

__all__ = [
    "ALIGNS",
    "BARCODES",
    "CODE_PAGES",
    "DLE",
    "DLE_LONGER",
    "ESC",
    "ESC_ARGS",
    "FIXED",
    "FS",
    "FS_ARGS",
    "GS",
    "GS_ARGS",
    "IGNORED",
    "MAX_COMMAND",
    "QR_EC",
    "STATUS",
    "TEXT",
    "Barcode",
    "Bitmap",
    "Buf",
    "Cut",
    "DrawerKick",
    "Element",
    "EscposParser",
    "Feed",
    "Parsed",
    "QrCode",
    "Run",
    "Style",
    "TextLine",
    "command_length",
    "has_paper",
    "parse",
]

class EscposParser(GraphicsCommands):
    """Feed it bytes as they arrive: each cut completes a receipt, flush() ends an idle one."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._s = State()
        self._elements: list[Element] = []
        self._unknown = self._approx = self._nbytes = 0
        self._replies = bytearray()
        self.paper_out = False     # the simulator's paper sensor: set while the roll is out
        self._line_image = False   # the line being built holds ESC * image data, so its LF is no blank line
        self._stripe = False       # the last element is an ESC * image the next stripe extends

    @property
    def pending(self) -> bool:
        """True when bytes arrived since the last receipt."""
        return bool(self._buf or self._elements or self._nbytes)

    def replies(self) -> bytes:
        """Status bytes owed to the host (DLE EOT, GS r), once."""
        out, self._replies = bytes(self._replies), bytearray()
        return out

    def feed(self, data: bytes) -> list[Parsed]:
        """Parse what arrived; returns the receipts it completed. An incomplete command waits for more."""
        buf, i, done = self._buf, 0, []
        buf += data
        while i < len(buf):
            if buf[i] >= 0x20:
                end = TEXT.match(buf, i)
                j = end.end() if end else i + 1
                self._s.raw += buf[i:j]
                self._nbytes += j - i
                i = j
                continue
            n = command_length(buf, i)
            if n is not None and n > MAX_COMMAND:
                n = 2
                self._unknown += 1
            elif n is None or i + n > len(buf):
                break
            cmd = bytes(buf[i:i + n])
            i += n
            self._nbytes += n
            if self._command(cmd):
                done.append(self._take())
        del buf[:i]
        return done

    def flush(self) -> Parsed | None:
        """The line went idle: print the unfinished line, drop a truncated command, return the receipt."""
        if self._buf:
            self._unknown += 1
            self._nbytes += len(self._buf)
            self._buf.clear()
        self._print_line(blank=False)
        return self._take() if self._elements or self._nbytes else None

    def _take(self) -> Parsed:
        parsed = Parsed(tuple(self._elements), self._unknown, self._approx, self._nbytes)
        self._elements, self._unknown, self._approx, self._nbytes = [], 0, 0, 0
        self._stripe = False
        return parsed

    def _emit(self, element: Element) -> None:
        self._elements.append(element)
        self._stripe = False

    def _close_raw(self) -> None:
        s = self._s
        if s.raw:
            text = decode_text(bytes(s.raw), "gb18030" if s.cjk else s.codepage)
            s.raw.clear()
            self._add_text(text)

    def _add_text(self, text: str) -> None:
        runs = self._s.runs
        if runs and runs[-1].style == self._s.style:
            runs[-1] = Run(unicodedata.normalize("NFC", runs[-1].text + text), runs[-1].style)
        elif text:
            runs.append(Run(text, self._s.style))

    def _print_line(self, blank: bool) -> None:
        s = self._s
        self._close_raw()
        if s.runs or (blank and not self._line_image):
            self._emit(TextLine(tuple(s.runs), s.align, s.spacing, s.upside_down))
        s.runs = []
        self._line_image = False

    def _block(self, element: Element) -> None:
        """Images, codes and cuts start on a line of their own."""
        self._print_line(blank=False)
        self._emit(element)

    def _command(self, cmd: bytes) -> bool:
        """Apply one control byte or command; True when it cut the paper."""
        s = self._s
        self._close_raw()
        if len(cmd) == 1:
            if cmd[0] in (0x0A, 0x0C):
                self._print_line(blank=cmd[0] == 0x0A)
            elif cmd[0] == 0x09:
                cols = sum(text_width(r.text) * r.style.width for r in s.runs)
                self._add_text(" " * (8 - cols % 8))
            elif cmd[0] not in (0x0D, 0x18, 0x00):
                self._unknown += 1
            return False
        key, arg = (cmd[0], cmd[1]), (cmd[2] if len(cmd) > 2 else 0)
        b = chr(cmd[1])
        if key in IGNORED:
            return False
        if cmd[0] == ESC and b == "@":
            self._s, self._line_image = State(), False
        elif cmd[0] == ESC and b == "a":
            if not s.runs and arg % 48 in ALIGNS and arg < 51:   # takes effect at the start of a line only
                s.align = ALIGNS[arg % 48]
        elif cmd[0] == ESC and b in "EG":
            s.style = replace(s.style, bold=bool(arg & 1))
        elif cmd[0] == ESC and b == "!":
            s.style = replace(s.style, font_b=bool(arg & 1), bold=bool(arg & 8), height=2 if arg & 16 else 1,
                              width=2 if arg & 32 else 1, underline=1 if arg & 128 else 0)
        elif cmd[0] == ESC and b == "-":
            s.style = replace(s.style, underline={0: 0, 1: 1, 2: 2, 48: 0, 49: 1, 50: 2}.get(arg, 0))
        elif cmd[0] == ESC and b in "dJ":
            self._print_line(blank=False)
            self._emit(Feed(arg, arg * s.spacing) if b == "d" else Feed(arg // max(s.spacing, 1), arg))
        elif cmd[0] == ESC and b == "t":
            s.codepage = CODE_PAGES.get(arg, "cp437")
            self._approx += arg not in CODE_PAGES
        elif cmd[0] == ESC and b == "p":
            self._emit(DrawerKick(2 if arg in (0, 48) else 5))
        elif cmd[0] == ESC and b in "23":
            s.spacing = 30 if b == "2" else arg
        elif cmd[0] == ESC and b == "{":
            s.upside_down = bool(arg & 1) if not s.runs else s.upside_down
        elif cmd[0] == ESC and b == "M":
            s.style = replace(s.style, font_b=arg in (1, 49))
        elif (cmd[0] == ESC and b in "im") or (cmd[0] == GS and b == "V"):
            self._block(Cut(partial=b == "m" or (b == "V" and arg in (1, 49, 66, 98, 104))))
            return True
        elif cmd[0] == ESC and b == "*" and arg in (0, 1, 32, 33):
            self._stripe_image(cmd)
        elif cmd[0] == ESC and b == "D" and len(cmd) > 2:
            pass   # tab stops: HT keeps the default 8 columns
        elif cmd[0] == GS and b == "!":
            s.style = replace(s.style, width=(arg >> 4 & 7) + 1, height=(arg & 7) + 1)
        elif cmd[0] == GS and b == "B":
            s.style = replace(s.style, reverse=bool(arg & 1))
        elif cmd[0] == GS and b in "hwH":
            self._barcode_setting(b, arg)
        elif cmd[0] == GS and b == "r":
            self._replies.append(0x0F if self.paper_out and arg in (1, 49) else 0x00)
        elif cmd[0] == GS and b == "v" and arg == 0x30 and cmd[3] % 48 < 4:
            self._raster(cmd)
        elif cmd[0] == GS and ((b == "(" and arg == ord("L")) or (b == "8" and arg == ord("L"))):
            return self._graphics(cmd[5:] if b == "(" else cmd[7:])
        elif cmd[0] == GS and b == "(" and arg == ord("k"):
            self._qr(cmd[5:])
        elif cmd[0] == GS and b == "k" and len(cmd) > 3:
            self._barcode(cmd)
        elif cmd[0] == FS and b in "&.":
            s.cjk = b == "&"
        elif cmd[0] == DLE and cmd[1] == 0x04 and arg in STATUS:
            paper_end = {2: 0x20, 4: 0x60}.get(arg, 0) if self.paper_out else 0   # offline cause / roll sensor
            self._replies.append(STATUS[arg] | paper_end)
        elif cmd[0] == DLE and cmd[1] == 0x04 and arg in (7, 8):
            self._replies.append(0x12)
        elif cmd[0] == DLE and cmd[1] == 0x14:
            if arg == 1:
                self._emit(DrawerKick(2 if cmd[3] in (0, 48) else 5))
        else:
            self._unknown += 1
        return False


def parse(data: bytes) -> Parsed:
    """All receipts in data as one document (for tests and one-shot use)."""
    parser = EscposParser()
    parts = parser.feed(data)
    tail = parser.flush()
    parts += [tail] if tail else []
    return Parsed(tuple(e for p in parts for e in p.elements), sum(p.unknown for p in parts),
                  sum(p.approximations for p in parts), sum(p.nbytes for p in parts))
