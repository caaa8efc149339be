"""Column widths of text on a receipt: CJK characters take two columns, combining marks none."""
from __future__ import annotations

import unicodedata


def char_width(char: str) -> int:
    """Columns one character takes on a fixed-pitch printer or screen."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_width(text: str) -> int:
    """Columns a string takes."""
    return sum(char_width(c) for c in text)


def clip(text: str, width: int) -> str:
    """The longest prefix of text that fits in width columns."""
    out, used = [], 0
    for char in text:
        w = char_width(char)
        if used + w > width:
            break
        out.append(char)
        used += w
    return "".join(out)


def wrap(text: str, width: int) -> list[str]:
    """Break text into lines of at most width columns (by character, as receipts do for CJK)."""
    lines, rest = [], text
    while text_width(rest) > width:
        head = clip(rest, width) or rest[0]  # a character wider than the line still takes a line of its own
        cut = head.rfind(" ")
        if cut > width // 2:
            head = head[:cut]
        lines.append(head.rstrip())
        rest = rest[len(head):].lstrip()
    if rest or not lines:
        lines.append(rest)
    return lines


def two_columns(left: str, right: str, width: int) -> str:
    """Left text and right-aligned text on one line, the left clipped to fit."""
    room = width - text_width(right) - 1
    left = clip(left, max(room, 0))
    return left + " " * (width - text_width(left) - text_width(right)) + right


def strip_control(text: str) -> str:
    """Remove control characters (ESC, NUL, bidi overrides...) that could drive a printer or screen."""
    return "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf") or c == " ")
