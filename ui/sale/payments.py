"""The sale screen's payment side: open the cash or wallet panel, report the result, route scanned codes."""
from __future__ import annotations

from typing import Any

from terminal.scanning.capture import route
from terminal.payments.paycodes import classify
from terminal.technician.service import camera_configured
from terminal.sales.till import Completed
from ui.sale.cash_panel import CashPanel
from ui.sale.wallet_panel import WalletPanel


class SalePayments:
    """Mixed into SaleScreen (after PosScreen): uses its terminal, till, say(), attempt(), refresh(), on_barcode()."""

    terminal: Any
    till: Any
    cash_panel: CashPanel | None
    wallet_panel: WalletPanel | None
    selected_line: int
    manager: Any

    def pay_cash(self) -> None:
        """Lock the cart and open the cash payment panel."""
        if self.attempt(self.till.start_tender)[0]:
            self.cash_panel = CashPanel(self.till, self._payment_done)
            self.cash_panel.open()

    def pay_wallet(self) -> None:
        """Lock the cart and open the wallet panel (customer code or merchant QR)."""
        code_payments, qr_payments = self.terminal.code_payments, self.terminal.qr_payments
        if code_payments is None or qr_payments is None:
            self.say("Wallet payments are not set up on this terminal (no broker link).", error=True)
            return
        if self.attempt(self.till.start_tender)[0]:
            feed = self.terminal.camera_feed if camera_configured(self.terminal.config.devices) else None
            self.wallet_panel = WalletPanel(self.till, code_payments, qr_payments, self._payment_done, feed)
            self.wallet_panel.open()

    def pay_face(self) -> None:
        """Lock the cart and hand the customer the face-pay screen (needs the payment service's link)."""
        if self.terminal.code_payments is None:
            self.say("Face-pay needs the payment service (no broker link): please pay another way.", error=True)
            return
        if self.attempt(self.till.start_tender)[0]:
            self.manager.get_screen("facepay").begin(self._face_done)
            self.go("facepay")

    def _face_done(self, done: Completed | None, note: str) -> None:
        if done is not None:
            self._payment_done(done)
        else:
            self.say(note, error=True)
            self.refresh()

    def _payment_done(self, done: Completed | None) -> None:
        if done is None:
            self.say("back to the cart")
        elif done.payment.method != "cash":
            self.say(f"Paid {done.payment.amount.format()} by {done.payment.method} ({done.payment.status}). "
                     f"{done.print_error or 'Receipt printed.'}", error=done.print_error is not None)
        elif done.print_error:
            self.say(f"Paid {done.payment.amount.format()}, change {done.change.format()}. {done.print_error}",
                     error=True)
        else:
            self.say(f"Paid {done.payment.amount.format()}, change {done.change.format()}. Receipt printed.")
        self.selected_line = -1
        self.refresh()

    def deliver_scan(self, code: str) -> None:
        """A scanner's or camera's code (on the main thread): items to the cart, payment codes to the payment."""
        where = route(code, self.terminal.catalog, lambda text: classify(text).valid)
        panel = self.wallet_panel
        if where.kind == "payment":
            if panel is None or panel.parent is None or panel.paid:
                self.pay_wallet()
                panel = self.wallet_panel
            if panel is not None and panel.parent is not None:
                panel.deliver_code(where.text)
        elif where.kind == "member":
            ok, member = self.attempt(self.terminal.members.find_by_card, where.text)
            if ok and self.attempt(self.till.attach_member, member)[0]:
                self.say(f"Member {member.display_name} {member.masked_phone} attached ({member.points} points).")
                self.refresh()
        elif where.kind == "item":
            self.on_barcode(where.text)
        elif not self.apply_coupon(where.text):
            self.say(f"Scanned {where.text[:24]!r}: {where.reason}", error=True)
