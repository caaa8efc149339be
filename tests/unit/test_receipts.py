"""Receipt layout: content, control characters stripped, CJK column widths."""
from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from datetime import UTC
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from terminal.app.bootstrap import Terminal
from terminal.sales.catalog import Item
from terminal.sales.money import Money
from terminal.sales.receipts import ShopInfo, receipt_token, render_receipt
from terminal.sales.sale import Payment, Sale
from terminal.sales.textwidth import char_width, clip, strip_control, text_width, two_columns, wrap

SECRET = bytes(range(32))


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def paid_sale(*items: tuple[Item, int], tendered: str = "100") -> Sale:
    sale = Sale("CNY", "shift-1", id="ab12cd34ef56" + "0" * 20)
    for item, qty in items:
        sale.add(item, qty)
    sale.start_tender()
    due = sale.due
    sale.apply_payment(Payment("p1", "cash", due, cny(tendered), cny(tendered) - due))
    return sale


def test_receipt_of_a_till_sale(open_term: Terminal, clock: Any) -> None:
    t = open_term
    t.till.scan("8930001234505")      # 珍珠奶茶 Bubble milk tea 18.00
    t.till.add_item("DRK-004", 2)     # Bia Sài Gòn 8.00 + 13%
    t.till.discount_line(1, cny("1.00"))
    done = t.till.pay_cash(cny("50"))
    receipt = done.receipt
    text = receipt.as_text()
    assert receipt.sale_id == done.sale.id and receipt.width == 42 and receipt.open_drawer
    assert "Hoa Sen 莲花 Mini Mart" in text
    assert "珍珠奶茶 Bubble milk tea" in text and "Bia Sài Gòn lon 330ml" in text
    assert "2 x 8.00 +tax" in text and "-1.00" in text
    assert f"CNY {done.sale.totals.total.amount_str()}" in text
    change = done.change.amount_str()
    assert any(line.text.startswith("Change") and line.text.endswith(change) for line in receipt.lines)
    assert any(line.text.startswith("Cashier") and line.text.endswith("Lan") for line in receipt.lines)
    assert "2026-11-22 08:30 UTC" in text
    assert "approx. at 0.1385" in text and "USD " in text        # the display currency from config
    secret = bytes.fromhex((t.data_dir / "keys" / "terminal.key").read_text().strip())
    token = receipt_token(secret, done.sale.id)
    assert receipt.qr_url == f"https://receipts.edgepos.example/r/{done.sale.id}?k={token}"
    assert len(token) == 24 and receipt_token(b"other secret", done.sale.id) != token
    assert text.endswith(f"[QR] {receipt.qr_url}\n")


def test_receipt_figures_line_up() -> None:
    tea = Item("T", None, "Tea", cny("18.00"), 600, True)
    sale = paid_sale((tea, 3), tendered="100")
    shop = ShopInfo("Shop", "1 Road", "T-1", "https://r.example/", footer="Bye")
    receipt = render_receipt(sale, shop, SECRET, sale_time(), 32)
    lines = {ln.text.split()[0]: ln.text for ln in receipt.lines if ln.text and not ln.text.startswith("-")}
    assert lines["Subtotal"].endswith("54.00") and lines["Tax"].endswith("3.06")
    assert lines["Cash"].endswith("100.00") and lines["Change"].endswith("46.00")
    assert receipt.qr_url.startswith("https://r.example/r/")   # no double slash


def sale_time() -> Any:
    from datetime import datetime
    return datetime(2026, 1, 2, 3, 4, tzinfo=UTC)


def test_only_a_paid_sale_has_a_receipt() -> None:
    sale = Sale("CNY", "s")
    sale.add(Item("T", None, "Tea", cny("1"), 0, True))
    with pytest.raises(ValueError, match="only a paid sale"):
        render_receipt(sale, ShopInfo("S", "", "T", "https://x"), SECRET, sale_time())


NASTY = "Evil\x1b@\x1bd\x07 tea\x00\u202egnp.exe\u202c \u2066x\u2069\x9b31m"


