"""WeChat Pay v2 answers in our statuses (see provider.py): result codes, err_codes, trade_state, recall."""
from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from sync.gateway.provider import ProviderAnswer
from terminal.payments.acquirer import AcquirerStatus

log = logging.getLogger(__name__)


class WxCode(StrEnum):
    """return_code / result_code."""

    SUCCESS = "SUCCESS"
    FAIL = "FAIL"


class WxTradeState(StrEnum):
    """orderquery's trade_state."""

    SUCCESS = "SUCCESS"
    REFUND = "REFUND"
    NOTPAY = "NOTPAY"
    CLOSED = "CLOSED"
    REVOKED = "REVOKED"
    USERPAYING = "USERPAYING"
    PAYERROR = "PAYERROR"
    ACCEPT = "ACCEPT"


TRADE_STATES = {
    WxTradeState.SUCCESS: AcquirerStatus.SUCCESS, WxTradeState.REFUND: AcquirerStatus.REFUNDED,
    WxTradeState.NOTPAY: AcquirerStatus.PENDING, WxTradeState.USERPAYING: AcquirerStatus.PENDING,
    WxTradeState.ACCEPT: AcquirerStatus.PENDING, WxTradeState.CLOSED: AcquirerStatus.CLOSED,
    WxTradeState.REVOKED: AcquirerStatus.REVERSED, WxTradeState.PAYERROR: AcquirerStatus.DECLINED,
}
# micropay err_codes after which nothing was charged and nothing will be.
PAY_DECLINED = frozenset({"AUTHCODEEXPIRE", "NOTENOUGH", "AUTH_CODE_INVALID", "AUTH_CODE_ERROR", "NOTSUPORTCARD",
                          "ORDERCLOSED", "ORDERREVERSED", "BUYER_MISMATCH", "NOAUTH", "PARAM_ERROR", "LACK_PARAMS",
                          "TRADE_ERROR", "APPID_NOT_EXIST", "MCHID_NOT_EXIST", "APPID_MCHID_NOT_MATCH"})
RETRY_LATER = frozenset({"SYSTEMERROR", "BANKERROR", "BIZERR_NEED_RETRY", "FREQUENCY_LIMITED", "ORDERPAID"})
REFUND_FAILED = frozenset({"ERROR", "NOTENOUGH", "TRADE_OVERDUE", "USER_ACCOUNT_ABNORMAL", "INVALID_REQ_TOO_MUCH",
                           "INVALID_TRANSACTIONID", "PARAM_ERROR", "ORDERNOTEXIST", "REFUND_FEE_MISMATCH",
                           "TRADE_ERROR", "REFUNDNOTEXIST"})


def to_fen(amount: str) -> int:
    """'12.34' -> 1234; ValueError for anything but a positive amount with at most two decimals."""
    try:
        value = Decimal(amount)
    except InvalidOperation as err:
        raise ValueError(f"not an amount: {amount!r}") from err
    fen = value * 100
    if not value.is_finite() or value <= 0 or fen != fen.to_integral_value():
        raise ValueError(f"not an amount in fen: {amount!r}")
    return int(fen)


def to_yuan(fen: str | int) -> str:
    """1234 -> '12.34'."""
    return f"{Decimal(int(fen)) / 100:.2f}"


def reason(reply: dict[str, str]) -> str:
    """The provider's own code and text, for people and logs."""
    if reply.get("return_code") != WxCode.SUCCESS:
        return f"return_code FAIL: {reply.get('return_msg', '')}".strip()
    code = reply.get("err_code", "")
    return f"{code}: {reply.get('err_code_des', '')}" if code else reply.get("trade_state_desc", "")


def _unknown(op: str, reply: dict[str, str], known: frozenset[str] = frozenset()) -> ProviderAnswer:
    code = reply.get("err_code", "")
    if code not in known | RETRY_LATER:
        log.warning("wechat %s: unknown answer %s", op, reason(reply))
    return ProviderAnswer(AcquirerStatus.UNKNOWN, reason(reply))


def communication_failed(reply: dict[str, str]) -> bool:
    """return_code FAIL: WeChat did not take the request (bad signature, certificate, parameters)."""
    return reply.get("return_code") != WxCode.SUCCESS


def succeeded(reply: dict[str, str]) -> bool:
    """return_code and result_code SUCCESS."""
    return not communication_failed(reply) and reply.get("result_code") == WxCode.SUCCESS


