"""The sale screen's item grid buttons and cart rows, and filling the cart from the sale in progress."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.factory import Factory
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button

from terminal.sales.sale import Sale
from ui.common import load_kv
from ui.i18n import tr


class ItemButton(Button):
    """A catalog item in the grid: name and price; tap to add one."""

    sku = StringProperty("")


class CartRow(BoxLayout):
    """One cart line: name, quantity -/+, amount, remove; tap the name to select it for a discount."""

    index = NumericProperty(0)
    name_text = StringProperty("")
    detail_text = StringProperty("")
    qty_text = StringProperty("")
    amount_text = StringProperty("")
    selected = BooleanProperty(False)
    screen = ObjectProperty(None)


def load_cart_kv() -> None:
    """Load the rules of the grid buttons and cart rows."""
    load_kv(Path(__file__).with_name("cart.kv"))


def fill_cart(cart: Any, sale: Sale | None, selected: int, screen: Any) -> None:
    """Replace the cart's rows with the sale's lines (or the hint that starts a sale)."""
    cart.clear_widgets()
    lines = sale.totals.lines if sale is not None else ()
    for index, priced in enumerate(lines):
        line = priced.line
        detail = f"{line.quantity} × {line.item.unit_price.amount_str()}"
        if not line.discount.is_zero:
            detail += f"  {tr._('disc.')} {(-line.discount).amount_str()}"
        if not line.item.tax_inclusive:
            detail += f"  {tr._('+tax')}"
        cart.add_widget(CartRow(index=index, name_text=line.item.name, detail_text=detail,
                                qty_text=str(line.quantity), amount_text=priced.amount.amount_str(),
                                selected=index == selected, screen=screen))
    if not lines:
        cart.add_widget(Factory.PosLabel(text=tr._("Scan a barcode or tap an item to start a sale."),
                                         color=(0.6, 0.65, 0.7, 1), halign="center", height=dp(80)))
