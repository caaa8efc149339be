"""How a refused wallet or face payment's reason reads, from its PaymentRefusal code (terminal/errors.py)."""
from __future__ import annotations

from collections.abc import Callable

from terminal.errors import PaymentRefusal
from ui.translations import N_

PAYMENT_REFUSALS: dict[PaymentRefusal, str] = {
    PaymentRefusal.NOT_A_CODE: N_("not a wallet payment code"),
    PaymentRefusal.CODE_REUSED: N_("this payment code was already used: ask for a new one"),
    PaymentRefusal.TOO_MANY_CODES: N_("too many code payments just now: wait a moment or take another method"),
    PaymentRefusal.UNREACHABLE: N_("the wallet service cannot be reached: take another payment method"),
    PaymentRefusal.OVER_PAYMENT_CAP: N_("over the offline limit for one payment: take another payment method"),
    PaymentRefusal.OVER_TOTAL_CAP: N_("the payments waiting to be sent are at their limit: take cash"),
    PaymentRefusal.OFFLINE_TOO_OLD: N_("an offline payment has waited too long to be sent: take cash"),
    PaymentRefusal.QR_UNAVAILABLE: N_("the wallet service did not create the QR order: try again or take cash"),
    PaymentRefusal.NO_FUNDING: N_("no prepaid balance or wallet agreement covers this: pay with your payment code"
                                  " or scan the shop's QR"),
}


def _same(text: str) -> str:
    return text


def payment_refusal_text(refusal: PaymentRefusal | None, detail: str, tr: Callable[[str], str] = _same) -> str:
    """The reason in the cashier's language, from the code; `detail` (the domain's English) where none applies.

    In English the domain's own sentence is kept: it names the amounts and limits the code leaves out.
    """
    if refusal is None:
        return detail
    msgid = PAYMENT_REFUSALS[refusal]
    said = tr(msgid)
    return detail if said == msgid else said
