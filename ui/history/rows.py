"""The rows of the sales history screen (their look is in rows.kv): a sale of the day, a detail line, a pending
wallet refund, a section title."""
from __future__ import annotations

from pathlib import Path

from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from ui.common import load_kv

__all__ = ["DetailLineRow", "HistoryRow", "PendingRow", "SectionTitle", "load_rows_kv"]


def load_rows_kv() -> None:
    """Load the rows' kv rules (once)."""
    load_kv(Path(__file__).with_name("rows.kv"))


class HistoryRow(ButtonBehavior, BoxLayout):
    """One sale of the day; a tap opens its detail on `screen`."""

    sale_id = StringProperty("")
    receipt = StringProperty("")
    time = StringProperty("")
    total = StringProperty("")
    method = StringProperty("")
    refunded = StringProperty("")
    row_state = StringProperty("")
    screen = ObjectProperty(None, allownone=True)

    def on_release(self) -> None:
        """Open this sale's detail."""
        if self.screen is not None:
            self.screen.open_sale(self.sale_id)


class DetailLineRow(BoxLayout):
    """A line of the sale's detail (or, with `header`, the column titles)."""

    no = StringProperty("")
    name = StringProperty("")
    qty = StringProperty("")
    refunded = StringProperty("")
    left = StringProperty("")
    amount = StringProperty("")
    header = BooleanProperty(False)


class PendingRow(BoxLayout):
    """A wallet refund still waiting for the acquirer's answer, with the button that asks again."""

    text = StringProperty("")
    refund_id = StringProperty("")
    screen = ObjectProperty(None, allownone=True)


class SectionTitle(Label):
    """A bold title between the parts of the detail (Lines, Payments, Refunds)."""
