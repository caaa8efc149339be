"""The sale screen's people: who is signed in (in the header), a sign-in before selling, switching cashier."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ui.i18n import tr
from ui.staff.approval import ask_sign_in, open_pad, sign_in_first


class SaleStaff:
    """Mixed into SaleScreen (after PosScreen): uses its terminal, till, say() and refresh()."""

    terminal: Any
    till: Any
    has_staff: bool
    signed_in: bool
    say: Callable[..., None]
    refresh: Callable[[], None]

    def cashier_text(self) -> str:
        """Who sells now: the signed-in person (the shift's cashier on a terminal without a staff list)."""
        staff, shift = self.terminal.staff, self.terminal.shifts.current
        self.has_staff = staff.has_staff()
        self.signed_in = staff.current is not None
        if shift is None:
            return tr._("No shift open")
        if not self.has_staff:
            return tr._("Cashier {name}").format(name=shift.cashier)
        if staff.current is None:
            return tr._("Nobody signed in")
        return tr._("Cashier {name}").format(name=staff.current.name)

    def sign_in_first(self, then: Callable[[], Any] | None = None) -> bool:
        """True when someone must sign in before selling (the PIN pad is asked; `then()` runs after it)."""
        def after() -> None:
            self._signed_in()
            if then is not None:
                then()
        if self.terminal.shifts.current is None:
            return False  # the till says there is no shift: that comes first
        needed = sign_in_first(self.terminal.staff, after, self._not_signed_in)
        if needed:
            self.say(tr._("Sign in with your PIN to sell."), error=True)
        return needed

    def ask_sign_in_if_needed(self) -> None:
        """The screen is shown: ask for a PIN right away when nobody is signed in."""
        self.sign_in_first()

    def switch_cashier(self) -> None:
        """Sign the current person out and ask the next one's PIN (Sign in when nobody is); the shift stays open.
        A sale in progress is finished by who started it: switching waits until it is paid or voided."""
        staff = self.terminal.staff
        if self.till.sale is not None and staff.current is not None:
            self.say(tr._("finish or void the sale in progress before switching cashier"), error=True)
            return
        if open_pad() is not None:
            return
        staff.sign_out()
        self.refresh()
        ask_sign_in(staff, lambda _member: self._signed_in(), self._not_signed_in)

    def _signed_in(self) -> None:
        current = self.terminal.staff.current
        self.refresh()
        if current is not None:
            self.say(tr._("{name} signed in.").format(name=current.name))

    def _not_signed_in(self) -> None:
        self.refresh()
        self.say(tr._("Nobody is signed in: tap Sign in to sell."), error=True)
