"""Alipay's answers in our statuses (sync/gateway/provider.py): codes 10000/10003/20000/4000x, sub_codes ACQ.*.

Unknown codes are logged with Alipay's text and answered `unknown` (query, then reverse). A gateway-level
refusal (40001/40002/40006: our keys, app id or permissions are wrong) is logged as an error; for a pay it is
`declined` (no trade was created), elsewhere `unknown`/`failed`. isv.* sub_msg is not copied: Alipay echoes
the signed string there, payment code included.
"""
from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from sync.gateway.provider import ProviderAnswer
from terminal.payments.acquirer import AcquirerStatus as S

log = logging.getLogger(__name__)

SUCCESS, PAYING, SYSTEM = "10000", "10003", "20000"


class TradeStatus(StrEnum):
    """Alipay's trade_status (query answers and trade_status_sync notifications)."""

    WAIT_BUYER_PAY = "WAIT_BUYER_PAY"
    TRADE_SUCCESS = "TRADE_SUCCESS"
    TRADE_FINISHED = "TRADE_FINISHED"
    TRADE_CLOSED = "TRADE_CLOSED"


class AgreementStatus(StrEnum):
    """An agreement's status in Alipay's agreement notifications."""

    NORMAL = "NORMAL"
    UNSIGN = "UNSIGN"
    STOP = "STOP"


TRADE_STATUS: dict[str, S] = {TradeStatus.TRADE_SUCCESS: S.SUCCESS, TradeStatus.TRADE_FINISHED: S.SUCCESS,
                TradeStatus.TRADE_CLOSED: S.CLOSED, TradeStatus.WAIT_BUYER_PAY: S.PENDING}
AGREEMENT_STATUS: dict[str, S] = {AgreementStatus.NORMAL: S.SUCCESS, AgreementStatus.UNSIGN: S.CLOSED,
                    AgreementStatus.STOP: S.CLOSED}
GATEWAY_REFUSALS = frozenset({"40001", "40002", "40006", "20001"})
PAY_DECLINED = frozenset({
    "ACQ.PAYMENT_AUTH_CODE_INVALID", "ACQ.BUYER_BALANCE_NOT_ENOUGH", "ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH",
    "ACQ.PAYMENT_FAIL", "ACQ.BUYER_PAYMENT_AMOUNT_DAY_LIMIT_ERROR", "ACQ.BUYER_PAYMENT_AMOUNT_MONTH_LIMIT_ERROR",
    "ACQ.ERROR_BALANCE_PAYMENT_DISABLE", "ACQ.BUYER_ENABLE_STATUS_FORBID", "ACQ.BUYER_SELLER_EQUAL",
    "ACQ.TRADE_BUYER_NOT_MATCH", "ACQ.PULL_MOBILE_CASHIER_FAIL", "ACQ.MOBILE_PAYMENT_SWITCH_OFF",
    "ACQ.BEYOND_PAY_RESTRICTION", "ACQ.BEYOND_PER_RECEIPT_RESTRICTION", "ACQ.BUYER_UNSUPPORT_ADVANCE",
    "ACQ.PAYMENT_REQUEST_HAS_RISK", "ACQ.TOTAL_FEE_EXCEED", "ACQ.INVALID_PARAMETER", "ACQ.CONTEXT_INCONSISTENT",
    "ACQ.AGREEMENT_NOT_EXIST", "ACQ.AGREEMENT_INVALID", "ACQ.AGREEMENT_STATUS_NOT_NORMAL", "ACQ.AGREEMENT_ERROR",
    "ACQ.SELLER_BEEN_BLOCKED", "ACQ.ACCESS_FORBIDDEN", "ACQ.EXIST_FORBIDDEN_WORD", "ACQ.PARTNER_ERROR",
})
REFUND_FAILED = frozenset({
    "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "ACQ.TRADE_STATUS_ERROR", "ACQ.TRADE_NOT_EXIST", "ACQ.TRADE_HAS_FINISHED",
    "ACQ.SELLER_BALANCE_NOT_ENOUGH", "ACQ.REASON_TRADE_BEEN_FREEZEN", "ACQ.DISCORDANT_REPEAT_REQUEST",
    "ACQ.INVALID_PARAMETER", "ACQ.TRADE_NOT_ALLOW_REFUND", "ACQ.REFUND_FEE_ERROR",
    "ACQ.ONLINE_TRADE_VOUCHER_NOT_ALLOW_REFUND",
})
CANCEL_FAILED = frozenset({"ACQ.TRADE_CANCEL_TIME_OUT", "ACQ.TRADE_HAS_FINISHED", "ACQ.REASON_TRADE_BEEN_FREEZEN",
                           "ACQ.SELLER_BALANCE_NOT_ENOUGH", "ACQ.INVALID_PARAMETER"})


def reason_of(resp: dict[str, Any]) -> str:
    """Alipay's code and text, short enough for a person and a log line (never an isv.* echo)."""
    code, sub = str(resp.get("code", "")), str(resp.get("sub_code", ""))
    text = resp.get("msg", "") if sub.startswith("isv.") else resp.get("sub_msg") or resp.get("msg", "")
    return f"{code} {sub}: {text}".replace(" :", ":").strip() if sub else f"{code} {text}".strip()


