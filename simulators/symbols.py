"""Render QR, Code 128 and EAN-13 symbols as grayscale numpy images (white 255, black 0)."""
from __future__ import annotations

import numpy as np
import qrcode

# Code 128 bar/space widths for values 0..106 (106 = stop, 7 elements).
_C128 = [
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213", "221312",
    "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132", "221231", "213212",
    "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211", "212123", "212321", "232121",
    "111323", "131123", "131321", "112313", "132113", "132311", "211313", "231113", "231311", "112133", "112331",
    "132131", "113123", "113321", "133121", "313121", "211331", "231131", "213113", "213311", "213131", "311123",
    "311321", "331121", "312113", "312311", "332111", "314111", "221411", "431111", "111224", "111422", "121124",
    "121421", "141122", "141221", "112214", "112412", "122114", "122411", "142112", "142211", "241211", "221114",
    "413111", "241112", "134111", "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112",
    "421211", "212141", "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311",
    "113141", "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
]
_START_B, _START_C, _CODE_B, _CODE_C, _STOP = 104, 105, 100, 99, 106

_EAN_L = ("3211", "2221", "2122", "1411", "1132", "1231", "1114", "1312", "1213", "3112")
_EAN_PARITY = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLL", "LGLGGL", "LGGLGL")


def _widths_to_modules(widths: str, bar_first: bool = True) -> list[bool]:
    out: list[bool] = []
    bar = bar_first
    for w in widths:
        out.extend([bar] * int(w))
        bar = not bar
    return out


def code128_values(text: str) -> list[int]:
    """Symbol values (start, data, checksum, stop): code set C for digit pairs (B for an odd last digit), else B."""
    if not text or any(not 32 <= ord(c) < 127 for c in text):
        raise ValueError("Code 128 text must be non-empty printable ASCII")
    pairs = len(text) // 2 if text.isdigit() and len(text) >= 4 else 0
    values = [_START_C if pairs else _START_B]
    values += [int(text[2 * i:2 * i + 2]) for i in range(pairs)]
    rest = text[2 * pairs:]
    if rest:
        values += ([_CODE_B] if pairs else []) + [ord(c) - 32 for c in rest]
    check = (values[0] + sum(i * v for i, v in enumerate(values[1:], start=1))) % 103
    return values + [check, _STOP]


def code128_modules(text: str) -> list[bool]:
    """The module sequence (True = bar) of a Code 128 symbol, without quiet zones."""
    out: list[bool] = []
    for v in code128_values(text):
        out += _widths_to_modules(_C128[v])
    return out


def ean13_modules(code: str) -> list[bool]:
    """The module sequence of an EAN-13 symbol for a 13-digit code (check digit included)."""
    if len(code) != 13 or not code.isdigit():
        raise ValueError("EAN-13 needs 13 digits")
    out = _widths_to_modules("111")
    parity = _EAN_PARITY[int(code[0])]
    for d, p in zip(code[1:7], parity, strict=True):
        widths = _EAN_L[int(d)]
        out += _widths_to_modules(widths[::-1] if p == "G" else widths, bar_first=False)
    out += _widths_to_modules("11111", bar_first=False)
    for d in code[7:]:
        out += _widths_to_modules(_EAN_L[int(d)], bar_first=True)
    return out + _widths_to_modules("111")


def render_linear(modules: list[bool], module_px: int = 2, height: int = 80, quiet: int = 10) -> np.ndarray:
    """A 1-D symbol as a grayscale image with `quiet` modules of white each side."""
    row = np.array([False] * quiet + modules + [False] * quiet)
    line = np.where(np.repeat(row, module_px), 0, 255).astype(np.uint8)
    pad = quiet * module_px // 2
    img = np.full((height + 2 * pad, line.size), 255, np.uint8)
    img[pad:pad + height] = line
    return img


def render_qr(text: str, module_px: int = 6, border: int = 4) -> np.ndarray:
    """A QR code (error correction M) as a grayscale image with a `border`-module quiet zone."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=border)
    qr.add_data(text)
    qr.make(fit=True)
    matrix = np.array(qr.get_matrix(), dtype=bool)
    return np.where(np.kron(matrix, np.ones((module_px, module_px), bool)), 0, 255).astype(np.uint8)


def render_symbol(text: str, symbology: str, module_px: int = 6) -> np.ndarray:
    """Render text as 'qrcode', 'code128' or 'ean13'."""
    if symbology == "qrcode":
        return render_qr(text, module_px)
    if symbology == "code128":
        return render_linear(code128_modules(text), max(1, module_px // 3), height=20 * module_px // 2)
    if symbology == "ean13":
        return render_linear(ean13_modules(text), max(1, module_px // 3), height=20 * module_px // 2)
    raise ValueError(f"unknown symbology {symbology!r}: use qrcode, code128 or ean13")