def pay_answer(reply: dict[str, str]) -> ProviderAnswer:
    """micropay: SUCCESS, USERPAYING (pending), a refusal (declined), or unknown (query, then reverse)."""
    if succeeded(reply):
        return ProviderAnswer(AcquirerStatus.SUCCESS, trade_no=reply.get("transaction_id", ""))
    code = reply.get("err_code", "")
    if communication_failed(reply):
        return _unknown("micropay", reply, frozenset({""}))
    if code == "USERPAYING":
        return ProviderAnswer(AcquirerStatus.PENDING, reason(reply))
    if code in PAY_DECLINED:
        return ProviderAnswer(AcquirerStatus.DECLINED, reason(reply))
    return _unknown("micropay", reply)


def query_answer(reply: dict[str, str]) -> ProviderAnswer:
    """orderquery: the trade_state; ORDERNOTEXIST and errors are unknown."""
    if not succeeded(reply):
        return _unknown("orderquery", reply, frozenset({"ORDERNOTEXIST", ""}))
    state = reply.get("trade_state", "")
    if state not in TRADE_STATES:
        log.warning("wechat orderquery: unknown trade_state %s (%s)", state, reply.get("trade_state_desc", ""))
        return ProviderAnswer(AcquirerStatus.UNKNOWN, f"trade_state {state}")
    status = TRADE_STATES[WxTradeState(state)]
    trade_no = reply.get("transaction_id", "") if status in (AcquirerStatus.SUCCESS, AcquirerStatus.REFUNDED) else ""
    return ProviderAnswer(status, f"{state}: {reply.get('trade_state_desc', '')}", trade_no=trade_no)


def reverse_answer(reply: dict[str, str]) -> ProviderAnswer:
    """reverse: SUCCESS -> reversed; recall=Y -> call again (retry); ORDERNOTEXIST -> nothing to cancel."""
    if succeeded(reply):
        return ProviderAnswer(AcquirerStatus.REVERSED)
    code = reply.get("err_code", "")
    if reply.get("recall") == "Y" or code == "SYSTEMERROR":
        return ProviderAnswer(AcquirerStatus.UNKNOWN, reason(reply), retry=True)
    if code == "ORDERNOTEXIST":
        return ProviderAnswer(AcquirerStatus.REVERSED, reason(reply))
    if communication_failed(reply):
        return _unknown("reverse", reply, frozenset({""}))
    if code in ("REVERSE_EXPIRE", "TRADE_ERROR", "INVALID_TRANSACTIONID"):
        return ProviderAnswer(AcquirerStatus.FAILED, reason(reply))
    return _unknown("reverse", reply)


def close_answer(reply: dict[str, str]) -> ProviderAnswer:
    """closeorder (a NATIVE order's cancel): closed; ORDERPAID -> failed (refund it instead)."""
    code = reply.get("err_code", "")
    if succeeded(reply) or code == "ORDERCLOSED":
        return ProviderAnswer(AcquirerStatus.REVERSED, reason(reply))
    if code == "ORDERPAID":
        return ProviderAnswer(AcquirerStatus.FAILED, f"{reason(reply)} (already paid: refund it instead)")
    if code == "ORDERNOTEXIST":
        return ProviderAnswer(AcquirerStatus.REVERSED, reason(reply))
    return _unknown("closeorder", reply, frozenset({"", "SYSTEMERROR"}))


def refund_answer(reply: dict[str, str]) -> ProviderAnswer:
    """refund: SUCCESS (also the same out_refund_no again) -> refunded; a refusal -> failed; errors unknown."""
    if succeeded(reply):
        return ProviderAnswer(AcquirerStatus.REFUNDED, trade_no=reply.get("refund_id", ""))
    code = reply.get("err_code", "")
    if code in REFUND_FAILED or reply.get("return_msg") == "invalid refund_fee":
        return ProviderAnswer(AcquirerStatus.FAILED, reason(reply))
    return _unknown("refund", reply, frozenset({""}))


def precreate_answer(reply: dict[str, str]) -> ProviderAnswer:
    """unifiedorder NATIVE: created, with code_url as the QR text."""
    if succeeded(reply) and reply.get("code_url"):
        return ProviderAnswer(AcquirerStatus.CREATED, payload=reply["code_url"])
    code = reply.get("err_code", "")
    if code in ("ORDERPAID",):
        return ProviderAnswer(AcquirerStatus.SUCCESS, reason(reply))
    if code in ("ORDERCLOSED", "OUT_TRADE_NO_USED", "INVALID_REQUEST", "PARAM_ERROR"):
        return ProviderAnswer(AcquirerStatus.FAILED, reason(reply))
    return _unknown("unifiedorder", reply, frozenset({""}))