def test_control_characters_from_the_catalog_are_stripped(make_terminal: Callable[..., Terminal],
                                                         tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps([
        {"sku": "X1", "barcode": "4006381333931", "name": NASTY, "unit_price": "3.00", "tax_rate": "0",
         "tax_inclusive": True},
    ]), encoding="utf-8")
    config = tmp_path / "edgepos.toml"
    from terminal.config.settings import default_config_text
    config.write_text(default_config_text().replace('path = ""', 'path = "catalog.json"'), encoding="utf-8")
    t = make_terminal()
    assert t.catalog.by_sku("X1").name == NASTY      # the catalog keeps what it was given...
    t.shifts.open("Lan\x1b[2J", cny("0"))
    t.till.scan("4006381333931")
    receipt = t.till.pay_cash(cny("3")).receipt
    text = receipt.as_text()
    for char in ("\x1b", "\x00", "\x07", "\u202e", "\u202c", "\u2066", "\u2069", "\x9b"):
        assert char not in text                      # ...the receipt never prints it
    assert all(unicodedata.category(c) not in ("Cc", "Cf") for ln in receipt.lines for c in ln.text)
    assert "Evil@d teagnp.exe x31m" in text


def test_strip_control_keeps_printable_text() -> None:
    assert strip_control("Cà phê sữa đá 咖啡") == "Cà phê sữa đá 咖啡"
    assert strip_control("a\tb\nc\rd\x7f\u200be\ufeff") == "abcde"
    assert strip_control("\u202eabc\u202d\u061c") == "abc"


@pytest.mark.parametrize("text, width", [
    ("abc", 3), ("中文", 4), ("珍珠奶茶 Bubble", 15), ("Cà phê", 6),
    ("Ca\u0300 phe\u0302", 6),    # decomposed Vietnamese: combining marks take no column
    ("ｶﾀｶﾅ", 4),                  # half-width katakana
    ("ＡＢ", 4),                   # full-width latin
    ("", 0),
])
def test_text_width(text: str, width: int) -> None:
    assert text_width(text) == width


def test_char_width() -> None:
    assert (char_width("a"), char_width("中"), char_width("\u0301"), char_width("한")) == (1, 2, 0, 2)


def test_clip_never_splits_a_wide_character() -> None:
    assert clip("中文字", 5) == "中文"
    assert clip("中文字", 1) == ""
    assert clip("ab中", 3) == "ab"
    assert clip("abc", 10) == "abc"


def test_two_columns_cjk_alignment() -> None:
    for left in ("Tea", "珍珠奶茶", "珍珠奶茶 Bubble milk tea with extra pearls", "Bánh mì thịt"):
        line = two_columns(left, "18.00", 24)
        assert text_width(line) == 24
        assert line.endswith(" 18.00")
    assert two_columns("中文中文中文中文中文中文", "1.00", 12) == "中文中  1.00"


def test_wrap_cjk() -> None:
    lines = wrap("月饼礼盒 Mooncake gift box deluxe edition", 12)
    assert all(text_width(ln) <= 12 for ln in lines)
    assert "".join(lines).replace(" ", "") == "月饼礼盒Mooncakegiftboxdeluxeedition"
    assert wrap("中文中文中文", 5) == ["中文", "中文", "中文"]
    assert wrap("short", 42) == ["short"]


def test_wrap_terminates_when_a_character_is_wider_than_the_line() -> None:
    assert wrap("中文", 1) == ["中", "文"]


def test_every_receipt_line_fits_the_paper() -> None:
    items = [Item(f"S{i}", None, name, cny(price), 1300, inclusive) for i, (name, price, inclusive) in enumerate([
        ("老干妈辣椒酱 Chili crisp spicy oil with fermented soybeans", "12.80", False),
        ("Nước mắm Phú Quốc 500ml", "32.00", False),
        ("月饼礼盒 Mooncake gift box", "168.00", True),
    ])]
    sale = paid_sale(*[(it, 3) for it in items], tendered="1000")
    for width in (32, 42, 48):
        shop = ShopInfo("Hoa Sen 莲花", "12 Nguyễn Huệ, Quận 1 · 上海市南京东路 100 号", "T-0001",
                        "https://r.example", footer="Cảm ơn quý khách · 谢谢惠顾 · Thank you!",
                        display_currency="USD", display_rate=Decimal("0.1385"))
        receipt = render_receipt(sale, shop, SECRET, sale_time(), width, "Lan")
        for line in receipt.lines:
            limit = width // 2 if line.double else width
            if line.text.startswith("TOTAL"):
                assert text_width(line.text) == limit
            elif not line.double:
                assert text_width(line.text) <= limit, (width, line.text)
        for line in receipt.as_text().splitlines()[:-1]:
            assert text_width(line) <= width
        money_lines = [ln.text for ln in receipt.lines if ln.text.startswith("  3 x")]
        assert len(money_lines) == 3 and all(text_width(ln) == width for ln in money_lines)


def test_wrap_leaves_no_empty_trailing_line() -> None:
    assert wrap("abcd    ", 4) == ["abcd"]
    assert wrap("", 4) == [""]
