"""How a domain error reads on a kiosk screen: translated from its msgid when it was raised with one."""
from __future__ import annotations

from collections.abc import Callable

from terminal.errors import EdgeposError, PaymentRefused
from ui.sale.refusals import payment_refusal_text


def _same(text: str) -> str:
    return text


def error_text(err: BaseException, tr: Callable[[str], str] = _same) -> str:
    """The error's message in the cashier's language (`tr` is `tr._`); its English text when it has no msgid."""
    if isinstance(err, PaymentRefused):
        return payment_refusal_text(err.reason, str(err), tr)
    if isinstance(err, EdgeposError) and err.msgid is not None:
        params = {name: tr(text) if name in err.terms else text for name, text in err.params.items()}
        return tr(err.msgid).format(**params)
    return str(err)


def notice_text(text: str, tr: Callable[[str], str] = _same) -> str:
    """A notice from terminal/ (e.g. a recovered payment) in the cashier's language when it carries a msgid."""
    msgid, params = getattr(text, "msgid", None), getattr(text, "params", None)
    if isinstance(msgid, str) and isinstance(params, dict):
        return tr(msgid).format(**params)
    return str(text)
