"""Closing the shift: counted cash against expected, every other method's total confirmed, then the Z report."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView

from terminal.errors import EdgeposError
from terminal.sales.money import Money
from terminal.sales.receipts import METHOD_NAMES
from terminal.sales.sale import PaymentMethod
from terminal.shift.model import ShiftReport
from ui.common import load_kv
from ui.errors_text import error_text
from ui.i18n import tr


class MethodConfirmRow(BoxLayout):
    """A non-cash method: its expected total and the cashier's tap that it matches the wallet's settlement."""

    method = StringProperty("")
    name_text = StringProperty("")
    expected_text = StringProperty("")
    confirmed = BooleanProperty(False)


class ClosePanel(ModalView):
    """Counted cash vs expected and the other methods confirmed; `on_close(counted_cash, counted_other)` closes."""

    cash_expected_text = StringProperty("")
    cash_counted_text = StringProperty("")
    difference_text = StringProperty("")
    difference_error = BooleanProperty(False)
    all_confirmed = BooleanProperty(True)
    has_others = BooleanProperty(False)

    def __init__(self, report: ShiftReport, counted_cash: Money,
                 on_close: Callable[[Money, dict[str, Money]], None], **kwargs: Any) -> None:
        load_kv(Path(__file__).with_name("close_panel.kv"))
        self.report, self.counted_cash, self.on_close = report, counted_cash, on_close
        super().__init__(**kwargs)
        cash = report.method(PaymentMethod.CASH)
        diff = counted_cash - cash.expected
        self.cash_expected_text = cash.expected.format()
        self.cash_counted_text = counted_cash.format()
        self.difference_text = ("+" if diff.minor > 0 else "") + diff.format()
        self.difference_error = not diff.is_zero
        self.rows: list[MethodConfirmRow] = []
        for line in report.methods:
            if line.method == PaymentMethod.CASH:
                continue
            row = MethodConfirmRow(method=line.method, name_text=tr._(METHOD_NAMES.get(line.method, line.method)),
                                   expected_text=line.expected.format())
            row.bind(confirmed=self._recheck)
            self.rows.append(row)
            self.ids.methods_box.add_widget(row)
        self.has_others = bool(self.rows)
        self._recheck()

    def _recheck(self, *_args: Any) -> None:
        self.all_confirmed = all(row.confirmed for row in self.rows)

    def close_shift(self) -> None:
        """Close with the counted cash; the other methods count as their confirmed expected totals."""
        if not self.all_confirmed:
            return
        expected = {line.method: line.expected for line in self.report.methods}
        counted = {row.method: expected[row.method] for row in self.rows}
        try:
            self.on_close(self.counted_cash, counted)
        except EdgeposError as err:
            self.ids.panel_status.text = error_text(err, tr._)
            return
        self.dismiss()
