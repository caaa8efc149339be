"""What the ESC/POS parser produces: styled text lines, images, QR codes, barcodes, feeds, cuts, drawer kicks."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Style:
    """How a run of text is printed."""
    bold: bool = False
    underline: int = 0
    width: int = 1
    height: int = 1
    reverse: bool = False
    font_b: bool = False


@dataclass(frozen=True)
class Run:
    """Text printed in one style."""
    text: str
    style: Style


@dataclass(frozen=True)
class TextLine:
    """One printed line of text runs."""
    runs: tuple[Run, ...]
    align: str = "left"
    spacing: int = 30
    upside_down: bool = False


@dataclass(frozen=True)
class Bitmap:
    """A 1-bit image in the GS v 0 raster format: rows packed MSB first, 1 = black."""
    width: int
    height: int
    data: bytes
    scale_x: int = 1
    scale_y: int = 1
    align: str = "left"


@dataclass(frozen=True)
class QrCode:
    """A QR code the printer draws from its data."""
    data: bytes
    module: int = 3
    ec: str = "L"
    align: str = "left"


@dataclass(frozen=True)
class Barcode:
    """A 1-D barcode the printer draws from its data."""
    kind: str
    data: str
    height: int = 162
    module: int = 3
    hri: int = 0
    align: str = "left"


@dataclass(frozen=True)
class Feed:
    """Paper fed by a number of lines or dots."""
    lines: int
    dots: int


@dataclass(frozen=True)
class Cut:
    """The paper cut, fully or partially."""
    partial: bool = False


@dataclass(frozen=True)
class DrawerKick:
    """A pulse on the cash drawer pin."""
    pin: int


Element = TextLine | Bitmap | QrCode | Barcode | Feed | Cut | DrawerKick


@dataclass(frozen=True)
class Parsed:
    """One receipt's elements and what was odd about its bytes."""
    elements: tuple[Element, ...] = ()
    unknown: int = 0
    approximations: int = 0
    nbytes: int = 0


def has_paper(parsed: Parsed) -> bool:
    """True when the receipt prints something (not only feeds, status queries or a drawer kick)."""
    return any(isinstance(e, (Bitmap, QrCode, Barcode, Cut)) or
               (isinstance(e, TextLine) and any(r.text.strip() for r in e.runs)) for e in parsed.elements)
