"""What the cashier is told about each recovered payment: one msgid per outcome (zh, vi: ui/translations/cashier.py)."""
from __future__ import annotations

from terminal.store.attempt_claims import AttentionStatus
from terminal.store.attempts import Attempt

MESSAGES: dict[AttentionStatus, str] = {
    AttentionStatus.COMPLETED: "{amount} by {code} was charged before the terminal stopped: sale {sale} is "
                               "completed and its receipt printed",
    AttentionStatus.REVERSED: "{amount} by {code} had no final answer when the terminal stopped: it was cancelled "
                              "and nothing is charged (sale {sale})",
    AttentionStatus.DECLINED: "{amount} by {code} was declined after the terminal stopped: sale {sale} is not paid",
    AttentionStatus.REFUNDED: "{amount} by {code} was charged but sale {sale} could not be completed: "
                              "it was refunded",
    AttentionStatus.LATE_REFUNDED: "{amount} by {code} was charged after its cancellation: it was refunded "
                                   "(sale {sale})",
    AttentionStatus.LATE_UNREFUNDED: "{amount} by {code} was charged and its refund is not confirmed yet: it is "
                                     "retried, do not refund it by hand (sale {sale})",
    AttentionStatus.REVERSE_UNCONFIRMED: "{amount} by {code}: the cancellation is not confirmed yet; it is retried "
                                         "until the wallet answers (sale {sale})",
}


class AttentionText(str):
    """The English text the kiosk shows, keeping its msgid and params so ui/ can show it translated."""

    __slots__ = ("msgid", "params")
    msgid: str
    params: dict[str, str]

    def __new__(cls, msgid: str, params: dict[str, str]) -> AttentionText:
        """The text msgid.format(**params)."""
        text = super().__new__(cls, msgid.format(**params))
        text.msgid, text.params = msgid, params
        return text


def attention_text(word: AttentionStatus, attempt: Attempt) -> AttentionText:
    """The cashier's message for what recovery did to this attempt."""
    return AttentionText(MESSAGES[word], {"amount": attempt.amount.format(), "code": attempt.masked_code,
                                          "sale": attempt.sale_id[:12]})


def reason_text(word: AttentionStatus, attempt: Attempt, detail: str = "") -> str:
    """What is stored (and listed by `payments attention`): the message, with the wallet's detail if any."""
    text = str(attention_text(word, attempt))
    return f"{text} ({detail})" if detail else text
