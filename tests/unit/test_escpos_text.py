"""Which code page a receipt line goes out in, and Vietnamese in Windows-1258 with combining tone marks."""
from __future__ import annotations

import unicodedata

import pytest

from drivers.escpos_text import ModeTracker, encode_cp1258, encode_line

VIETNAMESE = ["tiếng Việt", "Cà phê sữa đá", "Bánh mì thịt nướng", "Phở bò tái", "Nước mắm", "ỆỘẶ đĐ ươƯƠ"]


@pytest.mark.parametrize("text", VIETNAMESE)
def test_vietnamese_round_trips_through_cp1258(text: str) -> None:
    data = encode_cp1258(text)
    assert data is not None
    assert unicodedata.normalize("NFC", data.decode("cp1258")) == unicodedata.normalize("NFC", text)


def test_tone_marks_are_combining_bytes() -> None:
    assert encode_cp1258("ế") == b"\xea\xec"          # ê, then the combining acute
    assert encode_cp1258("ệ") == b"\xea\xf2"          # ê, then the combining dot below


def test_what_cp1258_cannot_hold() -> None:
    assert encode_cp1258("中文") is None
    assert encode_cp1258("Ж") is None


def test_each_line_in_the_mode_that_holds_it() -> None:
    assert encode_line("Tea", "gb18030+cp1258").mode == "ascii"               # type: ignore[union-attr]
    assert encode_line("莲花茶", "gb18030+cp1258").data == "莲花茶".encode("gb18030")  # type: ignore[union-attr]
    assert encode_line("tiếng Việt", "gb18030+cp1258").mode == "cp1258"       # type: ignore[union-attr]
    assert encode_line("tiếng Việt", "gb18030") is None                        # that printer rasters it
    assert encode_line("中文 tiếng Việt", "gb18030+cp1258") is None             # no one code page holds both
    assert encode_line("Tea", "raster") is None


def test_mode_switches_only_when_needed() -> None:
    modes = ModeTracker()
    assert modes.switch("gbk") == b"\x1c&"
    assert modes.switch("gbk") == b""
    assert modes.switch("ascii") == b""
    assert modes.switch("cp1258") == b"\x1c.\x1bt\x34"
    assert modes.switch("gbk") == b"\x1c&"
