"""The ESC/POS parser of the virtual printer: every command it knows, code pages, chunking, garbage."""
from __future__ import annotations

import random
import unicodedata
from typing import TypeVar

import pytest
from escpos.printer import Dummy
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from simulators.escpos_parser import (
    Barcode,
    Bitmap,
    Cut,
    DrawerKick,
    EscposParser,
    Feed,
    Parsed,
    QrCode,
    Style,
    TextLine,
    parse,
)
from simulators.escpos_render import render, transcript

ESC, GS, FS, DLE = b"\x1b", b"\x1d", b"\x1c", b"\x10"
T = TypeVar("T")
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def texts(parsed: Parsed) -> list[str]:
    return ["".join(r.text for r in e.runs) for e in parsed.elements if isinstance(e, TextLine)]


def only(parsed: Parsed, kind: type[T]) -> list[T]:
    return [e for e in parsed.elements if isinstance(e, kind)]


def first_style(data: bytes) -> Style:
    return only(parse(data), TextLine)[0].runs[0].style


def driver_cp1258(text: str) -> bytes:
    """What a printer driver sends for Vietnamese in cp1258: precomposed base letters, combining tone marks."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in TONES))
        out += (letter + "".join(m for m in marks if m in TONES)).encode("cp1258")
    return out


def image(width: int, height: int) -> Image.Image:
    im = Image.new("1", (width, height), 1)
    ImageDraw.Draw(im).ellipse((1, 1, width - 2, height - 2), fill=0)
    return im


def dummy() -> Dummy:
    return Dummy()


def test_init_resets_styles_and_drops_the_unprinted_line() -> None:
    parsed = parse(ESC + b"E\x01" + GS + b"!\x11" + b"lost" + ESC + b"@" + b"plain\n")
    assert texts(parsed) == ["plain"] and first_style(ESC + b"E\x01" + ESC + b"@x\n") == Style()


def test_align_applies_at_the_start_of_a_line_only() -> None:
    parsed = parse(ESC + b"a\x01c\n" + ESC + b"a2r\n" + b"x" + ESC + b"a\x00y\n" + ESC + b"a\x00l\n")
    assert [e.align for e in only(parsed, TextLine)] == ["center", "right", "right", "left"]
    assert parsed.unknown == 0


def test_bold_underline_reverse() -> None:
    assert first_style(ESC + b"E\x01x\n").bold and not first_style(ESC + b"E\x01" + ESC + b"E\x00x\n").bold
    assert first_style(ESC + b"-\x02x\n").underline == 2 and first_style(ESC + b"-1x\n").underline == 1
    assert first_style(GS + b"B\x01x\n").reverse


def test_print_mode_bits() -> None:
    assert first_style(ESC + b"!\xb8x\n") == Style(bold=True, underline=1, width=2, height=2)
    assert first_style(ESC + b"!\x01x\n") == Style(font_b=True)
    assert first_style(ESC + b"!\x10x\n") == Style(height=2)


def test_character_size() -> None:
    assert first_style(GS + b"!\x11x\n") == Style(width=2, height=2)
    assert first_style(GS + b"!\x23x\n") == Style(width=3, height=4)


def test_style_changes_split_a_line_into_runs() -> None:
    line = only(parse(b"a " + ESC + b"E\x01B" + ESC + b"E\x00 c\n"), TextLine)[0]
    assert [(r.text, r.style.bold) for r in line.runs] == [("a ", False), ("B", True), (" c", False)]


def test_feed_prints_the_pending_line_first_then_feeds() -> None:
    parsed = parse(b"abc" + ESC + b"d\x03" + ESC + b"J\x3c")
    assert parsed.elements[1:] == (Feed(3, 90), Feed(2, 60)) and texts(parsed) == ["abc"]


def test_lf_cr_and_blank_lines() -> None:
    assert texts(parse(b"a\r\nb\n\n")) == ["a", "b", ""]


def test_tab_goes_to_the_next_multiple_of_eight_columns() -> None:
    assert texts(parse(b"ab\tc\n\td\n")) == ["ab      c", "        d"]


@pytest.mark.parametrize("table, data, text", [
    (0, b"\x80\x9c", "Ç£"), (2, b"\x9b", "ø"), (16, b"\x80\xe9", "€é"), (17, b"\x80\xaf", "Ап"),
    (19, b"\xd5", "€"), (52, b"\xd0\xfe", "Đ₫"),
])
def test_code_pages(table: int, data: bytes, text: str) -> None:
    parsed = parse(ESC + b"t" + bytes([table]) + data + b"\n")
    assert texts(parsed) == [text] and parsed.approximations == 0


def test_an_unknown_code_page_is_cp437_and_counted() -> None:
    parsed = parse(ESC + b"t\x63\x80\n")
    assert texts(parsed) == ["Ç"] and parsed.approximations == 1


def test_vietnamese_in_cp1258_with_combining_tone_marks_comes_out_nfc() -> None:
    data = driver_cp1258("tiếng Việt, Cà phê sữa đá")
    assert b"\xec" in data and b"\xf2" in data      # the acute and the dot below went as combining marks
    text = texts(parse(ESC + b"t\x34" + data + b"\n"))[0]
    assert text == "tiếng Việt, Cà phê sữa đá" and unicodedata.is_normalized("NFC", text)


def test_chinese_in_fs_ampersand_mode_is_gb18030() -> None:
    text = "中文 奶茶 x2 \U00020000"             # two-byte and four-byte sequences
    parsed = parse(FS + b"&" + text.encode("gb18030") + b"\n" + FS + b"." + b"\x80\n")
    assert texts(parsed) == [text, "Ç"]


def test_raster_image_gs_v_0() -> None:
    data = b"\xff\x00\x0f\xf0"
    parsed = parse(GS + b"v0\x03\x02\x00\x02\x00" + data)
    assert parsed.elements == (Bitmap(16, 2, data, 2, 2),)


def test_bit_image_columns_join_into_the_same_bitmap_as_raster() -> None:
    raster, column = dummy(), dummy()
    raster.image(image(40, 48))
    column.image(image(40, 48), impl="bitImageColumn")
    expected = only(parse(raster.output), Bitmap)[0]
    assert only(parse(column.output), Bitmap) == [expected] and texts(parse(column.output)) == []


@pytest.mark.parametrize("impl", ["graphics", "bitImageRaster"])
def test_graphics_store_and_print(impl: str) -> None:
    printer = dummy()
    printer.image(image(40, 30), impl=impl)
    bitmaps = only(parse(printer.output), Bitmap)
    assert len(bitmaps) == 1 and (bitmaps[0].width, bitmaps[0].height) == (40, 30)


def test_gs_8_l_graphics() -> None:
    store = b"0p0\x01\x011\x10\x00\x01\x00\xab\xcd"
    data = GS + b"8L" + len(store).to_bytes(4, "little") + store + GS + b"8L\x02\x00\x00\x00" + b"02"
    assert parse(data).elements == (Bitmap(16, 1, b"\xab\xcd"),)


def test_native_qr() -> None:
    printer = dummy()
    printer.set(align="center")
    printer.qr("https://r.example/r/1?k=x", size=7, ec=3, native=True)
    assert only(parse(printer.output), QrCode) == [QrCode(b"https://r.example/r/1?k=x", 7, "H", "center")]


def test_barcodes_both_forms() -> None:
    printer = dummy()
    printer.barcode("4006381333931", "EAN13")
    parsed = parse(printer.output + GS + b"k\x04ABC-1\x00" + GS + b"kI\x0a{BXY-12345" + b"after\n")
    kinds = [(b.kind, b.data) for b in only(parsed, Barcode)]
    assert kinds == [("EAN13", "4006381333931"), ("CODE39", "ABC-1"), ("CODE128", "XY-12345")]
    assert texts(parsed) == ["after"] and parsed.unknown == 0


@pytest.mark.parametrize("cut", [GS + b"V\x00", GS + b"V\x01", GS + b"V0", GS + b"V1", GS + b"VA\x03",
                                 GS + b"VB\x00", GS + b"Va\x05", ESC + b"i", ESC + b"m"])
def test_every_cut_form_ends_a_receipt(cut: bytes) -> None:
    parser = EscposParser()
    done = parser.feed(b"one" + cut + b"two\n")
    assert len(done) == 1 and done[0].elements[-1] in (Cut(False), Cut(True)) and texts(done[0]) == ["one"]
    rest = parser.flush()
    assert rest is not None and texts(rest) == ["two"] and rest.unknown == 0


def test_drawer_kicks() -> None:
    parsed = parse(ESC + b"p\x00\x19\xfa" + ESC + b"p1\x19\xfa" + DLE + b"\x14\x01\x00\x01")
    assert parsed.elements == (DrawerKick(2), DrawerKick(5), DrawerKick(2))


def test_line_spacing() -> None:
    parsed = parse(ESC + b"3\x50a\n" + ESC + b"2b\n")
    assert [e.spacing for e in only(parsed, TextLine)] == [80, 30]


def test_margins_and_other_settings_are_parsed_and_ignored() -> None:
    parsed = parse(GS + b"L\x10\x00" + GS + b"W\x00\x02" + ESC + b"M\x00" + ESC + b" \x02" + GS + b"h\x50"
                   + GS + b"w\x02" + GS + b"H\x02" + ESC + b"D\x08\x10\x00" + b"text\n")
    assert texts(parsed) == ["text"] and parsed.unknown == 0


def test_upside_down() -> None:
    parsed = parse(ESC + b"{\x01up\n" + ESC + b"{\x00down\n")
    assert [e.upside_down for e in only(parsed, TextLine)] == [True, False]


def test_status_requests_are_answered_like_a_healthy_printer() -> None:
    parser = EscposParser()
    parser.feed(DLE + b"\x04\x01" + DLE + b"\x04\x02" + DLE + b"\x04\x03" + DLE + b"\x04\x04" + GS + b"r1"
                + DLE + b"\x04\x07\x01" + b"x\n")
    assert parser.replies() == b"\x16\x12\x12\x12\x00\x12" and parser.replies() == b""
    assert texts(parser.flush() or Parsed()) == ["x"]
    # python-escpos: is_online() tests bit 3 (RT_MASK_ONLINE 8), paper_status() masks 114/30/18
    assert not 0x16 & 8 and 0x12 & 114 != 114 and 0x12 & 30 != 30 and 0x12 & 18 == 18


def test_unknown_commands_are_skipped_and_counted() -> None:
    parsed = parse(b"a" + ESC + b"\x01" + b"b" + GS + b"\x02" + b"c\x07d" + GS + b"(E\x03\x00\x01\x02\x03e\n")
    assert texts(parsed) == ["abcde"] and parsed.unknown == 4


def test_transcript_aligns_with_spaces_for_the_paper_width() -> None:
    parsed = parse(ESC + b"a\x01" + b"mid\n" + ESC + b"a\x02" + b"end\n" + ESC + b"a\x00" + GS + b"V\x00"
                   + ESC + b"p\x00\x19\xfa")
    assert transcript(parsed, 576).splitlines() == [" " * 22 + "mid", " " * 45 + "end", "[cut]",
                                                    "[drawer kick pin 2]"]
    assert transcript(parsed, 384).splitlines()[0] == " " * 14 + "mid"


def rich_stream() -> bytes:
    """Text, styles, code pages, CJK, an image in each form, a QR, a barcode, a cut, a drawer kick."""
    printer = dummy()
    printer.hw("INIT")
    printer.set(align="center", bold=True, double_height=True, double_width=True)
    printer.text("SHOP\n")
    printer.set(align="left", bold=False, normal_textsize=True)
    printer._raw(FS + b"&" + "奶茶 x2\t9.00\n".encode("gb18030") + FS + b".")
    printer._raw(ESC + b"t\x34" + driver_cp1258("Cà phê sữa đá") + b"\n" + ESC + b"t\x00")
    for impl in ("bitImageRaster", "bitImageColumn", "graphics"):
        printer.image(image(16, 24), impl=impl)
    printer.qr("https://r.example/1", native=True)
    printer.barcode("4006381333931", "EAN13")
    printer.cut()
    printer.cashdraw(2)
    return bytes(printer.output)


def fed_in_pieces(data: bytes, cuts: list[int]) -> Parsed:
    parser, parts = EscposParser(), []
    for start, end in zip([0] + cuts, cuts + [len(data)], strict=True):
        parts += parser.feed(data[start:end])
    tail = parser.flush()
    parts += [tail] if tail else []
    return Parsed(tuple(e for p in parts for e in p.elements), sum(p.unknown for p in parts),
                  sum(p.approximations for p in parts), sum(p.nbytes for p in parts))


def test_a_stream_split_anywhere_parses_the_same_as_whole() -> None:
    data = rich_stream()
    whole = parse(data)
    assert whole.unknown == 0 and whole.nbytes == len(data) and len(only(whole, Bitmap)) == 3
    for at in range(1, len(data)):
        assert fed_in_pieces(data, [at]) == whole, at
    assert fed_in_pieces(data, list(range(1, len(data)))) == whole      # one byte at a time


def test_an_unfinished_command_waits_for_its_bytes() -> None:
    parser = EscposParser()
    assert parser.feed(b"x" + GS + b"v0\x00\x01\x00\x02") == [] and parser.pending
    assert parser.feed(b"\x00\xff") == [] and parser.feed(b"\x00") == []
    parsed = parser.flush()
    assert parsed is not None and parsed.elements[1:] == (Bitmap(8, 2, b"\xff\x00"),)


def test_a_truncated_command_is_dropped_and_counted_at_flush() -> None:
    parser = EscposParser()
    parser.feed(b"line\n" + GS + b"v0\x00\x10\x00\x10\x00\x01\x02")
    parsed = parser.flush()
    assert parsed is not None and texts(parsed) == ["line"] and parsed.unknown == 1 and not parser.pending


def test_a_header_announcing_gigabytes_is_garbage() -> None:
    parsed = parse(GS + b"8L\xff\xff\xff\x7f" + b"after\n")
    assert "after" in texts(parsed)[0] and parsed.unknown >= 1


PREFIXES = [ESC + bytes([c]) for c in b"@aE!-dJt*p23{M"] + [GS + bytes([c]) for c in b"!BVvk(8rLW"] + [
    FS + b"&", FS + b".", DLE + b"\x04", GS + b"(k", GS + b"(L", b"\n", b"\t"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PREFIXES), st.binary(max_size=6)), max_size=40).map(b"".join),
       st.integers(min_value=0, max_value=300))
def test_garbage_never_raises_and_splits_the_same(data: bytes, at: int) -> None:
    whole = parse(data)
    assert fed_in_pieces(data, [min(at, len(data))]) == whole
    render(whole, 384)


def test_random_bytes_never_raise() -> None:
    rng = random.Random(1234)
    for _ in range(200):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000)))
        parsed = parse(data)
        assert parsed.nbytes == len(data)
        render(parsed, 576)
