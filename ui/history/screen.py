"""The cashier's sales history: a day's sales, earlier days, search by receipt number or scanned receipt QR,
a sale's detail with its payments and refunds, reprint, and the refund panel."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from terminal.app.bootstrap import Terminal
from terminal.sales.history import SaleDetail, SaleRowState, SalesHistory
from ui.common import PosScreen, load_common_kv, load_kv
from ui.history.detail import fill_detail
from ui.history.refund_panel import RefundPanel
from ui.history.refund_run import retry_refund
from ui.history.rows import HistoryRow, load_rows_kv
from ui.history.texts import day_text, neighbour_days, row_cells
from ui.i18n import tr
from ui.staff.approval import signed_in_then

__all__ = ["HistoryRow", "HistoryScreen"]


class HistoryScreen(PosScreen):
    """Two sections: the list of a day ('list') and one sale ('detail'); every text is drawn from the history."""

    section = StringProperty("list")
    day_text = StringProperty("")
    has_earlier = BooleanProperty(False)
    has_later = BooleanProperty(False)
    empty = BooleanProperty(False)
    detail_title = StringProperty("")
    can_refund = BooleanProperty(False)
    can_reprint = BooleanProperty(False)
    busy = BooleanProperty(False)        # a pending wallet refund is being asked again

    def __init__(self, terminal: Terminal, **kwargs: Any) -> None:
        load_common_kv()
        load_rows_kv()
        load_kv(Path(__file__).with_name("screen.kv"))
        super().__init__(terminal, **kwargs)
        self.day: date | None = None
        self.detail: SaleDetail | None = None
        self.refund_panel: RefundPanel | None = None
        self._earlier: date | None = None
        self._later: date | None = None

    @property
    def history(self) -> SalesHistory:
        """The till's sales history (a new light object each time, over the same database)."""
        return self.terminal.till.history

    def on_pre_enter(self, *_args: Any) -> None:
        """Shown from the sale screen: today's sales, the search field empty."""
        self.ids.search.text = ""
        self.say("")
        self.show_day(None)
        tr.bind(lang=self._retranslate)

    def on_leave(self, *_args: Any) -> None:
        """Hidden: no redraw on a language change until shown again."""
        tr.unbind(lang=self._retranslate)

    def _retranslate(self, *_args: Any) -> None:
        if self.section == "detail" and self.detail is not None:
            self.show_detail(self.detail)
        else:
            self.show_day(self.day)

    def show_day(self, day: date | None) -> None:
        """List the sales of a local day (today when None), newest first."""
        history = self.history
        today = history.today()
        self.day = day or today
        ok, rows = self.attempt(history.sales_of, self.day)
        rows = rows if ok else []
        box = self.ids.sale_list
        box.clear_widgets()
        for row in rows:
            cells = row_cells(row)
            box.add_widget(HistoryRow(sale_id=row.sale_id, receipt=cells["receipt"], time=cells["time"],
                                      total=cells["total"], method=cells["method"], refunded=cells["refunded"],
                                      row_state=cells["state"], screen=self))
        self.empty = not rows
        self.day_text = day_text(self.day, today, len(rows))
        self._earlier, self._later = neighbour_days(history.days(), self.day, today)
        self.has_earlier, self.has_later = self._earlier is not None, self._later is not None
        self.section = "list"

    def earlier_day(self) -> None:
        """The nearest earlier day with sales."""
        if self._earlier is not None:
            self.show_day(self._earlier)

    def later_day(self) -> None:
        """The nearest later day with sales (or today)."""
        if self._later is not None:
            self.show_day(self._later)

    def find(self, text: str) -> None:
        """A typed receipt number or a scanned receipt QR: open that sale."""
        if not text.strip():
            self.say(tr._("Type the receipt number (12 characters after Sale) or scan the receipt's QR."),
                     error=True)
            return
        ok, detail = self.attempt(self.history.find, text)
        if ok:
            self.ids.search.text = ""
            self.show_detail(detail)
            self.say(tr._("Sale {receipt} found.").format(receipt=detail.row.receipt_no))

    def deliver_scan(self, code: str) -> None:
        """A code from the scanner or the camera while this screen is shown: look the receipt up."""
        if self.refund_panel is not None:
            return    # a refund is being prepared: a stray scan must not change the sale under it
        self.find(code)

    def open_sale(self, sale_id: str) -> None:
        """A row of the list was tapped."""
        ok, detail = self.attempt(self.history.detail, sale_id)
        if ok:
            self.say("")
            self.show_detail(detail)

    def show_detail(self, detail: SaleDetail) -> None:
        """Show one sale: its lines, payments, refunds and pending wallet refunds."""
        self.detail = detail
        self.detail_title = fill_detail(self.ids.detail_box, detail, self)
        self.can_refund = detail.refundable.minor > 0
        self.can_reprint = detail.row.state != SaleRowState.VOIDED
        self.section = "detail"

    def reload_detail(self) -> None:
        """Draw the sale shown again from the database (after a refund)."""
        if self.detail is not None:
            ok, detail = self.attempt(self.history.detail, self.detail.row.sale_id)
            if ok:
                self.show_detail(detail)

    def back_to_list(self) -> None:
        """From the detail back to the day it was listed in (redrawn: a refund may have changed it)."""
        self.show_day(self.day)

    def reprint(self) -> None:
        """Print the shown sale's receipt again."""
        if self.detail is not None:
            ok, where = self.attempt(self.terminal.till.reprint, self.detail.row.sale_id)
            if ok:
                self.say(tr._("Receipt reprinted ({where}).").format(where=where))

    def refund(self) -> None:
        """Open the refund panel for the shown sale (someone signs in first when the shop has a staff list)."""
        if self.detail is None or self.refund_panel is not None:
            return
        row = self.detail.row
        signed_in_then(self.terminal.staff, lambda: self._open_refund(row.sale_id, row.receipt_no))

    def _open_refund(self, sale_id: str, receipt_no: str) -> None:
        ok, panel = self.attempt(RefundPanel, self.terminal, sale_id, receipt_no, self._refund_closed)
        if ok:
            self.refund_panel = panel
            panel.open()

    def _refund_closed(self, message: str) -> None:
        self.refund_panel = None
        self.reload_detail()
        if message:
            self.say(message)

    def retry_pending(self, refund_id: str) -> None:
        """Ask the wallet again for a refund that had no answer (same refund id: never refunded twice)."""
        if self.detail is not None:
            retry_refund(self, self.detail.row.sale_id, refund_id)
