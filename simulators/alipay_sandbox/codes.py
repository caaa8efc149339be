"""Alipay's answer codes: 10000 Success, 10003 the buyer is paying, 20000 ACQ.SYSTEM_ERROR, 40004 Business Failed
with an ACQ.* sub_code and its documented text; HOLD for an answer that never comes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SUB_MSG = {
    "ACQ.PAYMENT_AUTH_CODE_INVALID": "支付失败，获取顾客账户信息失败，请顾客刷新付款码后重新收款",
    "ACQ.BUYER_BALANCE_NOT_ENOUGH": "买家余额不足",
    "ACQ.TRADE_NOT_EXIST": "交易不存在",
    "ACQ.TRADE_HAS_CLOSE": "交易已经关闭",
    "ACQ.TRADE_HAS_SUCCESS": "交易已被支付",
    "ACQ.TRADE_STATUS_ERROR": "交易状态不合法",
    "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL": "退款金额超限",
    "ACQ.INVALID_PARAMETER": "参数无效",
    "ACQ.SYSTEM_ERROR": "系统错误",
    "ACQ.AGREEMENT_NOT_EXIST": "用户协议不存在",
    "ACQ.AGREEMENT_STATUS_NOT_NORMAL": "用户协议状态非NORMAL",
    "isp.bill_not_exist": "账单不存在",
}
AUTH_CODE_DIGITS = range(16, 25)   # Alipay's payment codes: 16-24 digits starting with 25-30


@dataclass(frozen=True)
class Hold:
    """The request is never answered (held past the client's timeout, then dropped)."""


HOLD = Hold()
Answer = dict[str, Any] | Hold


def ok(**fields: Any) -> dict[str, Any]:
    """A 10000 Success response object."""
    return {"code": "10000", "msg": "Success", **fields}


def failed(sub_code: str, **fields: Any) -> dict[str, Any]:
    """A 40004 Business Failed response object (20000 for ACQ.SYSTEM_ERROR)."""
    if sub_code == "ACQ.SYSTEM_ERROR":
        return {"code": "20000", "msg": "Service Currently Unavailable", "sub_code": sub_code,
                "sub_msg": SUB_MSG[sub_code], **fields}
    return {"code": "40004", "msg": "Business Failed", "sub_code": sub_code,
            "sub_msg": SUB_MSG.get(sub_code, "业务处理失败"), **fields}


def auth_code_valid(code: str) -> bool:
    """Whether a payment code looks like an Alipay one."""
    return code.isdigit() and len(code) in AUTH_CODE_DIGITS and 25 <= int(code[:2]) <= 30
