"""Capture logic without any device library: decoded values, de-duplication across frames, routing of texts."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from terminal.errors import BarcodeError, UnknownItem
from terminal.members.codes import is_card
from terminal.sales.barcodes import looks_like_gtin
from terminal.sales.catalog import Catalog

MEMBER_PREFIX = "EPM-"  # the older numeric card form: routed to the members, which say it is not theirs
_MEMBER_RE = re.compile(rf"^{re.escape(MEMBER_PREFIX)}[0-9]{{4,20}}$")

RouteKind = Literal["item", "payment", "member", "unknown"]


@dataclass(frozen=True)
class Decoded:
    """One code found in a frame or read from a scanner: its text and symbology ('qrcode', 'ean13', 'serial'...)."""

    text: str
    symbology: str


@dataclass(frozen=True)
class CameraFrame:
    """One camera frame: the image (a numpy array to drivers; opaque here), its time in seconds and its number."""

    image: Any
    timestamp_s: float
    index: int


@dataclass(frozen=True)
class Route:
    """Where a scanned text goes; `reason` says why when kind is 'unknown', `sku` names the item."""

    kind: RouteKind
    text: str
    reason: str = ""
    sku: str | None = None


def clean_text(text: str) -> str:
    """The text without control characters and surrounding whitespace."""
    return "".join(c for c in text if unicodedata.category(c)[0] != "C").strip()


def is_member_code(text: str) -> bool:
    """True for a membership card: a signed `EPM1:` card (checked by MemberService.find_by_card), or the
    older MEMBER_PREFIX followed by 4-20 digits."""
    return is_card(text) or bool(_MEMBER_RE.match(text))


def route(text: str, catalog: Catalog, is_payment_code: Callable[[str], bool],
          is_member_code: Callable[[str], bool] = is_member_code) -> Route:
    """Decide whether a scanned text is an item, a payment code, a member code, or unknown (with a reason)."""
    code = clean_text(text)
    if not code:
        return Route("unknown", code, "the scan was empty: scan again")
    if is_member_code(code):
        return Route("member", code)
    if is_payment_code(code):
        return Route("payment", code)
    if looks_like_gtin(code):
        try:
            item = catalog.by_barcode(code)
        except BarcodeError as err:
            return Route("unknown", code, str(err))
        except UnknownItem as err:
            return Route("unknown", code, str(err))
        return Route("item", code, sku=item.sku)
    if code.isascii() and code.isdigit() and 16 <= len(code) <= 24:
        return Route("unknown", code, "this looks like a payment code but no supported wallet issues codes like it")
    return Route("unknown", code, "not an item barcode, a payment code or a member card")


class Deduper:
    """Counts a code once while it stays in view; again once it has been out of view for window_s seconds."""

    def __init__(self, window_s: float = 1.5) -> None:
        if window_s <= 0:
            raise ValueError("window_s must be positive")
        self.window_s = window_s
        self._last_seen: dict[str, float] = {}

    def is_new(self, text: str, now: float) -> bool:
        """Record a sighting at `now` (seconds); True if it should be reported."""
        last = self._last_seen.get(text)
        self._last_seen[text] = now
        if len(self._last_seen) > 64:
            self._forget_before(now - self.window_s)
        return last is None or now - last >= self.window_s

    def fresh(self, texts: list[str], now: float) -> list[str]:
        """The texts of one frame that should be reported, each once, in order."""
        out: list[str] = []
        for text in dict.fromkeys(texts):
            if self.is_new(text, now):
                out.append(text)
        return out

    def _forget_before(self, cutoff: float) -> None:
        self._last_seen = {t: s for t, s in self._last_seen.items() if s >= cutoff}
