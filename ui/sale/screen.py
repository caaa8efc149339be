"""The cashier's sale screen: item grid, barcode entry, cart, discounts, totals, pay and void."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from terminal.app.bootstrap import Terminal
from terminal.sales.catalog import Item
from ui.common import PosScreen, load_common_kv, load_kv
from ui.dispatch import ui_callback
from ui.errors_text import notice_text
from ui.i18n import N_, tr
from ui.sale.cart import CartRow, ItemButton, fill_cart, load_cart_kv
from ui.sale.cash_panel import CashPanel
from ui.sale.offline_banner import OfflineBanner
from ui.sale.payments import SalePayments
from ui.sale.people import SaleStaff
from ui.sale.wallet_panel import WalletPanel
from ui.staff.approval import run_approved

__all__ = ["CartRow", "ItemButton", "OfflineBanner", "SaleScreen"]
MAX_GRID_ITEMS = 60
DISCOUNTED = {"line": N_("line discount {amount} applied"), "cart": N_("cart discount {amount} applied")}


class SaleScreen(PosScreen, SalePayments, SaleStaff):
    """Ring up a sale; every change goes through the Till and the screen redraws from it."""

    header_text = StringProperty("")
    subtotal_text = StringProperty("")
    discount_text = StringProperty("")
    tax_text = StringProperty("")
    total_text = StringProperty("")
    display_text = StringProperty("")
    selected_line = NumericProperty(-1)
    has_staff = BooleanProperty(False)     # a staff list: someone signs in to sell, Switch cashier shows
    signed_in = BooleanProperty(False)
    member_attached = BooleanProperty(False)   # the Face-pay button pays from the member's balance instead

    def __init__(self, terminal: Terminal, **kwargs: Any) -> None:
        load_common_kv()
        load_cart_kv()
        load_kv(Path(__file__).with_name("screen.kv"))
        super().__init__(terminal, **kwargs)
        self.till = terminal.till
        self.cash_panel: CashPanel | None = None
        self.wallet_panel: WalletPanel | None = None
        if terminal.code_payments is not None:   # late refunds and offline declines reach the cashier here
            terminal.code_payments.on_attention = ui_callback(
                lambda text: self.say(notice_text(text, tr._), error=True))
        self.show_items("")
        self.ids.offline_banner.terminal = terminal
        self.refresh()
        tr.bind(lang=self._retranslate)

    def on_pre_enter(self, *_args: Any) -> None:
        """Redraw from the till whenever the screen is shown."""
        self.refresh()

    def on_enter(self, *_args: Any) -> None:
        """Keep the offline banner up to date while the screen is shown; ask who sells when nobody is signed in."""
        self.ids.offline_banner.start(self.terminal)
        self.ask_sign_in_if_needed()

    def on_leave(self, *_args: Any) -> None:
        """Stop refreshing the banner while another screen is shown."""
        self.ids.offline_banner.stop()

    def _retranslate(self, *_args: Any) -> None:
        self.refresh()

    def stop(self) -> None:
        """The app stops: no more banner refreshes or redraws on a language change."""
        self.ids.offline_banner.stop()
        tr.unbind(lang=self._retranslate)

    def show_items(self, query: str) -> None:
        """Fill the item grid with the catalog items matching the search text."""
        items: list[Item] = self.terminal.catalog.search(query) if query.strip() else list(self.terminal.catalog)
        grid = self.ids.item_grid
        grid.clear_widgets()
        for item in items[:MAX_GRID_ITEMS]:
            grid.add_widget(ItemButton(sku=item.sku, text=f"{item.name}\n[b]{item.unit_price.format()}[/b]"))
        if not items:
            self.say(tr._("no item matches {query}").format(query=repr(query.strip())), error=True)

    def refresh(self) -> None:
        """Redraw header, cart lines and totals from the sale in progress."""
        self.header_text = f"{self.terminal.config.shop_name}  ·  {self.cashier_text()}"
        sale = self.till.sale
        self.member_attached = sale is not None and sale.member_id is not None
        lines = sale.totals.lines if sale is not None else ()
        if self.selected_line >= len(lines):
            self.selected_line = len(lines) - 1
        fill_cart(self.ids.cart, sale, self.selected_line, self)
        self.ids.offline_banner.refresh()
        if sale is None or not lines:
            zero = self.terminal.till.money("0")
            self.subtotal_text = self.discount_text = self.tax_text = zero.amount_str()
            self.total_text, shown = zero.format(), self.till.display_price(zero)
        else:
            totals = sale.totals
            self.subtotal_text = totals.subtotal.amount_str()
            self.discount_text = (-totals.discount).amount_str()
            self.tax_text = totals.tax.amount_str()
            self.total_text, shown = totals.total.format(), self.till.display_price(totals.total)
        self.display_text = f"≈ {shown.format()}" if shown else ""

    def _added(self, sku: str) -> None:
        self.close_paid_panel()
        sale = self.till.sale
        if sale is not None:
            self.selected_line = max(i for i, ln in enumerate(sale.lines) if ln.item.sku == sku)
            line = sale.lines[self.selected_line]
            self.say(tr._("Added {name}  ({quantity})").format(name=line.item.name, quantity=line.quantity))
        self.refresh()

    def on_barcode(self, text: str) -> None:
        """The barcode field's Enter: add the item with that code (a scanner sends the same)."""
        field = self.ids.barcode
        field.text = ""
        code = text.strip()
        if not code or self.sign_in_first(lambda: self.on_barcode(code)) or self.apply_coupon(code):
            field.focus = True
            return
        ok, _sale = self.attempt(self.till.scan, code)
        if ok:
            self._added(self.terminal.catalog.lookup(code).sku)
        field.focus = True

    def apply_coupon(self, code: str) -> bool:
        """A typed or scanned coupon code goes on the sale; False when no coupon has that code."""
        coupons = self.terminal.coupons
        if coupons is None or not coupons.known(code):
            return False
        ok, coupon = self.attempt(self.till.apply_coupon, code)
        if ok:
            self.say(tr._("Coupon {code}: {description}").format(code=coupon.code, description=coupon.describe()))
            self.refresh()
        return True

    def tap_item(self, sku: str) -> None:
        """An item grid button: add one of it."""
        if self.sign_in_first(lambda: self.tap_item(sku)):
            return
        ok, _sale = self.attempt(self.till.add_item, sku)
        if ok:
            self._added(sku)

    def change_quantity(self, index: int, delta: int) -> None:
        """The -/+ buttons of a cart line; going below one asks to use remove."""
        sale = self.till.sale
        if sale is None or not 0 <= index < len(sale.lines):
            return
        quantity = sale.lines[index].quantity + delta
        if quantity < 1:
            self.say(tr._("use the remove button (×) to take the line off"), error=True)
            return
        def done(_result: None) -> None:
            self.say(tr._("{name}: quantity {quantity}").format(name=sale.lines[index].item.name, quantity=quantity))
            self.refresh()
        run_approved(self, lambda approver: self.till.set_quantity(index, quantity, approver), done)
        self.refresh()

    def remove_line(self, index: int) -> None:
        """The × button of a cart line."""
        def done(_result: None) -> None:
            self.say(tr._("line {n} removed").format(n=index + 1))
            self.refresh()
        run_approved(self, lambda approver: self.till.remove_line(index, approver), done)
        self.refresh()

    def select_line(self, index: int) -> None:
        """Tap on a line: it is the one a line discount applies to."""
        self.selected_line = index
        self.refresh()

    def apply_discount(self, scope: str) -> None:
        """Apply the typed discount to the selected line ('line') or to the whole sale ('cart')."""
        text = self.ids.discount.text.strip() or "0"
        if scope == "line" and self.selected_line < 0:
            self.say(tr._("tap a line in the cart first, then Line disc."), error=True)
            return
        ok, amount = self.attempt(self.till.money, text)
        if not ok:
            return
        index = self.selected_line

        def discount(approver: Any) -> None:
            if scope == "line":
                self.till.discount_line(index, amount, approver)
            else:
                self.till.discount_cart(amount, approver)

        def done(_result: None) -> None:
            self.ids.discount.text = ""
            self.say(tr._(DISCOUNTED["line" if scope == "line" else "cart"]).format(amount=amount.format()))
            self.refresh()
        run_approved(self, discount, done)
        self.refresh()

    def void_sale(self) -> None:
        """Cancel the sale in progress."""
        if self.attempt(self.till.void)[0]:
            self.selected_line = -1
            self.say(tr._("sale voided"))
        self.refresh()

    def reprint_last(self) -> None:
        """Print the last paid sale's receipt again (after a paper-out or a jam)."""
        ok, where = self.attempt(self.till.reprint_last)
        if ok:
            self.say(tr._("Receipt reprinted ({where}).").format(where=where))
