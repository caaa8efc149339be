"""ESC/POS command tables: argument lengths, code pages, barcode kinds, status replies, the modes they set."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from simulators.escpos_elements import Bitmap, Run, Style

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
CODE_PAGES = {0: "cp437", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865", 13: "cp857", 14: "cp737",
              15: "iso8859_7", 16: "cp1252", 17: "cp866", 18: "cp852", 19: "cp858", 33: "cp775", 34: "cp855",
              35: "cp861", 36: "cp862", 37: "cp864", 38: "cp869", 39: "iso8859_2", 40: "iso8859_15",
              44: "cp1125", 45: "cp1250", 46: "cp1251", 47: "cp1253", 48: "cp1254", 49: "cp1255",
              50: "cp1256", 51: "cp1257", 52: "cp1258"}
# bytes after the 2-byte prefix of the fixed-length commands
ESC_ARGS = {"@": 0, "a": 1, "E": 1, "G": 1, "!": 1, "-": 1, "d": 1, "J": 1, "e": 1, "K": 1, "t": 1, "R": 1,
            "p": 3, "2": 0, "3": 1, "A": 1, "+": 1, "{": 1, "M": 1, " ": 1, "V": 1, "$": 2, "\\": 2, "r": 1,
            "U": 1, "%": 1, "?": 1, "=": 1, "c": 2, "B": 2, "i": 0, "m": 0, "L": 0, "S": 0, "T": 1, "W": 8,
            "\x0c": 0}
GS_ARGS = {"!": 1, "B": 1, "h": 1, "w": 1, "H": 1, "f": 1, "L": 2, "W": 2, "P": 2, "r": 1, "a": 1, "I": 1,
           "b": 1, "Z": 1, "T": 1, "j": 1, "|": 1, "/": 1, ":": 0, "^": 3, "$": 2, "\\": 2}
FS_ARGS = {"&": 0, ".": 0, "!": 1, "-": 1, "S": 2, "W": 1, "C": 1, "?": 2, "p": 2}
FIXED = {(ESC, ord(c)): n for c, n in ESC_ARGS.items()} | {(GS, ord(c)): n for c, n in GS_ARGS.items()} | {
    (FS, ord(c)): n for c, n in FS_ARGS.items()} | {(DLE, 4): 1, (DLE, 5): 1, (DLE, 0x14): 3}
DLE_LONGER = {(4, 7): 4, (4, 8): 4, (0x14, 7): 4, (0x14, 8): 10}   # DLE EOT/DC4 functions with more bytes
# known commands that change nothing this printer draws (margins, page mode, fonts of no consequence, ...)
IGNORED = {(ESC, ord(c)) for c in "eKRAV$\\rU%?=cBLSTW+ \x0c"} | {(GS, ord(c)) for c in "fLWPaIbZTj|/:^$\\*"} | {
    (FS, ord(c)) for c in "!-SWC?p2"} | {(DLE, 5)}
BARCODES = {0: "UPC-A", 1: "UPC-E", 2: "EAN13", 3: "EAN8", 4: "CODE39", 5: "ITF", 6: "CODABAR", 72: "CODE93",
            73: "CODE128", 74: "GS1-128"} | {65 + m: kind for m, kind in enumerate(
                ["UPC-A", "UPC-E", "EAN13", "EAN8", "CODE39", "ITF", "CODABAR"])}
STATUS = {1: 0x16, 2: 0x12, 3: 0x12, 4: 0x12}   # DLE EOT n of a healthy printer: online, cover shut, paper OK
MAX_COMMAND = 4 << 20                           # a header announcing more than this is garbage, not an image
ALIGNS = {0: "left", 1: "center", 2: "right"}
Buf = bytes | bytearray
TEXT = re.compile(rb"[\x20-\xff]+")
QR_EC = {48: "L", 49: "M", 50: "Q", 51: "H"}


def command_length(buf: Buf, i: int) -> int | None:
    """Bytes the command at buf[i] declares (best effort when unknown); None while its header is incomplete."""
    b0, left = buf[i], len(buf) - i
    if b0 not in (ESC, GS, FS, DLE):
        return 1
    if left < 2:
        return None
    key, head = (b0, buf[i + 1]), bytes(buf[i:i + 2])

    def after(n: int, size: int) -> int | None:   # a header of n bytes, then size(header) more
        return n + size if left >= n else None
    if b0 == DLE and left >= 3 and (buf[i + 1], buf[i + 2]) in DLE_LONGER:
        return DLE_LONGER[buf[i + 1], buf[i + 2]]
    if key in FIXED:
        return 2 + FIXED[key]
    if head == b"\x1b*":
        return after(5, read_le(buf, i + 3, 2) * (1 if left >= 5 and buf[i + 2] in (0, 1) else 3))
    if head in (b"\x1d(", b"\x1c("):
        return after(5, read_le(buf, i + 3, 2))
    if head == b"\x1d8":
        return after(7, read_le(buf, i + 3, 4))
    if head == b"\x1dv":
        return after(8, read_le(buf, i + 4, 2) * read_le(buf, i + 6, 2))
    if head == b"\x1dV":
        return after(3, 1 if left >= 3 and buf[i + 2] in (65, 66, 97, 98, 103, 104) else 0)
    if head == b"\x1d*":
        return after(4, buf[i + 2] * buf[i + 3] * 8 if left >= 4 else 0)
    if head == b"\x1c2":
        return 76
    if head == b"\x1dk":
        if left >= 3 and buf[i + 2] > 6:
            return after(4, buf[i + 3] if left >= 4 else 0)
        return _until_nul(buf, i, 3, 256)
    if head == b"\x1bD":
        return _until_nul(buf, i, 2, 33)
    return 2


def read_le(buf: Buf, at: int, n: int) -> int:
    """The little-endian number in buf[at:at + n]."""
    return int.from_bytes(buf[at:at + n], "little")


def _until_nul(buf: Buf, i: int, header: int, limit: int) -> int | None:
    """Length through the NUL ending the data; with none within limit bytes only the prefix is skipped."""
    end = buf.find(b"\0", i + header, i + header + limit)
    if end >= 0:
        return end + 1 - i
    return None if len(buf) < i + header + limit else 2


def decode_text(data: bytes, codec: str) -> str:
    """Printable text of data in codec, NFC (cp1258 sends tone marks as combining characters)."""
    text = unicodedata.normalize("NFC", data.decode(codec, "replace"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cc")


@dataclass
class State:
    """The modes the commands set: alignment, style, code page, line spacing, code and graphics settings."""
    align: str = "left"
    style: Style = Style()
    codepage: str = "cp437"
    cjk: bool = False
    spacing: int = 30
    upside_down: bool = False
    qr_module: int = 3
    qr_ec: str = "L"
    qr_data: bytes = b""
    bc_height: int = 162
    bc_module: int = 3
    bc_hri: int = 0
    graphics: Bitmap | None = None
    runs: list[Run] = field(default_factory=list)
    raw: bytearray = field(default_factory=bytearray)
