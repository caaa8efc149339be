"""Open a shift, move cash in or out, view and print the X report, close with counted cash (Z report printed)."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from terminal.app.bootstrap import Terminal
from terminal.sales.clock_text import stored_time_text
from terminal.sales.money import Money
from terminal.sales.sale import PaymentMethod
from terminal.shift.model import ShiftReport
from terminal.shift.receipt import print_shift_report
from ui.common import PosScreen, load_common_kv, load_kv
from ui.dispatch import run_in_background
from ui.errors_text import error_text
from ui.i18n import N_, tr
from ui.shift.close_panel import ClosePanel
from ui.staff.approval import run_approved, signed_in_then

MOVED = {"in": N_("Cash in: {amount} recorded ({reason})."), "out": N_("Cash out: {amount} recorded ({reason}).")}


def joined(*sentences: str) -> str:
    """Sentences for the status line, skipping empty ones."""
    return " ".join(s for s in sentences if s)


class ShiftScreen(PosScreen):
    """The cashier's shift: what is open, the forms to act on it, and the last report (viewed and printed)."""

    shift_open = BooleanProperty(False)
    shift_text = StringProperty("")
    report_text = StringProperty("")
    print_busy = BooleanProperty(False)

    def __init__(self, terminal: Terminal, **kwargs: Any) -> None:
        load_common_kv()
        load_kv(Path(__file__).with_name("screen.kv"))
        super().__init__(terminal, **kwargs)
        self.report: ShiftReport | None = None
        self.close_panel: ClosePanel | None = None
        self._closing_note = ""
        self.refresh()
        if not self.shift_open:
            self.say(tr._("No shift is open: enter your name and the float counted into the drawer."))

    def on_pre_enter(self, *_args: Any) -> None:
        """Redraw whenever the screen is shown; the signed-in person's name goes in the open form."""
        self.refresh()
        current = self.terminal.staff.current
        if current is not None and not self.shift_open and not self.ids.cashier_input.text.strip():
            self.ids.cashier_input.text = current.name

    def refresh(self) -> None:
        """Show whether a shift is open, and by whom."""
        shift = self.terminal.shifts.current
        self.shift_open = shift is not None
        if shift is None:
            self.shift_text = tr._("No shift open")
        else:
            self.shift_text = tr._("Shift open · {cashier} · since {since}").format(
                cashier=shift.cashier, since=stored_time_text(shift.opened_at, self.terminal.config.timezone))

    def show_report(self, report: ShiftReport) -> None:
        """Put a report's lines in the report panel (and keep it for printing)."""
        self.report = report
        self.report_text = "\n".join(report.as_lines(self.terminal.config.timezone))

    def open_shift(self) -> None:
        """Open a shift with the cashier's name and the counted float (who opens it signs in first, with staff)."""
        signed_in_then(self.terminal.staff, self._open_shift, self.refresh)

    def _open_shift(self) -> None:
        ids = self.ids
        current = self.terminal.staff.current
        if current is not None and not ids.cashier_input.text.strip():
            ids.cashier_input.text = current.name
        ok, amount = self.attempt(self.terminal.till.money, ids.float_input.text.strip() or "0")
        if ok:
            ok, shift = self.attempt(self.terminal.shifts.open, ids.cashier_input.text, amount)
            if ok:
                ids.cashier_input.text = ids.float_input.text = ""
                self.say(tr._("Shift opened by {cashier} with a float of {amount}.").format(
                    cashier=shift.cashier, amount=shift.opening_float.format()))
                self.report, self.report_text = None, ""
        self.refresh()

    def cash_move(self, direction: str) -> None:
        """Put cash in ('in') or take it out ('out') with the typed amount and reason; it records who."""
        signed_in_then(self.terminal.staff, lambda: self._cash_move(direction))

    def _cash_move(self, direction: str) -> None:
        ids, till = self.ids, self.terminal.till
        ok, amount = self.attempt(till.money, ids.move_amount.text.strip() or "0")
        reason = ids.move_reason.text.strip()
        if ok and self.attempt(self.terminal.shifts.cash_move, direction, amount, reason, till.staff_id())[0]:
            ids.move_amount.text = ids.move_reason.text = ""
            self.say(tr._(MOVED[direction]).format(amount=amount.format(), reason=reason))
            self.x_report(quiet=True)

    def no_sale(self) -> None:
        """Open the drawer without a sale: a manager's PIN, then the NO SALE slip is printed."""
        def opened(where: str) -> None:
            self.say(tr._("Drawer opened: NO SALE slip printed ({where}).").format(where=where))
        run_approved(self, self.terminal.till.open_drawer, opened)

    def x_report(self, quiet: bool = False) -> None:
        """Show the X report of the open shift."""
        ok, report = self.attempt(self.terminal.shifts.report)
        if ok:
            self.show_report(report)
            if not quiet:
                self.say(tr._("X report: the shift stays open."))

    def close_shift(self) -> None:
        """Check the counted cash, then open the close panel (cash vs expected, other methods to confirm)."""
        text = self.ids.counted_input.text.strip()
        if not text:
            self.say(tr._("count the cash in the drawer and enter it before closing"), error=True)
            return
        ok, counted = self.attempt(self.terminal.till.money, text)
        ok = ok and self.attempt(self.terminal.shifts.report)[0]
        if ok and self.terminal.till.sale is not None and self.terminal.till.sale.lines:
            self.say(tr._("finish or void the sale in progress before closing the shift"), error=True)
            return
        if ok:
            self.close_panel = ClosePanel(self.terminal.shifts.report(), counted, self._close)
            self.close_panel.open()

    def _close(self, counted: Money, counted_other: dict[str, Money]) -> None:
        """The close panel's confirmation: close (EdgeposError goes back to the panel), show and print the Z report."""
        report = self.terminal.till.close_shift(counted, counted_other)
        self.ids.counted_input.text = ""
        self.show_report(report)
        diff = report.method(PaymentMethod.CASH).difference
        self._closing_note = tr._("Shift closed. Cash difference {diff}.").format(diff=diff.format() if diff else "0")
        self.say(joined(self._closing_note, tr._("Printing the Z report…")))
        self.refresh()
        self.print_report()

    def print_report(self) -> None:
        """Print the report on show (X while open, Z after closing) in a worker thread."""
        report = self.report
        if report is None or self.print_busy:
            return
        self.print_busy = True
        term = self.terminal
        run_in_background(lambda: print_shift_report(term.printer, report, term.till.shop, datetime.now(UTC),
                                                     term.config.receipt_width),
                          self._printed, self._print_failed, name="edgepos-shift-print")

    def _printed(self, where: str) -> None:
        self.print_busy = False
        kind = self.report.kind if self.report is not None else "X"
        self.say(joined(self._closing_note, tr._("{kind} report printed ({where}).").format(kind=kind, where=where)))
        self._closing_note = ""

    def _print_failed(self, err: Exception) -> None:
        self.print_busy = False
        self.say(joined(self._closing_note, tr._("Report not printed: {error}. Tap Print report to try again.")
                        .format(error=error_text(err, tr._))), error=True)
        self._closing_note = ""

    def to_sale(self) -> None:
        """Back to the sale screen (only with an open shift)."""
        if self.attempt(self.terminal.shifts.require_open)[0]:
            self.go("sale")
