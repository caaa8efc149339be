"""WeChat Pay v2 on the wire: XML bodies, `k=v&...&key=API_KEY` signatures (MD5, HMAC-SHA256), the codes."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from enum import StrEnum
from xml.etree import ElementTree

CDATA_END = "]]>"


class SignType(StrEnum):
    """The signature types v2 accepts (`sign_type`; MD5 when absent)."""

    MD5 = "MD5"
    HMAC_SHA256 = "HMAC-SHA256"


class Code(StrEnum):
    """return_code and result_code values."""

    SUCCESS = "SUCCESS"
    FAIL = "FAIL"


class TradeState(StrEnum):
    """orderquery's trade_state."""

    SUCCESS = "SUCCESS"
    REFUND = "REFUND"
    NOTPAY = "NOTPAY"
    CLOSED = "CLOSED"
    REVOKED = "REVOKED"
    USERPAYING = "USERPAYING"
    PAYERROR = "PAYERROR"


# err_code -> err_code_des, as the v2 documentation words them.
ERR_TEXT = {
    "USERPAYING": "需要用户输入支付密码",
    "SYSTEMERROR": "系统超时",
    "BANKERROR": "银行系统异常",
    "AUTHCODEEXPIRE": "二维码已过期，请用户在微信上刷新后再试",
    "NOTENOUGH": "余额不足",
    "AUTH_CODE_INVALID": "请扫描微信支付授权码(以10/11/12/13/14/15为前缀的18位数字)",
    "AUTH_CODE_ERROR": "授权码参数错误",
    "NOTSUPORTCARD": "不支持卡类型",
    "ORDERNOTEXIST": "此交易订单号不存在",
    "ORDERPAID": "订单已支付",
    "ORDERCLOSED": "订单已关闭",
    "ORDERREVERSED": "订单已撤销",
    "TRADE_ERROR": "订单状态错误",
    "PARAM_ERROR": "参数错误",
    "REFUND_FEE_MISMATCH": "订单金额或退款金额与之前请求不一致，请核实后再试",
    "ERROR": "申请退款金额超过订单可退金额",
    "APPID_MCHID_NOT_MATCH": "appid和mch_id不匹配",
}
SIGN_ERROR = "签名错误"
CERT_ERROR = "证书错误: 此接口需要商户API证书"


def sign(fields: dict[str, str], api_key: str, sign_type: str = SignType.MD5) -> str:
    """The v2 signature: non-empty fields but `sign` sorted as k=v joined by &, then &key=API_KEY; uppercase hex."""
    text = "&".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "sign" and fields[k] != "")
    text = f"{text}&key={api_key}"
    if sign_type == SignType.HMAC_SHA256:
        return hmac.new(api_key.encode(), text.encode(), hashlib.sha256).hexdigest().upper()
    return hashlib.md5(text.encode()).hexdigest().upper()


def signature_ok(fields: dict[str, str], api_key: str) -> bool:
    """Whether the fields carry a valid `sign` for their sign_type (an unknown sign_type is not valid)."""
    sign_type = fields.get("sign_type", "") or SignType.MD5
    if sign_type not in (SignType.MD5, SignType.HMAC_SHA256):
        return False
    return hmac.compare_digest(fields.get("sign", ""), sign(fields, api_key, sign_type))


def nonce() -> str:
    """A 32-character nonce_str as WeChat sends them."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))


def parse_xml(body: bytes) -> dict[str, str]:
    """The flat <xml><k>v</k>...</xml> document as a dict; ValueError when it is not one."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as err:
        raise ValueError(f"not XML: {err}") from err
    if root.tag != "xml":
        raise ValueError("the root element is not <xml>")
    return {child.tag: (child.text or "").strip() for child in root}


def to_xml(fields: dict[str, str]) -> bytes:
    """A flat <xml> document, every value in CDATA as WeChat writes them."""
    parts = ["<xml>"]
    for key, value in fields.items():
        safe = value.replace(CDATA_END, "]]]]><![CDATA[>")
        parts.append(f"<{key}><![CDATA[{safe}]]></{key}>")
    parts.append("</xml>")
    return "".join(parts).encode("utf-8")


def signed(fields: dict[str, str], api_key: str, sign_type: str = SignType.MD5) -> dict[str, str]:
    """The fields with a fresh nonce_str and their signature added."""
    out = {**fields, "nonce_str": nonce()}
    out["sign"] = sign(out, api_key, sign_type)
    return out


def fail(return_msg: str) -> dict[str, str]:
    """A communication-level refusal (return_code FAIL): WeChat signs none of these."""
    return {"return_code": Code.FAIL, "return_msg": return_msg}
