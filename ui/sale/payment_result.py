"""The wallet payment's result views: one colour, headline, explanation and next action per outcome."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kivy.properties import BooleanProperty, ListProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from terminal.payments.outcome import CodeOutcome, OutcomeStatus
from ui.common import load_kv
from ui.i18n import N_, tr
from ui.sale.refusals import payment_refusal_text


@dataclass(frozen=True)
class ResultView:
    """How one outcome is shown: background colour, headline, a fixed line under it, the action button."""

    colour: tuple[float, float, float, float]
    headline: str      # msgid
    advice: str        # msgid, shown under the acquirer's message ("" for none)
    action: str        # msgid of the next-action button
    done: bool         # True: the sale is paid, the action starts a new sale; False: the action tries again


GREEN, AMBER, RED = (0.13, 0.5, 0.27, 1.0), (0.72, 0.47, 0.05, 1.0), (0.68, 0.16, 0.16, 1.0)
VIEWS: dict[str, ResultView] = {
    OutcomeStatus.APPROVED: ResultView(GREEN, N_("Payment approved"), N_("Hand over the goods and the receipt."),
                                       N_("New sale"), True),
    OutcomeStatus.OFFLINE: ResultView(AMBER, N_("Accepted offline"),
                                      N_("It will be charged when the connection returns."), N_("New sale"), True),
    OutcomeStatus.DECLINED: ResultView(RED, N_("Declined"), N_("Ask for another payment method."),
                                       N_("Try another payment"), False),
    OutcomeStatus.REVERSED: ResultView((0.25, 0.33, 0.55, 1.0), N_("Payment cancelled"), N_("Nothing was charged."),
                                       N_("Try again"), False),
    OutcomeStatus.REVERSE_UNCONFIRMED: ResultView((0.45, 0.05, 0.3, 1.0), N_("Do not hand over the goods"),
                                                  N_("The payment is not confirmed. A late payment will be refunded."),
                                                  N_("Understood"), False),
    OutcomeStatus.REFUSED: ResultView((0.4, 0.4, 0.43, 1.0), N_("Not accepted"), "", N_("Try again"), False),
}


def view_for(status: str) -> ResultView:
    """The view of an outcome status (an unknown one is shown as not accepted)."""
    return VIEWS.get(status, VIEWS[OutcomeStatus.REFUSED])


class PaymentResult(BoxLayout):
    """The result of the last attempt, filling the panel's middle; `on_action` is dispatched by its button."""

    status = StringProperty("")
    colour = ListProperty([0, 0, 0, 0])
    headline = StringProperty("")
    detail = StringProperty("")
    advice = StringProperty("")
    action_text = StringProperty("")
    done = BooleanProperty(False)

    __events__ = ("on_action",)

    def __init__(self, **kwargs: Any) -> None:
        load_kv(Path(__file__).with_name("payment_result.kv"))
        super().__init__(**kwargs)
        tr.bind(lang=self._retranslate)

    def show(self, outcome: CodeOutcome, extra: str = "") -> None:
        """Fill the view from an outcome (`extra`: e.g. the printer's problem)."""
        self.status = outcome.status
        reason = outcome.reason or (outcome.message if outcome.status == OutcomeStatus.REFUSED else "")
        reason = payment_refusal_text(outcome.refusal, reason, tr._)
        said = tr._("Reason: {reason}").format(reason=reason) if reason else ""
        self.detail = "  ".join(text for text in (said, extra) if text)
        self._retranslate()

    def clear(self) -> None:
        """No result on show."""
        self.status = self.detail = ""

    def _retranslate(self, *_args: Any) -> None:
        if not self.status:
            return
        view = view_for(self.status)
        self.colour, self.done = list(view.colour), view.done
        self.headline, self.action_text = tr._(view.headline), tr._(view.action)
        self.advice = tr._(view.advice) if view.advice else ""

    def on_action(self) -> None:
        """Default handler of the action button (the panel binds its own)."""
