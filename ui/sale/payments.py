"""The sale screen's payment side: open the cash or wallet panel, report the result, route scanned codes."""
from __future__ import annotations

from typing import Any

from terminal.app.technician import camera_configured
from terminal.members.balance_pay import pay_by_balance
from terminal.payments.paycodes import classify
from terminal.sales.sale import PaymentMethod, PaymentStatus
from terminal.sales.till import Completed
from terminal.scanning.capture import route
from terminal.staff.model import Approval
from ui.i18n import N_, tr
from ui.sale.cash_panel import CashPanel
from ui.sale.wallet_panel import WalletPanel
from ui.staff.approval import blocking_approval

METHOD_NAMES: dict[str, str] = {
    PaymentMethod.CASH: N_("cash"), PaymentMethod.CODE: N_("code"), PaymentMethod.QR: N_("qr"),
    PaymentMethod.FACE: N_("face"), PaymentMethod.MEMBER_BALANCE: N_("member_balance"),
}
STATUS_NAMES: dict[str, str] = {PaymentStatus.APPROVED: N_("approved"), PaymentStatus.OFFLINE: N_("offline")}


def named(names: dict[str, str], code: str) -> str:
    """A method or status code in the cashier's language (the code itself when it has no name)."""
    return tr._(names[code]) if code in names else code


def paid_text(done: Completed) -> str:
    """The status line after a payment: amount, method and status (or change), then the receipt's fate."""
    payment = done.payment
    if payment.method != PaymentMethod.CASH:
        paid = tr._("Paid {amount} by {method} ({status}).").format(
            amount=payment.amount.format(), method=named(METHOD_NAMES, payment.method),
            status=named(STATUS_NAMES, payment.status))
    else:
        paid = tr._("Paid {amount}, change {change}.").format(amount=payment.amount.format(),
                                                               change=done.change.format())
    return f"{paid} {done.print_error or tr._('Receipt printed.')}"


class SalePayments:
    """Mixed into SaleScreen (after PosScreen): uses its terminal, till, say(), attempt(), refresh(), on_barcode()."""

    terminal: Any
    till: Any
    cash_panel: CashPanel | None
    wallet_panel: WalletPanel | None
    selected_line: int
    manager: Any
    sign_in_first: Any

    def close_paid_panel(self) -> None:
        """The next sale starts: the paid cash panel (the change in large type) gives way to the cart."""
        panel = self.cash_panel
        if panel is not None and panel.paid and panel.parent is not None:
            panel.dismiss()

    def pay_cash(self) -> None:
        """Lock the cart and open the cash payment panel."""
        if self.sign_in_first(self.pay_cash):
            return
        if self.attempt(self.till.start_tender)[0]:
            self.cash_panel = CashPanel(self.till, self._payment_done)
            self.cash_panel.open()

    def pay_wallet(self) -> None:
        """Lock the cart and open the wallet panel (customer code or merchant QR)."""
        code_payments, qr_payments = self.terminal.code_payments, self.terminal.qr_payments
        if code_payments is None or qr_payments is None:
            self.say(tr._("Wallet payments are not set up on this terminal (no broker link)."), error=True)
            return
        if self.sign_in_first(self.pay_wallet):
            return
        if self.attempt(self.till.start_tender)[0]:
            # offline over the caps: the payment's worker asks a manager here and waits for the PIN pad
            code_payments.approve_offline = blocking_approval(self.terminal.staff, Approval.OFFLINE_OVER_LIMIT)
            feed = self.terminal.camera_feed if camera_configured(self.terminal.config.devices) else None
            self.wallet_panel = WalletPanel(self.till, code_payments, qr_payments, self._payment_done, feed)
            self.wallet_panel.open()

    def pay_face(self) -> None:
        """Lock the cart and hand the customer the face-pay screen (needs the payment service's link)."""
        if self.terminal.code_payments is None:
            self.say(tr._("Face-pay needs the payment service (no broker link): please pay another way."), error=True)
            return
        if self.sign_in_first(self.pay_face):
            return
        if self.attempt(self.till.start_tender)[0]:
            self.manager.get_screen("facepay").begin(self._face_done)
            self.go("facepay")

    def pay_balance(self) -> None:
        """Pay the sale from the attached member's prepaid balance (offline: within the daily offline cap)."""
        if self.sign_in_first(self.pay_balance):
            return
        code_payments = self.terminal.code_payments
        online = code_payments is not None and code_payments.acquirer.reachable()
        cap = self.terminal.config.members.balance_offline_cap
        ok, done = self.attempt(lambda: pay_by_balance(self.till, online=online, offline_cap=cap))
        if ok:
            self._payment_done(done)
            spent = self.terminal.members.balance.spent_by(done.sale.id)
            if spent is not None:
                left = tr._("Balance left: {balance}").format(balance=spent.balance.format())
                said = f"{paid_text(done)} {left}"
                self.say(said, error=done.print_error is not None)
        else:
            self.refresh()

    def _face_done(self, done: Completed | None, note: str) -> None:
        if done is not None:
            self._payment_done(done)
        else:
            self.say(note, error=True)
            self.refresh()

    def _payment_done(self, done: Completed | None) -> None:
        if done is None:
            self.say(tr._("back to the cart"))
        else:
            self.say(paid_text(done), error=done.print_error is not None)
        self.selected_line = -1
        self.refresh()

    def _is_receipt(self, text: str) -> bool:
        base = self.terminal.config.receipt_base_url.rstrip("/")
        return text.strip().startswith(f"{base}/r/")

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
            if self.sign_in_first(lambda: self.deliver_scan(code)):
                return
            ok, member = self.attempt(self.terminal.members.find_by_card, where.text)
            if ok and self.attempt(self.till.attach_member, member)[0]:
                self.close_paid_panel()
                self.say(tr._("Member {name} {phone} attached ({points} points).").format(
                    name=member.display_name, phone=member.masked_phone, points=member.points))
                self.refresh()
        elif where.kind == "item":
            self.on_barcode(where.text)
        elif self._is_receipt(where.text):   # a customer's receipt: open it in the sales history (returns)
            self.go("history")
            self.manager.get_screen("history").find(where.text)
        elif not self.apply_coupon(where.text):
            self.say(tr._("Scanned {code}: {reason}").format(code=repr(where.text[:24]), reason=where.reason),
                     error=True)
