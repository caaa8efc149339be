"""Parsed ESC/POS elements -> a PNG-ready paper image and a text transcript."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import qrcode
from PIL import Image, ImageDraw, ImageFont

from simulators.escpos_elements import Barcode, Bitmap, Cut, DrawerKick, Element, Feed, Parsed, QrCode, Run, TextLine
from terminal.sales.textwidth import char_width

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
MONO_SC = 7          # Noto Sans Mono CJK SC in the collection: half-width Latin, full-width CJK, like font A
CELL = {False: (12, 24), True: (9, 17)}   # font A / font B: dots per column, dots per line
MAX_BLOCK = 4000     # garbage can declare huge feeds and images; paper shown stops there
MARGIN = 12
GLYPH_PAD = 3
QR_EC = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
         "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}
PY_BARCODE = {"EAN13": "ean13", "EAN8": "ean8", "UPC-A": "upca", "CODE39": "code39", "CODE128": "code128",
              "GS1-128": "gs1_128", "ITF": "itf", "CODABAR": "codabar"}


@lru_cache(maxsize=16)
def _font(size: int) -> Any:
    try:
        return ImageFont.truetype(str(FONT), size, index=MONO_SC)
    except OSError:
        return ImageFont.load_default(size)


def physical_lines(line: TextLine, width: int) -> list[tuple[Run, ...]]:
    """The lines a text line prints as: the printer wraps at the paper edge."""
    lines: list[tuple[Run, ...]] = []
    current: list[Run] = []
    used = 0
    for run in line.runs:
        col, chunk = CELL[run.style.font_b][0] * run.style.width, ""
        for ch in run.text:
            w = char_width(ch) * col
            if used + w > width and used:
                current += [Run(chunk, run.style)] if chunk else []
                lines.append(tuple(current))
                current, chunk, used = [], "", 0
            chunk += ch
            used += w
        current += [Run(chunk, run.style)] if chunk else []
    lines.append(tuple(current))
    return lines


def _dots(runs: tuple[Run, ...]) -> int:
    return sum(char_width(ch) * CELL[r.style.font_b][0] * r.style.width for r in runs for ch in r.text)


def _offset(align: str, used: int, width: int) -> int:
    return max({"center": (width - used) // 2, "right": width - used}.get(align, 0), 0)


def transcript(parsed: Parsed, width_dots: int = 576) -> str:
    """One line per printed line, aligned with spaces for the paper width in font A columns."""
    out: list[str] = []
    for e in parsed.elements:
        if isinstance(e, TextLine):
            for runs in physical_lines(e, width_dots):
                pad = _offset(e.align, _dots(runs), width_dots) // CELL[False][0]
                out.append((" " * pad + "".join(r.text for r in runs)).rstrip())
        elif isinstance(e, Bitmap):
            out.append(f"[image {e.width * e.scale_x}x{e.height * e.scale_y}]")
        elif isinstance(e, QrCode):
            out.append(f"[QR] {e.data.decode('utf-8', 'replace')}")
        elif isinstance(e, Barcode):
            out.append(f"[barcode {e.kind}] {e.data}")
        elif isinstance(e, Feed):
            out += [""] * e.lines
        elif isinstance(e, Cut):
            out.append("[cut]")
        elif isinstance(e, DrawerKick):
            out.append(f"[drawer kick pin {e.pin}]")
    return "\n".join(out) + "\n"


def render(parsed: Parsed, width_dots: int = 576) -> tuple[Image.Image, str]:
    """The receipt as printed on paper width_dots wide (grayscale), and its transcript."""
    blocks = [b for e in parsed.elements for b in _blocks(e, width_dots)]
    page = Image.new("L", (width_dots, sum(b.height for b in blocks) + 2 * MARGIN), 255)
    y = MARGIN
    for block in blocks:
        page.paste(block, (0, y))
        y += block.height
    return page, transcript(parsed, width_dots)


def _blocks(e: Element, width: int) -> list[Image.Image]:
    if isinstance(e, TextLine):
        return [_text_block(runs, e, width) for runs in physical_lines(e, width)]
    if isinstance(e, Bitmap):
        return [_placed(_bitmap(e, width), e.align, width)]
    if isinstance(e, QrCode):
        return [_placed(_qr(e), e.align, width)]
    if isinstance(e, Barcode):
        return [_placed(_barcode(e), e.align, width)]
    if isinstance(e, Feed):
        return [Image.new("L", (width, min(e.dots, MAX_BLOCK)), 255)]
    if isinstance(e, Cut):
        block = Image.new("L", (width, 32), 255)
        draw = ImageDraw.Draw(block)
        for x in range(0, width, 16):
            draw.line((x, 16, x + 8, 16), fill=0, width=2)
        return [block]
    return []


def _placed(image: Image.Image, align: str, width: int) -> Image.Image:
    """image on a paper-wide strip, aligned; whatever passes the paper edge is lost, as on paper."""
    image = image.crop((0, 0, min(image.width, width), min(image.height, MAX_BLOCK))).convert("L")
    block = Image.new("L", (width, image.height), 255)
    block.paste(image, (_offset(align, image.width, width), 0))
    return block


def _text_block(runs: tuple[Run, ...], line: TextLine, width: int) -> Image.Image:
    char_h = max((CELL[r.style.font_b][1] * r.style.height for r in runs), default=0)
    block = Image.new("L", (width, min(max(line.spacing, char_h, 1), MAX_BLOCK)), 255)
    x = _offset(line.align, _dots(runs), width)
    for run in runs:
        image = _run_image(run)
        block.paste(image, (x, char_h - image.height))
        x += image.width
    return block.rotate(180) if line.upside_down else block


def _run_image(run: Run) -> Image.Image:
    """A run drawn in fixed cells at size 1, then stretched by the printer's width/height multipliers."""
    style = run.style
    col, cell_h = CELL[style.font_b]
    ink, paper = (255, 0) if style.reverse else (0, 255)
    image = Image.new("L", (max(sum(char_width(c) for c in run.text) * col, 1), cell_h), paper)
    x, last = 0, 0
    for ch in run.text:
        w = char_width(ch) * col
        at = x if w else last    # a leftover combining mark goes over the character before it
        glyph = _glyph(ch, w or col, cell_h, style.bold)
        image.paste(ink, (at - GLYPH_PAD, 0, at - GLYPH_PAD + glyph.width, cell_h), glyph)
        last, x = at, x + w
    if style.underline:
        image.paste(ink, (0, cell_h - style.underline, image.width, cell_h))
    return image.resize((image.width * style.width, cell_h * style.height), Image.Resampling.NEAREST)