def _unknown(api: str, resp: dict[str, Any]) -> ProviderAnswer:
    """A code we do not know (or a system error): logged, answered unknown so the caller queries."""
    code = str(resp.get("code", ""))
    if code in GATEWAY_REFUSALS:
        log.error("alipay %s refused by the gateway: %s (check the app id and keys)", api, reason_of(resp))
    elif code != SYSTEM and resp.get("sub_code") != "ACQ.SYSTEM_ERROR":
        log.warning("alipay %s: unknown answer %s", api, reason_of(resp))
    return ProviderAnswer(S.UNKNOWN, reason_of(resp), str(resp.get("trade_no", "")))


def pay_answer(resp: dict[str, Any]) -> ProviderAnswer:
    """alipay.trade.pay (bar_code or GENERAL_WITHHOLDING)."""
    code, sub, trade_no = str(resp.get("code", "")), str(resp.get("sub_code", "")), str(resp.get("trade_no", ""))
    if code == SUCCESS:
        return ProviderAnswer(S.SUCCESS, trade_no=trade_no)
    if code == PAYING:
        return ProviderAnswer(S.PENDING, "10003: waiting for the buyer to confirm in the Alipay app", trade_no)
    if code in GATEWAY_REFUSALS:
        log.error("alipay pay refused by the gateway: %s (check the app id and keys)", reason_of(resp))
        return ProviderAnswer(S.DECLINED, reason_of(resp))
    if sub in PAY_DECLINED:
        return ProviderAnswer(S.DECLINED, reason_of(resp), trade_no)
    if sub == "ACQ.TRADE_HAS_CLOSE":
        return ProviderAnswer(S.CLOSED, reason_of(resp), trade_no)
    if sub == "ACQ.TRADE_HAS_SUCCESS":   # a repeated pay of a paid trade: the query tells its trade_no
        return ProviderAnswer(S.UNKNOWN, reason_of(resp) + " (query it)", trade_no)
    return _unknown("pay", resp)


def query_answer(resp: dict[str, Any]) -> ProviderAnswer:
    """alipay.trade.query."""
    code, trade_no = str(resp.get("code", "")), str(resp.get("trade_no", ""))
    if code == SUCCESS:
        status = str(resp.get("trade_status", ""))
        ours = TRADE_STATUS.get(status)
        if ours is None:
            return _unknown("query", {**resp, "sub_msg": f"trade_status {status}"})
        return ProviderAnswer(ours, "" if ours == S.SUCCESS else status, trade_no)
    if resp.get("sub_code") == "ACQ.TRADE_NOT_EXIST":
        return ProviderAnswer(S.UNKNOWN, reason_of(resp))
    return _unknown("query", resp)


def cancel_answer(resp: dict[str, Any]) -> ProviderAnswer:
    """alipay.trade.cancel: retry_flag=Y asks for the same cancel again; action close/refund both reverse."""
    code, trade_no = str(resp.get("code", "")), str(resp.get("trade_no", ""))
    if resp.get("retry_flag") == "Y":
        return ProviderAnswer(S.UNKNOWN, reason_of(resp) + " (retry_flag=Y: cancel again)", trade_no, retry=True)
    if code == SUCCESS:
        action = str(resp.get("action", ""))
        text = {"refund": "paid, refunded by Alipay (action refund)", "close": "closed unpaid (action close)"}
        return ProviderAnswer(S.REVERSED, text.get(action, f"cancelled (action {action or 'none'})"), trade_no)
    if resp.get("sub_code") in CANCEL_FAILED:
        return ProviderAnswer(S.FAILED, reason_of(resp), trade_no)
    return _unknown("cancel", resp)


def refund_answer(resp: dict[str, Any]) -> ProviderAnswer:
    """alipay.trade.refund: fund_change N for a repeated out_request_no is the same refund, done once."""
    code, trade_no = str(resp.get("code", "")), str(resp.get("trade_no", ""))
    if code == SUCCESS:
        again = resp.get("fund_change") == "N"
        return ProviderAnswer(S.REFUNDED, "already refunded (same out_request_no)" if again else "", trade_no)
    if resp.get("sub_code") in REFUND_FAILED or code in GATEWAY_REFUSALS:
        return ProviderAnswer(S.FAILED, reason_of(resp), trade_no)
    return _unknown("refund", resp)


def precreate_answer(resp: dict[str, Any]) -> ProviderAnswer:
    """alipay.trade.precreate: created with the qr_code to show."""
    if str(resp.get("code", "")) == SUCCESS and resp.get("qr_code"):
        return ProviderAnswer(S.CREATED, payload=str(resp["qr_code"]))
    if str(resp.get("code", "")) == "40004" or str(resp.get("code", "")) in GATEWAY_REFUSALS:
        return ProviderAnswer(S.FAILED, reason_of(resp))
    return _unknown("precreate", resp)
