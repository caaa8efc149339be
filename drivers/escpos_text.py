"""How one receipt line reaches an ESC/POS printer: which code page holds it, and its bytes in that page."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

FS_CHINESE_ON = b"\x1c\x26"
FS_CHINESE_OFF = b"\x1c\x2e"
ESC_CODEPAGE = b"\x1b\x74"
WPC1258 = 52          # Epson's table number for Windows-1258 (Vietnamese)
PC437 = 0


@dataclass(frozen=True)
class EncodedLine:
    """A line's bytes and the mode the printer must be in to print them ('gbk', 'cp1258', 'ascii')."""

    mode: str
    data: bytes


def encode_cp1258(text: str) -> bytes | None:
    """Vietnamese in Windows-1258: base letters precomposed, tone marks combining; None if it can't hold it."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        encoded = _char_cp1258(char)
        if encoded is None:
            return None
        out += encoded
    return bytes(out)


def _char_cp1258(char: str) -> bytes | None:
    try:
        return char.encode("cp1258")
    except UnicodeEncodeError:
        pass
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], list(decomposed[1:])
    # cp1258 holds â ê ô ă ơ ư precomposed and only the five tone marks as combining characters,
    # so try the marks all combining (ị = i + dot below), then each folded into the base (ệ = ê + dot below).
    candidates = [base + "".join(marks)]
    candidates += [unicodedata.normalize("NFC", base + mark) + "".join(marks[:i] + marks[i + 1:])
                   for i, mark in enumerate(marks)]
    for candidate in candidates:
        try:
            return candidate.encode("cp1258")
        except UnicodeEncodeError:
            continue
    return None


def encode_line(text: str, encoding: str) -> EncodedLine | None:
    """The bytes of one line for a printer configured with `encoding`; None when it must be rastered."""
    if encoding == "raster":
        return None
    if text.isascii():
        return EncodedLine("ascii", text.encode("ascii"))
    try:
        text.encode("gbk")       # the printer's own Chinese font holds GBK, sent as GB18030
        return EncodedLine("gbk", text.encode("gb18030"))
    except UnicodeEncodeError:
        pass
    if encoding == "gb18030+cp1258":
        data = encode_cp1258(text)
        if data is not None:
            return EncodedLine("cp1258", data)
    return None


class ModeTracker:
    """Emits the mode switches (FS &, FS ., ESC t n) only when the next line needs a different mode."""

    def __init__(self) -> None:
        self.mode = "ascii"

    def switch(self, mode: str) -> bytes:
        """The bytes that put the printer in `mode` from the current one."""
        if mode == "ascii" or mode == self.mode:
            return b""
        self.mode = mode
        if mode == "gbk":
            return FS_CHINESE_ON
        return FS_CHINESE_OFF + ESC_CODEPAGE + bytes([WPC1258])
