"""The sale screen, driven through its widgets: scan, tap, errors, quantities, discounts, void."""
from __future__ import annotations

import threading
from typing import Any

import pytest

pytestmark = pytest.mark.ui

WATER = "6900001250999"  # 矿泉水 Mineral water 550ml, 2.00
TEA = "8930001234505"  # 珍珠奶茶 Bubble milk tea, 18.00


def cart_rows(sale_screen: Any) -> list[Any]:
    """The cart's line rows, top to bottom."""
    from ui.sale.screen import CartRow

    return [w for w in reversed(sale_screen.ids.cart.children) if isinstance(w, CartRow)]


def test_scan_a_barcode_through_the_entry_field(selling: Any) -> None:
    sale = selling.screen("sale")
    assert selling.current == "sale"
    selling.enter(sale.ids.barcode, TEA)
    rows = cart_rows(sale)
    assert len(rows) == 1 and "珍珠奶茶" in rows[0].ids.name_label.text
    assert rows[0].ids.qty.text == "1" and rows[0].ids.amount.text == "18.00"
    assert sale.ids.total_label.text == "CNY 18.00"
    assert sale.ids.display_label.text == "≈ USD 2.49"
    assert sale.ids.barcode.text == ""  # ready for the next scan
    selling.enter(sale.ids.barcode, TEA)
    assert cart_rows(sale)[0].ids.qty.text == "2" and sale.ids.total_label.text == "CNY 36.00"


def test_tap_an_item_in_the_grid(selling: Any) -> None:
    sale = selling.screen("sale")
    buttons = [b for b in sale.ids.item_grid.children if b.sku == "BAK-002"]
    selling.tap(buttons[0])
    rows = cart_rows(sale)
    assert len(rows) == 1 and "菠萝包" in rows[0].ids.name_label.text
    assert sale.ids.total_label.text == "CNY 6.50"


def test_search_filters_the_grid(selling: Any) -> None:
    sale = selling.screen("sale")
    selling.type(sale.ids.search, "cà phê")
    assert sorted(b.sku for b in sale.ids.item_grid.children) == ["COF-001", "COF-003"]


@pytest.mark.parametrize("code, message", [
    ("4006381333931", "not in the catalog"),  # valid EAN-13, not sold here
    ("8930001234506", "bad check digit"),  # the tea's code with a wrong last digit
])
def test_unknown_or_bad_barcode_shows_a_clear_error_and_leaves_the_cart(selling: Any, code: str,
                                                                       message: str) -> None:
    sale = selling.screen("sale")
    selling.enter(sale.ids.barcode, WATER)
    selling.enter(sale.ids.barcode, code)
    assert sale.status_error and message in sale.ids.status.text
    assert sale.ids.status.color[0] > 0.9 and sale.ids.status.color[1] < 0.5  # red
    assert len(cart_rows(sale)) == 1 and sale.ids.total_label.text == "CNY 2.00"


def test_quantity_buttons_remove_and_discounts(selling: Any) -> None:
    sale = selling.screen("sale")
    selling.enter(sale.ids.barcode, TEA)
    selling.enter(sale.ids.barcode, WATER)
    tea = cart_rows(sale)[0]
    selling.tap(tea.ids.plus)
    assert cart_rows(sale)[0].ids.qty.text == "2" and sale.ids.total_label.text == "CNY 38.00"
    selling.tap(cart_rows(sale)[0].ids.minus)
    selling.tap(cart_rows(sale)[0].ids.minus)
    assert sale.status_error and cart_rows(sale)[0].ids.qty.text == "1"
    selling.tap(cart_rows(sale)[0].ids.name_button)  # select the tea line
    selling.type(sale.ids.discount, "3")
    selling.tap(sale.ids.line_discount)
    assert sale.ids.total_label.text == "CNY 17.00" and not sale.status_error
    selling.type(sale.ids.discount, "100")
    selling.tap(sale.ids.cart_discount)
    assert sale.status_error and "bigger than the sale" in sale.ids.status.text
    selling.type(sale.ids.discount, "1")
    selling.tap(sale.ids.cart_discount)
    assert sale.ids.total_label.text == "CNY 16.00"
    selling.tap(cart_rows(sale)[1].ids.remove_button)
    assert len(cart_rows(sale)) == 1 and sale.ids.total_label.text == "CNY 14.00"


def test_void_clears_the_cart(selling: Any) -> None:
    sale = selling.screen("sale")
    selling.enter(sale.ids.barcode, TEA)
    selling.tap(sale.ids.void_button)
    assert cart_rows(sale) == [] and sale.ids.total_label.text == "CNY 0.00"
    assert selling.app.terminal.till.sale is None and "voided" in sale.ids.status.text


def test_scanner_thread_is_marshalled_to_the_ui(selling: Any) -> None:
    worker = threading.Thread(target=selling.app.deliver_scan, args=(WATER,))
    worker.start()
    worker.join()
    selling.pump()
    assert selling.screen("sale").ids.total_label.text == "CNY 2.00"


def test_selling_without_a_shift_says_so(kiosk: Any) -> None:
    kiosk.app.root.current = "sale"
    kiosk.pump()
    sale = kiosk.screen("sale")
    kiosk.enter(sale.ids.barcode, WATER)
    assert sale.status_error and "no shift is open" in sale.ids.status.text


def test_a_coupon_typed_or_scanned_goes_on_the_sale(selling: Any) -> None:
    coupons = selling.app.terminal.coupons
    coupons.add("TET10", percent="10")
    coupons.add("OLD5", amount="5.00", expires="2020-01-31")
    sale = selling.screen("sale")
    selling.enter(sale.ids.barcode, TEA)
    selling.app.deliver_scan("OLD5")                               # scanned from an old leaflet
    selling.pump(3)
    assert "expired on 2020-01-31" in sale.ids.status.text and sale.ids.total_label.text == "CNY 18.00"
    selling.enter(sale.ids.barcode, "tet10")                     # typed, any case
    assert sale.ids.total_label.text == "CNY 16.20" and "Coupon TET10" in sale.ids.status.text
    selling.enter(sale.ids.barcode, "TET10")
    assert "one coupon per sale" in sale.ids.status.text and sale.ids.total_label.text == "CNY 16.20"
