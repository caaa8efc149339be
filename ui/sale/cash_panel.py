"""The cash payment panel: keypad and quick-cash buttons; once paid, the change due in large type."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.factory import Factory
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.modalview import ModalView

from terminal.errors import EdgeposError
from terminal.sales.money import Money
from terminal.sales.till import Completed, Till
from ui.common import load_kv
from ui.errors_text import error_text
from ui.i18n import tr

NOTES = ("10", "20", "50", "100")  # banknotes, in major units of the home currency
MAX_ENTRY = 12


def quick_cash_amounts(due: Money, limit: int = 4) -> list[Money]:
    """The exact amount due, then the next round banknote amounts above it."""
    amounts = [due]
    for note in NOTES:
        unit = Money.parse(note, due.currency)
        rounded = Money(-(-due.minor // unit.minor) * unit.minor, due.currency)
        if rounded not in amounts:
            amounts.append(rounded)
    return sorted(amounts, key=lambda m: m.minor)[:limit]


class CashPanel(ModalView):
    """Takes cash for the sale in progress; `on_finish` gets the Completed sale, or None if cancelled."""

    due_text = StringProperty("")
    entry = StringProperty("")
    message = StringProperty("")
    message_error = BooleanProperty(False)
    paid = BooleanProperty(False)
    change_text = StringProperty("")      # after payment: the change due, in large type
    tendered_text = StringProperty("")    # under it: cash received and the total

    def __init__(self, till: Till, on_finish: Callable[[Completed | None], None], **kwargs: Any) -> None:
        load_kv(Path(__file__).with_name("cash_panel.kv"))
        self.till, self.on_finish = till, on_finish
        super().__init__(**kwargs)
        sale = till.sale
        due = sale.due if sale is not None else Money.zero(till.currency)
        shown = till.display_price(due)
        self.due_text = tr._("Due {amount}").format(amount=due.format()) + (f"  (≈ {shown.format()})" if shown else "")
        self.message = tr._("Key in the cash received, or tap a quick amount.")
        for amount in quick_cash_amounts(due):
            button = Factory.PosButton(text=amount.amount_str())
            button.bind(on_release=lambda _b, a=amount: self.set_amount(a))
            self.ids.quick_box.add_widget(button)

    def press_key(self, key: str) -> None:
        """One keypad key: a digit, '00', '.', 'Del' or 'C'."""
        if self.paid:
            return
        if key == "C":
            self.entry = ""
        elif key == "Del":
            self.entry = self.entry[:-1]
        elif key == "." and "." in self.entry:
            return
        elif len(self.entry) + len(key) <= MAX_ENTRY:
            self.entry = ("0" if key == "." and not self.entry else "") + self.entry + key

    def set_amount(self, amount: Money) -> None:
        """Fill the tendered amount from a quick-cash button."""
        if not self.paid:
            self.entry = amount.amount_str()

    def confirm(self) -> None:
        """Take the cash: the sale is stored, the receipt printed, the change shown."""
        if self.paid:
            self.dismiss()
            return
        try:
            done = self.till.pay_cash(self.till.money(self.entry or "0"))
        except EdgeposError as err:
            self.message, self.message_error = error_text(err, tr._), True
            return
        self.paid = True
        self.change_text = done.change.format()
        self.tendered_text = tr._("Cash {tendered}  ·  Total {total}").format(
            tendered=done.payment.tendered.format(), total=done.payment.amount.format())
        self.message = tr._("Receipt printed.") if done.print_error is None else done.print_error
        self.message_error = done.print_error is not None
        self.on_finish(done)

    def cancel(self) -> None:
        """Back to the cart without taking money."""
        if not self.paid:
            try:
                self.till.resume()
            except EdgeposError:
                pass  # the sale was not tendering: nothing to unlock
            self.on_finish(None)
        self.dismiss()
