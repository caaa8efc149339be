"""The cashier's sale screen: item grid, barcode entry, cart, discounts, totals, pay and void."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.factory import Factory
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button

from terminal.bootstrap import Terminal
from terminal.capture import route
from terminal.catalog import Item
from terminal.paycodes import classify
from terminal.till import Completed
from ui.common import PosScreen, load_common_kv, load_kv
from ui.sale.cash_panel import CashPanel
from ui.dispatch import ui_callback
from ui.sale.wallet_panel import WalletPanel

MAX_GRID_ITEMS = 60


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


class SaleScreen(PosScreen):
    """Ring up a sale; every change goes through the Till and the screen redraws from it."""

    header_text = StringProperty("")
    subtotal_text = StringProperty("")
    discount_text = StringProperty("")
    tax_text = StringProperty("")
    total_text = StringProperty("")
    display_text = StringProperty("")
    selected_line = NumericProperty(-1)

    def __init__(self, terminal: Terminal, **kwargs: Any) -> None:
        load_common_kv()
        load_kv(Path(__file__).with_name("screen.kv"))
        super().__init__(terminal, **kwargs)
        self.till = terminal.till
        self.cash_panel: CashPanel | None = None
        self.wallet_panel: WalletPanel | None = None
        if terminal.code_payments is not None:   # late refunds and offline declines reach the cashier here
            terminal.code_payments.on_attention = ui_callback(lambda text: self.say(text, error=True))
        self.show_items("")
        self.refresh()

    def on_pre_enter(self, *_args: Any) -> None:
        """Redraw from the till whenever the screen is shown."""
        self.refresh()

    def show_items(self, query: str) -> None:
        """Fill the item grid with the catalog items matching the search text."""
        items: list[Item] = self.terminal.catalog.search(query) if query.strip() else list(self.terminal.catalog)
        grid = self.ids.item_grid
        grid.clear_widgets()
        for item in items[:MAX_GRID_ITEMS]:
            grid.add_widget(ItemButton(sku=item.sku, text=f"{item.name}\n[b]{item.unit_price.format()}[/b]"))
        if not items:
            self.say(f"no item matches {query.strip()!r}", error=True)

    def refresh(self) -> None:
        """Redraw header, cart lines and totals from the sale in progress."""
        shift = self.terminal.shifts.current
        who = f"Cashier {shift.cashier}" if shift else "No shift open"
        self.header_text = f"{self.terminal.config.shop_name}  ·  {who}"
        sale = self.till.sale
        cart = self.ids.cart
        cart.clear_widgets()
        lines = sale.totals.lines if sale is not None else ()
        if self.selected_line >= len(lines):
            self.selected_line = len(lines) - 1
        for index, priced in enumerate(lines):
            line = priced.line
            detail = f"{line.quantity} × {line.item.unit_price.amount_str()}"
            if not line.discount.is_zero:
                detail += f"  disc. {(-line.discount).amount_str()}"
            if not line.item.tax_inclusive:
                detail += "  +tax"
            cart.add_widget(CartRow(index=index, name_text=line.item.name, detail_text=detail,
                                    qty_text=str(line.quantity), amount_text=priced.amount.amount_str(),
                                    selected=index == self.selected_line, screen=self))
        if not lines:
            cart.add_widget(Factory.PosLabel(text="Scan a barcode or tap an item to start a sale.",
                                             color=(0.6, 0.65, 0.7, 1), halign="center", height=dp(80)))
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
        sale = self.till.sale
        if sale is not None:
            self.selected_line = max(i for i, ln in enumerate(sale.lines) if ln.item.sku == sku)
            line = sale.lines[self.selected_line]
            self.say(f"Added {line.item.name}  ({line.quantity})")
        self.refresh()

    def on_barcode(self, text: str) -> None:
        """The barcode field's Enter: add the item with that code (a scanner sends the same)."""
        field = self.ids.barcode
        field.text = ""
        code = text.strip()
        if not code:
            return
        ok, sale = self.attempt(self.till.scan, code)
        if ok:
            self._added(self.terminal.catalog.lookup(code).sku)
        field.focus = True

    def tap_item(self, sku: str) -> None:
        """An item grid button: add one of it."""
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
            self.say("use the remove button (×) to take the line off", error=True)
            return
        if self.attempt(self.till.set_quantity, index, quantity)[0]:
            self.say(f"{sale.lines[index].item.name}: quantity {quantity}")
        self.refresh()

    def remove_line(self, index: int) -> None:
        """The × button of a cart line."""
        if self.attempt(self.till.remove_line, index)[0]:
            self.say(f"line {index + 1} removed")
        self.refresh()

    def select_line(self, index: int) -> None:
        """Tap on a line: it is the one a line discount applies to."""
        self.selected_line = index
        self.refresh()

    def apply_discount(self, scope: str) -> None:
        """Apply the typed discount to the selected line ('line') or to the whole sale ('cart')."""
        text = self.ids.discount.text.strip() or "0"
        if scope == "line" and self.selected_line < 0:
            self.say("tap a line in the cart first, then Line disc.", error=True)
            return
        ok, amount = self.attempt(self.till.money, text)
        if ok:
            if scope == "line":
                ok = self.attempt(self.till.discount_line, self.selected_line, amount)[0]
            else:
                ok = self.attempt(self.till.discount_cart, amount)[0]
        if ok:
            self.ids.discount.text = ""
            self.say(f"{scope} discount {amount.format()} applied")
        self.refresh()

    def void_sale(self) -> None:
        """Cancel the sale in progress."""
        if self.attempt(self.till.void)[0]:
            self.selected_line = -1
            self.say("sale voided")
        self.refresh()

    def reprint_last(self) -> None:
        """Print the last paid sale's receipt again (after a paper-out or a jam)."""
        ok, where = self.attempt(self.till.reprint_last)
        if ok:
            self.say(f"Receipt reprinted ({where}).")

    def pay_cash(self) -> None:
        """Lock the cart and open the cash payment panel."""
        if self.attempt(self.till.start_tender)[0]:
            self.cash_panel = CashPanel(self.till, self._payment_done)
            self.cash_panel.open()

    def pay_wallet(self) -> None:
        """Lock the cart and open the wallet panel (customer code or merchant QR)."""
        code_payments, qr_payments = self.terminal.code_payments, self.terminal.qr_payments
        if code_payments is None or qr_payments is None:
            self.say("Wallet payments are not set up on this terminal (no broker link).", error=True)
            return
        if self.attempt(self.till.start_tender)[0]:
            self.wallet_panel = WalletPanel(self.till, code_payments, qr_payments, self._payment_done)
            self.wallet_panel.open()

    def _payment_done(self, done: Completed | None) -> None:
        if done is None:
            self.say("back to the cart")
        elif done.payment.method != "cash":
            self.say(f"Paid {done.payment.amount.format()} by {done.payment.method} ({done.payment.status}). "
                     f"{done.print_error or 'Receipt printed.'}", error=done.print_error is not None)
        elif done.print_error:
            self.say(f"Paid {done.payment.amount.format()}, change {done.change.format()}. {done.print_error}",
                     error=True)
        else:
            self.say(f"Paid {done.payment.amount.format()}, change {done.change.format()}. Receipt printed.")
        self.selected_line = -1
        self.refresh()

    def deliver_scan(self, code: str) -> None:
        """A scanner's or camera's code (on the main thread): items to the cart, payment codes to the payment."""
        where = route(code, self.terminal.catalog, lambda text: classify(text).valid)
        panel = self.wallet_panel
        if where.kind == "payment":
            if panel is None or panel.parent is None or panel.paid:
                self.pay_wallet()
                panel = self.wallet_panel
            if panel is not None and panel.parent is not None:
                panel.deliver_code(where.text)
        elif where.kind == "member":
            self.say("A member card: membership lookup is not available on this terminal yet.", error=True)
        elif where.kind == "item":
            self.on_barcode(where.text)
        else:
            self.say(f"Scanned {where.text[:24]!r}: {where.reason}", error=True)

