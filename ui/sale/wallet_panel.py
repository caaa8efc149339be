"""The wallet payment panel: charge a scanned customer code, or show the sale's QR; work runs off the UI thread."""
from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any, Callable

from kivy.core.image import Image as CoreImage
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.modalview import ModalView

from terminal.code_checkout import pay_by_code, pay_by_qr
from terminal.code_payment import CodeAuthorizer, CodeOutcome
from terminal.errors import EdgeposError
from terminal.qr_payment import QrPayments
from terminal.till import Completed, Till
from ui.common import load_kv
from ui.dispatch import run_on_ui, ui_callback


def qr_texture(payload: str) -> Any:
    """A Kivy texture of the payload as a QR code (black on white, with its quiet zone)."""
    import qrcode

    image = qrcode.make(payload, box_size=8, border=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return CoreImage(buffer, ext="png").texture


class WalletPanel(ModalView):
    """Customer code or merchant QR for the sale in progress; `on_finish` gets the Completed sale or None."""

    due_text = StringProperty("")
    message = StringProperty("")
    message_error = BooleanProperty(False)
    busy = BooleanProperty(False)
    paid = BooleanProperty(False)
    qr = ObjectProperty(None, allownone=True)

    def __init__(self, till: Till, authorizer: CodeAuthorizer, qr_payments: QrPayments,
                 on_finish: Callable[[Completed | None], None], **kwargs: Any) -> None:
        load_kv(Path(__file__).with_name("wallet_panel.kv"))
        self.till, self.authorizer, self.qr_payments, self.on_finish = till, authorizer, qr_payments, on_finish
        self._cancel = threading.Event()
        super().__init__(**kwargs)
        sale = till.sale
        self.due_text = f"Due {sale.due.format()}" if sale is not None else ""
        self.message = "Scan the customer's payment code, or show the QR for the customer to scan."

    def deliver_code(self, code: str) -> None:
        """A payment code from the scanner or camera (main thread)."""
        self.ids.code_input.text = code
        self.charge()

    def charge(self) -> None:
        """Charge the code in the field, in a worker thread."""
        code = self.ids.code_input.text
        if self.busy or self.paid or not code.strip():
            return
        self.ids.code_input.text = ""
        self._start(lambda progress: pay_by_code(self.till, self.authorizer, code, progress))

    def show_qr(self) -> None:
        """Create the order and show its QR; the sale completes when the wallet pays it."""
        if self.busy or self.paid:
            return
        self._cancel.clear()
        self._start(lambda progress: pay_by_qr(self.till, self.qr_payments, ui_callback(self._show_payload),
                                                progress, self._cancel))

    def _show_payload(self, payload: str) -> None:
        self.qr = qr_texture(payload)

    def _start(self, work: Callable[[Callable[[str], None]], tuple[CodeOutcome, Completed | None]]) -> None:
        self.busy, self.message_error = True, False
        progress = ui_callback(self._progress)

        def run() -> None:
            try:
                outcome, done = work(progress)
            except EdgeposError as err:
                run_on_ui(self._failed, str(err))
                return
            run_on_ui(self._finished, outcome, done)

        threading.Thread(target=run, name="edgepos-wallet", daemon=True).start()

    def _progress(self, text: str) -> None:
        self.message = text

    def _failed(self, text: str) -> None:
        self.busy, self.message, self.message_error = False, text, True

    def _finished(self, outcome: CodeOutcome, done: Completed | None) -> None:
        self.busy, self.qr = False, None
        self.message, self.message_error = outcome.message, done is None
        if done is not None:
            self.paid = True
            if done.print_error:
                self.message += f"  {done.print_error}"
            self.on_finish(done)

    def cancel(self) -> None:
        """Close when idle; while a QR is up, cancel it (the order is reversed); a code charge runs to its end."""
        if self.busy:
            self._cancel.set()
            return
        if not self.paid:
            try:
                self.till.resume()
            except EdgeposError:
                pass  # the sale was not in tender: nothing to unlock
            self.on_finish(None)
        self.dismiss()