@lru_cache(maxsize=4096)
def _glyph(ch: str, width: int, cell_h: int, bold: bool) -> Image.Image:
    """The ink of one character centred in its cell (a mask, with a little room to spill over)."""
    mask = Image.new("L", (width + 2 * GLYPH_PAD, cell_h), 0)
    draw, font = ImageDraw.Draw(mask), _font(cell_h - 4)
    for dx in (0, 1) if bold else (0,):
        draw.text((GLYPH_PAD + width / 2 + dx, round(cell_h * 0.79)), ch, font=font, fill=255, anchor="ms")
    return mask


def _bitmap(e: Bitmap, width: int) -> Image.Image:
    stride = (e.width + 7) // 8
    rows = min(e.height, MAX_BLOCK)
    data = e.data[:stride * rows].ljust(stride * rows, b"\0")
    image = Image.frombytes("1", (e.width, rows), data, "raw", "1;I") if e.width and rows else Image.new(
        "1", (1, 1), 1)
    image = image.crop((0, 0, min(image.width, width), image.height))
    return image.resize((image.width * e.scale_x, image.height * e.scale_y), Image.Resampling.NEAREST)


def _qr(e: QrCode) -> Image.Image:
    code = qrcode.QRCode(version=None, error_correction=QR_EC[e.ec], box_size=e.module, border=2)
    try:
        code.add_data(e.data)
        code.make(fit=True)
    except (qrcode.exceptions.DataOverflowError, ValueError):
        return _label(f"[QR: {len(e.data)} bytes, too long]", 48)
    matrix = code.get_matrix()
    image = Image.new("1", (len(matrix), len(matrix)), 1)
    image.putdata([0 if cell else 1 for row in matrix for cell in row])
    return image.resize((image.width * e.module, image.height * e.module), Image.Resampling.NEAREST)


def _barcode(e: Barcode) -> Image.Image:
    bars = _python_barcode(e)
    if bars is None:
        return _label(f"|||| {e.kind} {e.data} ||||", e.height)
    hri = _label(e.data, 0) if e.hri else None
    out = Image.new("L", (bars.width, bars.height + (hri.height * (1 + (e.hri == 3)) if hri else 0)), 255)
    out.paste(bars, (0, hri.height if hri and e.hri in (1, 3) else 0))
    if hri is not None:
        for top in ([0] if e.hri in (1, 3) else []) + ([out.height - hri.height] if e.hri in (2, 3) else []):
            out.paste(hri, ((out.width - hri.width) // 2, top))
    return out


def _python_barcode(e: Barcode) -> Image.Image | None:
    try:
        import barcode
        from barcode.writer import ImageWriter
        kind = barcode.get_barcode_class(PY_BARCODE[e.kind])
        extra = {"add_checksum": False} if e.kind == "CODE39" else {}
        code = kind(e.data, writer=ImageWriter(), **extra)
        image = code.render({"module_width": e.module * 25.4 / 203, "module_height": e.height * 25.4 / 203,
                             "dpi": 203, "write_text": False, "quiet_zone": 1})
    except Exception:  # noqa: BLE001 - python-barcode is optional and raises many kinds of errors on data it rejects
        return None
    return image.convert("L") if isinstance(image, Image.Image) else None


def _label(text: str, height: int) -> Image.Image:
    """A boxed text standing in for what cannot be drawn (and HRI text under barcodes when height is 0)."""
    font = _font(CELL[False][1] - 2)
    w = int(font.getlength(text)) + 8
    image = Image.new("L", (w, max(height, CELL[False][1] + 4)), 255)
    draw = ImageDraw.Draw(image)
    if height:
        draw.rectangle((0, 0, w - 1, image.height - 1), outline=0, width=2)
    draw.text((w // 2, image.height // 2), text, font=font, fill=0, anchor="mm")
    return image
