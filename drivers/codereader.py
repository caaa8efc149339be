"""Code decoding with zbar: find code-like regions on a half-size frame, decode only those crops.

Why it is fast (see bench/decode.py): zbar's cost grows with the pixels it scans, and a full
640x480 QR-only scan is ~12 ms. We look for regions dense in strong edges on a half-size image
(morphological gradient, close, open, connected components: ~0.6 ms), decode each crop at half
size, and at full size only when the half-size crop fails. A frame without such a region costs
under a millisecond. Every `sweep_every`-th fruitless call also sweeps the whole half-size frame
for QR, so a code the region finder misses is still read within a second of video. Linear codes
are read at full size only: at half size their 1 px modules misread.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from pyzbar.pyzbar import ZBarSymbol
from pyzbar.pyzbar import decode as zbar_decode

from terminal.scanning.capture import Decoded

_SYMBOLS = {"qrcode": ZBarSymbol.QRCODE, "code128": ZBarSymbol.CODE128, "ean13": ZBarSymbol.EAN13,
            "upca": ZBarSymbol.UPCA, "ean8": ZBarSymbol.EAN8}
_K3 = np.ones((3, 3), np.uint8)


@dataclass(frozen=True)
class Region:
    """A candidate region in full-frame pixels: x, y, width, height."""

    x: int
    y: int
    w: int
    h: int


def to_gray(image: np.ndarray) -> np.ndarray:
    """A grayscale view of a gray, BGR or BGRA frame (converted once)."""
    if image.ndim == 2:
        return image
    if image.ndim == 3 and image.shape[2] == 1:
        return image[:, :, 0]
    if image.ndim == 3 and image.shape[2] in (3, 4):
        return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY if image.shape[2] == 3 else cv2.COLOR_BGRA2GRAY)
    raise ValueError(f"a frame must be gray, BGR or BGRA, not shape {image.shape}")


class ZbarCodeReader:
    """Decodes QR / Code 128 / EAN-13 (by default) in numpy frames with pyzbar; one reader per capture thread."""

    def __init__(self, symbologies: Sequence[str] = ("qrcode", "code128", "ean13"), scale: int = 2,
                 edge_threshold: int = 48, min_region_px: int = 32, max_regions: int = 6,
                 sweep_every: int = 15) -> None:
        unknown = [s for s in symbologies if s not in _SYMBOLS]
        if unknown or not symbologies:
            raise ValueError(f"unknown symbology {unknown}: choose from {', '.join(_SYMBOLS)}")
        self.symbologies = tuple(symbologies)
        self._symbols = [_SYMBOLS[s] for s in symbologies]
        # linear codes at half size (1 px modules) misread too often: the half-size pass reads QR only
        self._small_symbols = [ZBarSymbol.QRCODE] if "qrcode" in symbologies else []
        self.scale = max(1, scale)
        self.edge_threshold = edge_threshold
        self.min_region_px = min_region_px
        self.max_regions = max_regions
        self.sweep_every = sweep_every
        self._fruitless = 0
        self._close = cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7))
        self._open = np.ones((5, 5), np.uint8)

    def decode(self, image: np.ndarray) -> tuple[Decoded, ...]:
        """Every code of the enabled symbologies found in the frame (deduplicated by text)."""
        gray = to_gray(image)
        small = self._downscale(gray)
        found: dict[str, Decoded] = {}
        for region in self.regions(small):
            for d in self._decode_region(gray, small, region):
                found.setdefault(d.text, d)
        if found:
            self._fruitless = 0
            return tuple(found.values())
        self._fruitless += 1
        if self.sweep_every and self._fruitless >= self.sweep_every:
            self._fruitless = 0
            return self._zbar(small, self._small_symbols) if self._small_symbols else self._zbar(gray)
        return ()

    def decode_full(self, image: np.ndarray) -> tuple[Decoded, ...]:
        """Decode the whole image in one zbar pass, no region finding (slower, for stills and sweeps)."""
        return self._zbar(to_gray(image))

    def regions(self, small: np.ndarray) -> list[Region]:
        """Regions of the downscaled image dense in strong edges, largest first, in full-frame pixels."""
        grad = cv2.morphologyEx(small, cv2.MORPH_GRADIENT, _K3)
        _, mask = cv2.threshold(grad, self.edge_threshold, 255, cv2.THRESH_BINARY)
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, self._close)
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, self._open)
        _, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        least = self.min_region_px // self.scale
        boxes = [s for s in stats[1:] if s[2] >= least and s[3] >= least]
        boxes.sort(key=lambda s: -int(s[4]))
        k = self.scale
        return [Region(int(x) * k, int(y) * k, int(w) * k, int(h) * k) for x, y, w, h, _ in boxes[: self.max_regions]]

    def _downscale(self, gray: np.ndarray) -> np.ndarray:
        if self.scale == 1:
            return gray
        h, w = gray.shape
        return cv2.resize(gray, (w // self.scale, h // self.scale), interpolation=cv2.INTER_AREA)

    def _decode_region(self, gray: np.ndarray, small: np.ndarray, r: Region) -> tuple[Decoded, ...]:
        k = self.scale
        margin = max(12, min(r.w, r.h) // 8)  # room for the quiet zone the edge mask leaves out
        x0, y0 = max(0, r.x - margin), max(0, r.y - margin)
        x1, y1 = min(gray.shape[1], r.x + r.w + margin), min(gray.shape[0], r.y + r.h + margin)
        if k > 1 and self._small_symbols:
            hit = self._zbar(small[y0 // k: y1 // k, x0 // k: x1 // k], self._small_symbols)
            if hit:
                return hit
        return self._zbar(gray[y0:y1, x0:x1])

    def _zbar(self, gray: np.ndarray, symbols: list[ZBarSymbol] | None = None) -> tuple[Decoded, ...]:
        if gray.size == 0:
            return ()
        results = zbar_decode(np.ascontiguousarray(gray), symbols=symbols or self._symbols)
        kept = [r for r in results if r.type == "QRCODE" or not _outvoted(r, results)]
        return tuple(Decoded(r.data.decode("utf-8", "replace"), r.type.lower()) for r in kept)


def _outvoted(r: Any, results: list[Any]) -> bool:
    """True when another linear result on the same spot was read more often: one printed symbol, one code."""
    def overlaps(a: Any, b: Any) -> bool:
        return bool(a.left < b.left + b.width + 2 and b.left < a.left + a.width + 2
                    and a.top < b.top + b.height + 2 and b.top < a.top + a.height + 2)
    return any(o is not r and o.type != "QRCODE" and o.data != r.data and o.quality > r.quality
               and overlaps(o.rect, r.rect) for o in results)
