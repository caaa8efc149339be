"""The refund panel: units per line (never above what is left), the amount given back, a reason, a manager's PIN,
then the result (cash from the drawer, the wallet, points taken back) or why nothing was refunded."""
from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView
from kivy.uix.togglebutton import ToggleButton

from terminal.app.bootstrap import Terminal
from terminal.errors import EdgeposError, RefundPending
from terminal.sales.money import Money
from terminal.sales.refund_plan import LineState
from terminal.staff.model import StaffMember
from terminal.store.refunds import Refund
from ui.common import load_common_kv, load_kv
from ui.errors_text import error_text
from ui.history.refund_run import ask_manager, run_refund
from ui.history.rows import load_rows_kv
from ui.history.texts import REASONS, refund_result_text
from ui.i18n import tr

log = logging.getLogger(__name__)
__all__ = ["ReasonToggle", "RefundLineRow", "RefundPanel"]


class RefundLineRow(BoxLayout):
    """One sale line in the refund panel: what is left to refund and a -/+ stepper for the units to give back."""

    line_no = NumericProperty(0)
    name = StringProperty("")
    left_text = StringProperty("")
    qty = NumericProperty(0)
    most = NumericProperty(0)
    value_text = StringProperty("")
    panel = ObjectProperty(None, allownone=True)


class ReasonToggle(ToggleButton):
    """One of the preset reasons (`reason` in English, shown translated)."""

    reason = StringProperty("")
    panel = ObjectProperty(None, allownone=True)


class RefundPanel(ModalView):
    """Refund some or all of a paid sale; `on_closed(message)` runs when it closes (the result, or '')."""

    title_text = StringProperty("")
    total_text = StringProperty("")
    message = StringProperty("")
    message_error = BooleanProperty(False)
    busy = BooleanProperty(False)
    finished = BooleanProperty(False)
    chosen_any = BooleanProperty(False)
    pending_id = StringProperty("")     # a wallet refund sent but not answered: asking again reuses this id
    reason = StringProperty("")

    def __init__(self, terminal: Terminal, sale_id: str, receipt_no: str, on_closed: Callable[[str], None],
                 **kwargs: Any) -> None:
        load_common_kv()
        load_rows_kv()
        load_kv(Path(__file__).with_name("refund_panel.kv"))
        self.terminal, self.sale_id, self.receipt_no, self.on_closed = terminal, sale_id, receipt_no, on_closed
        self.states: list[LineState] = []
        self.qty: dict[int, int] = {}
        self.manager: StaffMember | None = None
        self.result_text = ""
        super().__init__(**kwargs)
        for reason in REASONS:
            self.ids.reason_box.add_widget(ReasonToggle(text=tr._(reason), reason=reason, panel=self))
        self.load_lines()
        self.message = tr._("Choose the units to give back (+ and -), or Everything; then a manager's PIN.")

    def load_lines(self) -> None:
        """Read what is left to refund of each line (again after a refusal: another refund may have taken some)."""
        refunds = self.terminal.till.refunds
        self.states = refunds.lines(refunds.load(self.sale_id))
        self.qty = {s.line_no: min(self.qty.get(s.line_no, 0), s.refundable) for s in self.states}
        self.title_text = tr._("Refund sale {receipt}").format(receipt=self.receipt_no)
        box = self.ids.line_box
        box.clear_widgets()
        for s in self.states:
            box.add_widget(RefundLineRow(line_no=s.line_no, name=f"{s.line_no}. {s.name}", most=s.refundable,
                                         panel=self))
        self._update()

    def _update(self) -> None:
        total = Money.zero(self.states[0].amount.currency if self.states else self.terminal.config.currency)
        for row in self.ids.line_box.children:
            state = next(s for s in self.states if s.line_no == row.line_no)
            units = self.qty.get(state.line_no, 0)
            value = state.value(units) if units else Money.zero(total.currency)
            total = total + value
            row.qty, row.most = units, state.refundable
            row.left_text = tr._("{left} of {bought} left").format(left=state.refundable, bought=state.quantity)
            row.value_text = value.format() if units else ""
        self.chosen_any = any(self.qty.values())
        self.total_text = tr._("Give back {amount}").format(amount=total.format())

    def step(self, line_no: int, delta: int) -> None:
        """A − or + of a line: one unit less or more, between none and what is left."""
        if self.busy or self.finished or self.pending_id:
            return
        state = next(s for s in self.states if s.line_no == line_no)
        self.qty[line_no] = max(0, min(self.qty.get(line_no, 0) + delta, state.refundable))
        self._update()

    def everything(self) -> None:
        """Every unit still refundable."""
        if not (self.busy or self.finished or self.pending_id):
            self.qty = {s.line_no: s.refundable for s in self.states}
            self._update()

    def choose_reason(self, reason: str, down: bool) -> None:
        """A reason button was toggled (stored in English; no reason stores 'customer refund')."""
        self.reason = reason if down else ""

    def chosen(self) -> dict[int, int]:
        """{line number: units} of the lines chosen."""
        return {n: q for n, q in sorted(self.qty.items()) if q > 0}

    def submit(self) -> None:
        """Refund: ask a manager's PIN, then refund in a worker; after no answer, ask the wallet again (same id)."""
        if self.busy or self.finished:
            return
        if self.pending_id and self.manager is not None:
            self._run(None, self.pending_id)
            return
        if not self.chosen():
            self.message, self.message_error = tr._("Choose at least one unit to refund (+), or Everything."), True
            return
        ask_manager(self.terminal.staff, self._approved, self._not_approved)

    def _approved(self, manager: StaffMember) -> None:
        self.manager = manager
        self._run(self.chosen(), None)

    def _not_approved(self) -> None:
        self.message, self.message_error = tr._("Not approved: nothing was refunded."), True

    def _run(self, lines: dict[int, int] | None, refund_id: str | None) -> None:
        assert self.manager is not None
        self.busy, self.message_error = True, False
        self.message = tr._("Refunding… a wallet refund waits for the wallet's answer.")
        run_refund(self.terminal.till, self.sale_id, lines, self.reason, self.manager, refund_id, self._done,
                   self._failed)

    def _done(self, refund: Refund) -> None:
        self.busy, self.finished, self.pending_id = False, True, ""
        self.result_text = refund_result_text(refund)
        self.message, self.message_error = self.result_text, False
        self.qty = {}
        try:
            self.load_lines()          # what is left now
        except EdgeposError:
            pass   # the refund is done and said; only the redraw of what is left failed
        self.total_text = tr._("Given back {amount}").format(amount=refund.amount.format())

    def _failed(self, err: Exception) -> None:
        self.busy = False
        if not isinstance(err, EdgeposError):
            log.error("refund of %s failed: %r", self.sale_id[:12], err)
        self.pending_id = err.refund_id if isinstance(err, RefundPending) else ""
        self.message, self.message_error = error_text(err, tr._), True
        if not self.pending_id:
            try:
                self.load_lines()
            except EdgeposError:
                pass   # the error shown says what is wrong; the lines stay as they were

    def close(self) -> None:
        """Back to the sale's detail (not while a refund is being asked)."""
        if self.busy:
            return
        self.dismiss()
        self.on_closed(self.result_text)
