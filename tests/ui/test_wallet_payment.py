"""Wallet payments in the kiosk: a scanned code charged off the UI thread, and the merchant QR shown and paid."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from support.fakes import FakeAcquirer
from terminal.payments.acquirer import AcquirerReply
from terminal.payments.code_payment import CodeAuthorizer, PaymentTimings
from terminal.payments.qr_payment import QrMerchant, QrPayments
from terminal.ports import SystemClock
from terminal.store.attempts import AttemptStore

pytestmark = pytest.mark.ui
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
TEA = "8930001234505"  # 18.00


class ScriptedAcquirer(FakeAcquirer):
    """Pay answers `pay`; a QR order is 'paid' by the customer shortly after it is made."""

    def __init__(self, pay: AcquirerReply | None, qr_paid: threading.Event | None = None) -> None:
        super().__init__({"pay": pay})
        self.qr_paid = qr_paid       # when given, the customer pays the QR only once it is set

    def reply(self, method: str, body: dict[str, Any]) -> AcquirerReply | None:
        if method == "precreate":
            paid = AcquirerReply("success", trade_no="T1", out_trade_no=body["out_trade_no"])
            if self.qr_paid is None:
                threading.Timer(1.5, self.notify, [paid]).start()
            else:
                gate = self.qr_paid
                threading.Thread(target=lambda: gate.wait(30) and self.notify(paid), daemon=True).start()
            return AcquirerReply("created")
        return super().reply(method, body)


def wallet(kiosk: Any, pay: AcquirerReply | None, qr_paid: threading.Event | None = None) -> Any:
    term = kiosk.app.terminal
    acquirer = ScriptedAcquirer(pay, qr_paid)
    auth = CodeAuthorizer(acquirer, AttemptStore(term.db), SystemClock(), term.config.terminal_id,
                          PaymentTimings(0.5, 0.1, 0.5))
    term.code_payments = auth
    term.qr_payments = QrPayments(auth, QrMerchant("Hoa Sen 莲花", "Shanghai", "CN", "M-1"), window_s=5)
    sale = kiosk.screen("sale")
    kiosk.enter(sale.ids.barcode, TEA)
    kiosk.tap(sale.ids.pay_wallet_button)
    panel = sale.wallet_panel
    assert panel is not None and panel.parent is not None and "CNY 18.00" in panel.ids.due_label.text
    return panel


def until(kiosk: Any, check: Callable[[], Any], seconds: float = 10) -> None:
    """Pump frames until check() is true (Kiosk.until, with this module's wait)."""
    kiosk.until(check, seconds, "the panel did not get there in time")


def test_a_scanned_code_is_charged_without_freezing_the_screen(selling: Any) -> None:
    panel = wallet(selling, AcquirerReply("success", trade_no="T9"))
    selling.app.deliver_scan("134567890123456789")        # the scanner, from its own thread
    selling.pump(4)
    until(selling, lambda: panel.paid)
    assert "approved" in panel.ids.message_label.text.lower()
    assert selling.app.terminal.till.sale is None
    assert "by code" in selling.screen("sale").ids.status.text


def test_a_decline_shows_the_reason_and_keeps_the_sale(selling: Any) -> None:
    panel = wallet(selling, AcquirerReply("declined", reason="insufficient_funds"))
    selling.enter(panel.ids.code_input, "284567890123456789")
    until(selling, lambda: not panel.busy and panel.message_error)
    assert "insufficient_funds" in panel.ids.message_label.text and not panel.paid
    selling.tap(panel.ids.cancel_button)
    assert selling.app.terminal.till.sale is not None


def test_the_qr_is_shown_and_the_wallet_pays_it(selling: Any) -> None:
    from ui.launcher import save_screenshot

    panel = wallet(selling, None)
    selling.tap(panel.ids.qr_button)
    until(selling, lambda: panel.qr is not None)
    selling.pump(4)
    assert panel.ids.cancel_button.text == "Cancel" and not panel.paid   # no button completes it
    shot = save_screenshot(SCREENSHOTS / "wallet-qr-1280x800.png")
    from PIL import Image
    from pyzbar.pyzbar import ZBarSymbol
    from pyzbar.pyzbar import decode as zbar

    from terminal.payments.emv_decode import decode as emv_decode
    found = zbar(Image.open(shot), symbols=[ZBarSymbol.QRCODE])
    assert len(found) == 1, "the QR on screen does not scan"
    fields = emv_decode(found[0].data.decode("utf-8"))
    assert fields["54"] == "18.00" and fields["53"] == "156"
    until(selling, lambda: panel.paid)
    assert selling.app.terminal.till.sale is None and "approved" in panel.ids.message_label.text.lower()


def test_a_payment_code_scanned_at_the_cart_opens_the_payment(selling: Any) -> None:
    panel = wallet(selling, AcquirerReply("success", trade_no="T7"))
    selling.tap(panel.ids.cancel_button)                       # back to the cart with the tea in it
    sale = selling.screen("sale")
    selling.app.deliver_scan("621234567890123456789"[:19])     # UnionPay, from the scanner thread
    selling.pump(6)
    until(selling, lambda: sale.wallet_panel is not None and sale.wallet_panel.paid)
    selling.app.deliver_scan("EPM-12345678")
    selling.pump(6)
    assert "member" in sale.ids.status.text.lower()
    selling.app.deliver_scan("1234567890128")                  # a valid EAN-13 not in the catalog
    selling.pump(6)
    assert sale.status_error and "catalog" in sale.ids.status.text


def pending_acquirer() -> FakeAcquirer:
    """Pay and query stay pending (the customer never confirms); a reversal is confirmed."""
    return FakeAcquirer({"reverse": AcquirerReply("reversed")}, default=AcquirerReply("pending"))


def test_cancel_while_waiting_reverses_and_shows_the_cancelled_view(selling: Any) -> None:
    panel = wallet(selling, None)
    term = selling.app.terminal
    acquirer = pending_acquirer()
    panel.authorizer = CodeAuthorizer(acquirer, AttemptStore(term.db), SystemClock(), term.config.terminal_id,
                                      PaymentTimings(0.5, 0.3, 60))      # would wait a minute on its own
    selling.enter(panel.ids.code_input, "134567890123456789")
    until(selling, lambda: "pay" in acquirer.calls and panel.busy)
    assert panel.ids.cancel_button.text == "Cancel" and panel.ids.progress_label.text == "Waiting for the wallet…"
    started = time.monotonic()
    selling.tap(panel.ids.cancel_button)
    assert panel.cancelling or panel.has_result          # the reversal may already be done after a few frames
    until(selling, lambda: panel.has_result, seconds=5)
    assert time.monotonic() - started < 3
    result = panel.ids.result_view
    assert result.status == "reversed" and result.ids.result_headline.text == "Payment cancelled"
    assert acquirer.calls[-1] == "reverse" and not panel.paid and term.till.sale is not None
    assert "Cancelled by the cashier" in panel.ids.message_label.text
    selling.tap(result.ids.result_action)                 # "Try again": back to scanning, the sale still due
    assert not panel.has_result and not panel.ids.code_input.disabled


def test_every_result_view_is_distinct_and_translated() -> None:
    from terminal.payments.outcome import CodeOutcome
    from ui.i18n import TEXTS
    from ui.sale.payment_result import VIEWS

    statuses = {"approved", "offline", "declined", "reversed", "reverse_unconfirmed", "refused"}
    assert set(VIEWS) == statuses and CodeOutcome("offline", "").paid and not CodeOutcome("reversed", "").paid
    assert len({v.colour for v in VIEWS.values()}) == len(VIEWS) and len({v.headline for v in VIEWS.values()}) == 6
    assert [s for s, v in VIEWS.items() if v.done] == ["approved", "offline"]
    for view in VIEWS.values():
        for msgid in filter(None, (view.headline, view.advice, view.action)):
            assert set(TEXTS.get(msgid, {})) == {"zh", "vi"}, msgid
