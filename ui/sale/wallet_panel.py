"""The wallet payment panel: scan the customer's code (live preview) or show the sale's QR; work runs off the UI
thread.
"""
from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.core.image import Image as CoreImage
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.modalview import ModalView

from terminal.errors import EdgeposError
from terminal.payments.code_checkout import pay_by_code, pay_by_qr
from terminal.payments.code_payment import CodeAuthorizer
from terminal.payments.outcome import CodeOutcome
from terminal.payments.qr_payment import QrPayments
from terminal.sales.till import Completed, Till
from terminal.scanning.frame_feed import FrameFeed
from ui.common import load_kv
from ui.dispatch import run_in_background, ui_callback
from ui.errors_text import error_text
from ui.i18n import tr
from ui.sale.camera_preview import CameraPreview
from ui.sale.payment_result import PaymentResult
from ui.sale.refusals import payment_refusal_text

log = logging.getLogger(__name__)
__all__ = ["CameraPreview", "PaymentResult", "WalletPanel", "qr_texture"]


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
    cancelling = BooleanProperty(False)
    paid = BooleanProperty(False)
    has_camera = BooleanProperty(False)
    has_result = BooleanProperty(False)
    qr = ObjectProperty(None, allownone=True)
    outcome = ObjectProperty(None, allownone=True)

    def __init__(self, till: Till, authorizer: CodeAuthorizer, qr_payments: QrPayments,
                 on_finish: Callable[[Completed | None], None], camera_feed: FrameFeed | None = None,
                 **kwargs: Any) -> None:
        load_kv(Path(__file__).with_name("wallet_panel.kv"))
        self.till, self.authorizer, self.qr_payments, self.on_finish = till, authorizer, qr_payments, on_finish
        self.camera_feed = camera_feed
        self._cancel = threading.Event()
        super().__init__(**kwargs)
        sale = till.sale
        self.due_text = tr._("Due {amount}").format(amount=sale.due.format()) if sale is not None else ""
        self.message = tr._("Scan the customer's payment code, or show the QR for the customer to scan.")
        self.has_camera = camera_feed is not None
        self.ids.result_view.bind(on_action=lambda *_: self.result_action())
        if camera_feed is not None:
            self.ids.preview.start(camera_feed)
        self.bind(on_dismiss=lambda *_: self.ids.preview.stop())

    def deliver_code(self, code: str) -> None:
        """A payment code from the scanner or camera (main thread)."""
        if self.busy or self.paid:
            return
        self.ids.code_input.text = code
        self.charge()

    def charge(self) -> None:
        """Charge the code in the field, in a worker thread."""
        code = self.ids.code_input.text
        if self.busy or self.paid or not code.strip():
            return
        self.ids.code_input.text = ""
        cancel = self._cancel
        self._start(lambda progress: pay_by_code(self.till, self.authorizer, code, progress, cancel))

    def show_qr(self) -> None:
        """Create the order and show its QR; the sale completes when the wallet pays it."""
        if self.busy or self.paid:
            return
        cancel = self._cancel
        self._start(lambda progress: pay_by_qr(self.till, self.qr_payments, ui_callback(self._show_payload),
                                                progress, cancel))

    def _show_payload(self, payload: str) -> None:
        if self.busy:
            self.qr = qr_texture(payload)

    def _start(self, work: Callable[[Callable[[str], None]], tuple[CodeOutcome, Completed | None]]) -> None:
        self._cancel.clear()
        self.ids.result_view.clear()
        self.busy, self.cancelling, self.has_result, self.message_error = True, False, False, False
        progress = ui_callback(self._progress)
        run_in_background(lambda: work(progress), self._finished, self._failed, name="edgepos-wallet")

    def _progress(self, text: str) -> None:
        if self.busy:
            self.message = text

    def _failed(self, err: Exception) -> None:
        if not isinstance(err, EdgeposError):
            log.error("wallet payment failed: %r", err)   # the sale stays in tender; nothing was stored
        self.busy, self.cancelling, self.qr = False, False, None
        self.message, self.message_error = error_text(err, tr._), True

    def _finished(self, result: tuple[CodeOutcome, Completed | None]) -> None:
        outcome, done = result
        self.busy, self.cancelling, self.qr, self.outcome = False, False, None, outcome
        self.message = payment_refusal_text(outcome.refusal, outcome.message, tr._)
        self.message_error = done is None
        extra = ""
        if done is not None:
            self.paid = True
            self.ids.preview.stop()
            if done.print_error:
                extra = done.print_error
                self.message += f"  {done.print_error}"
        self.ids.result_view.show(outcome, extra)
        self.has_result = True
        if done is not None:
            self.on_finish(done)

    def result_action(self) -> None:
        """The result view's button: a new sale once paid; otherwise back to scanning for another try."""
        if self.paid:
            self.dismiss()
            return
        self.has_result, self.message_error = False, False
        self.ids.result_view.clear()
        self.message = tr._("Scan the code again, show the QR, or go back for another method.")

    def cancel(self) -> None:
        """While waiting: stop and reverse (code or QR); otherwise back to the cart, or close when paid."""
        if self.busy:
            if not self.cancelling:
                self.cancelling = True
                self.message = tr._("Cancelling: the payment is being reversed…")
                self._cancel.set()
            return
        if not self.paid:
            try:
                self.till.resume()
            except EdgeposError:
                pass  # the sale was not in tender: nothing to unlock
            self.on_finish(None)
        self.dismiss()
