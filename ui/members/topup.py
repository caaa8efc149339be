"""The members screen's prepaid balance (show it, top up in cash or by a scanned wallet code) and the face-pay
wallet agreement's sign page as a QR."""
from __future__ import annotations

from typing import Any

from terminal.members.agreement import agreement_sign_url
from terminal.members.topup import TopUp, top_up_cash, top_up_code
from terminal.payments.outcome import CodeOutcome
from terminal.payments.paycodes import classify
from ui.dispatch import run_in_background
from ui.errors_text import error_text
from ui.i18n import tr
from ui.sale.refusals import payment_refusal_text
from ui.sale.wallet_panel import qr_texture


class MemberTopUps:
    """Mixed into MembersScreen: uses its terminal, member, ids.topup_amount, say(), attempt(), show()."""

    terminal: Any
    member: Any
    ids: Any
    code_topup: bool
    say: Any
    attempt: Any
    show: Any
    agreement_view: Any = None   # the QR of the agreement sign page, while shown

    def balance_text(self, member_id: str) -> str:
        """'Prepaid balance: CNY 82.00' for the member shown."""
        members = self.terminal.members
        amount = members.balance.balance(member_id) if members is not None else None
        return tr._("Prepaid balance: {balance}").format(balance=amount.format() if amount is not None else "-")

    def _amount(self) -> Any:
        if self.member is None:
            self.say(tr._("Find or add the member first."), error=True)
            return None
        ok, amount = self.attempt(self.terminal.till.money, self.ids.topup_amount.text.strip() or "0")
        return amount if ok else None

    def _topped_up(self, done: TopUp) -> None:
        self.code_topup = False
        self.ids.topup_amount.text = ""
        self.show(self.terminal.members.get(done.entry.member_id))
        text = tr._("Topped up {amount}: balance {balance}.").format(amount=done.entry.amount.format(),
                                                                      balance=done.entry.balance.format())
        said = f"{text} {done.print_error or tr._('Slip printed.')}"
        self.say(said, error=done.print_error is not None)

    def topup_cash(self) -> None:
        """Take the typed amount in cash onto the member's balance (into the shift's drawer)."""
        amount = self._amount()
        if amount is None:
            return
        ok, done = self.attempt(top_up_cash, self.terminal.till, self.member.id, amount)
        if ok:
            self._topped_up(done)

    def topup_by_code(self) -> None:
        """Arm a code top-up: the next payment code scanned pays the typed amount onto the balance."""
        if self.terminal.code_payments is None:
            self.say(tr._("Wallet payments are not set up on this terminal (no broker link)."), error=True)
            return
        if self._amount() is not None:
            self.code_topup = True
            self.say(tr._("Scan the customer's payment code to top up."))

    def deliver_topup_code(self, code: str) -> bool:
        """A scanned code while a code top-up is armed: charge it (in the background); False when not armed."""
        if not self.code_topup or not classify(code).valid:
            return False
        amount, member_id, authorizer = self._amount(), self.member.id, self.terminal.code_payments
        if amount is None or authorizer is None:
            return True
        self.code_topup = False
        self.say(tr._("Sending the payment…"))

        def charged(result: tuple[CodeOutcome, TopUp | None]) -> None:
            outcome, done = result
            if done is not None:
                self._topped_up(done)
            else:
                self.say(payment_refusal_text(outcome.refusal, outcome.message, tr._), error=True)

        run_in_background(lambda: top_up_code(self.terminal.till, authorizer, member_id, amount, code), charged,
                          lambda err: self.say(error_text(err, tr._), error=True), name="edgepos-topup")
        return True

    def show_agreement(self) -> None:
        """Ask the payment service for the member's agreement sign page and show it as a QR to scan."""
        authorizer = self.terminal.code_payments
        if self.member is None or authorizer is None:
            self.say(tr._("Wallet payments are not set up on this terminal (no broker link)."), error=True)
            return
        member_id, timeout = self.member.id, authorizer.timings.request_timeout_s
        run_in_background(lambda: agreement_sign_url(authorizer.acquirer, member_id, timeout), self._agreement_qr,
                          lambda err: self.say(error_text(err, tr._), error=True), name="edgepos-agreement")

    def _agreement_qr(self, url: str) -> None:
        from kivy.uix.boxlayout import BoxLayout
        from kivy.uix.button import Button
        from kivy.uix.image import Image
        from kivy.uix.label import Label
        from kivy.uix.modalview import ModalView

        view = ModalView(size_hint=(0.7, 0.9), auto_dismiss=True)
        box = BoxLayout(orientation="vertical", padding=8, spacing=6)
        box.add_widget(Label(text=tr._("Scan with your wallet app to sign the payment agreement for face-pay."),
                             size_hint_y=0.15))
        box.add_widget(Image(texture=qr_texture(url), fit_mode="contain"))
        close = Button(text=tr._("Close"), size_hint_y=0.15)
        close.bind(on_release=lambda *_: view.dismiss())
        box.add_widget(close)
        view.add_widget(box)
        view.open()
        self.agreement_view = view
