"""Open a shift, move cash in or out, show the X report, close with the counted cash (Z report)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from terminal.bootstrap import Terminal
from terminal.shift import ShiftReport
from ui.common import PosScreen, load_common_kv, load_kv


class ShiftScreen(PosScreen):
    """The cashier's shift: what is open, the forms to act on it, and the last report."""

    shift_open = BooleanProperty(False)
    shift_text = StringProperty("")
    report_text = StringProperty("")

    def __init__(self, terminal: Terminal, **kwargs: Any) -> None:
        load_common_kv()
        load_kv(Path(__file__).with_name("screen.kv"))
        super().__init__(terminal, **kwargs)
        self.refresh()
        if not self.shift_open:
            self.say("No shift is open: enter your name and the float counted into the drawer.")

    def on_pre_enter(self, *_args: Any) -> None:
        """Redraw whenever the screen is shown."""
        self.refresh()

    def refresh(self) -> None:
        """Show whether a shift is open, and by whom."""
        shift = self.terminal.shifts.current
        self.shift_open = shift is not None
        if shift is None:
            self.shift_text = "No shift open"
        else:
            self.shift_text = f"Shift open · {shift.cashier} · since {shift.opened_at[:16].replace('T', ' ')} UTC"

    def show_report(self, report: ShiftReport) -> None:
        """Put a report's lines in the report panel."""
        self.report_text = "\n".join(report.as_lines())

    def open_shift(self) -> None:
        """Open a shift with the cashier's name and the counted float."""
        ids = self.ids
        ok, amount = self.attempt(self.terminal.till.money, ids.float_input.text.strip() or "0")
        if ok:
            ok, shift = self.attempt(self.terminal.shifts.open, ids.cashier_input.text, amount)
            if ok:
                ids.cashier_input.text = ids.float_input.text = ""
                self.say(f"Shift opened by {shift.cashier} with a float of {shift.opening_float.format()}.")
                self.report_text = ""
        self.refresh()

    def cash_move(self, direction: str) -> None:
        """Put cash in ('in') or take it out ('out') with the typed amount and reason."""
        ids = self.ids
        ok, amount = self.attempt(self.terminal.till.money, ids.move_amount.text.strip() or "0")
        if ok and self.attempt(self.terminal.shifts.cash_move, direction, amount, ids.move_reason.text)[0]:
            ids.move_amount.text = ids.move_reason.text = ""
            self.say(f"Cash {direction}: {amount.format()} recorded.")
            self.x_report(quiet=True)

    def x_report(self, quiet: bool = False) -> None:
        """Show the X report of the open shift."""
        ok, report = self.attempt(self.terminal.shifts.report)
        if ok:
            self.show_report(report)
            if not quiet:
                self.say("X report: the shift stays open.")

    def close_shift(self) -> None:
        """Close the shift with the counted cash and show the Z report."""
        text = self.ids.counted_input.text.strip()
        if not text:
            self.say("count the cash in the drawer and enter it before closing", error=True)
            return
        ok, counted = self.attempt(self.terminal.till.money, text)
        if ok:
            ok, report = self.attempt(self.terminal.till.close_shift, counted)
            if ok:
                self.ids.counted_input.text = ""
                self.show_report(report)
                diff = report.method("cash").difference
                self.say(f"Shift closed. Cash difference {diff.format() if diff else '0'}. Z report below.")
        self.refresh()

    def to_sale(self) -> None:
        """Back to the sale screen (only with an open shift)."""
        if self.attempt(self.terminal.shifts.require_open)[0]:
            self.go("sale")
