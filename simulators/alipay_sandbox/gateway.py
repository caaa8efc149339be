"""/gateway.do: the common parameters, the RSA2 check of the request, the signed `<method>_response`.

Alipay signs a request over every parameter but `sign` (sign_type included), sorted, `k=v` joined by `&`,
values as sent (not URL-encoded), empty ones left out; it answers JSON whose `<method>_response` object is
signed with Alipay's key over its exact text, `sign` following it.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from simulators.alipay_sandbox.api import Api
from simulators.alipay_sandbox.bill import download_url
from simulators.alipay_sandbox.codes import HOLD, Answer, Hold
from simulators.alipay_sandbox.orders import Orders
from simulators.alipay_sandbox.signing import sign, signing_string, verify

PAGE_METHODS = frozenset({"alipay.user.agreement.page.sign"})
REQUIRED = (("app_id", "isv.missing-app-id"), ("method", "isv.missing-method"),
            ("sign_type", "isv.missing-signature-type"), ("sign", "isv.missing-signature"),
            ("timestamp", "isv.missing-timestamp"), ("version", "isv.missing-version"))
INVALID_SIGNATURE = "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为："


@dataclass(frozen=True)
class Reply:
    """What the HTTP layer sends: a body and its content type (JSON, or HTML for a page API)."""

    content_type: str
    body: bytes
    log: dict[str, Any]


def mask(code: str) -> str:
    """A payment code as logs may show it: the first two and last four digits."""
    return code[:2] + "*" * (len(code) - 6) + code[-4:] if len(code) > 6 else "*" * len(code)


class Gateway:
    """Checks and dispatches one OpenAPI request."""

    def __init__(self, app_id: str, app_public: rsa.RSAPublicKey, alipay_key: rsa.RSAPrivateKey,
                 api: Api, orders: Orders, base_url: Callable[[], str], seller_id: str) -> None:
        self.app_id, self.app_public, self.alipay_key = app_id, app_public, alipay_key
        self.api, self.orders, self.base_url, self.seller_id = api, orders, base_url, seller_id

    def _json(self, key: str, obj: dict[str, Any], log: dict[str, Any], charset: str, signed: bool = True) -> Reply:
        text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        signature = f',"sign":"{sign(self.alipay_key, text, charset)}"}}' if signed else "}"
        log.update(code=obj.get("code"), sub_code=obj.get("sub_code", ""))
        return Reply(f"application/json;charset={charset}", f'{{"{key}":{text}{signature}'.encode(charset), log)

    def handle(self, params: dict[str, str]) -> Reply | Hold:
        """One request's parameters (query and form merged) to its reply, or HOLD."""
        charset = params.get("charset", "utf-8").lower()
        charset = charset if charset in ("utf-8", "gbk") else "utf-8"   # answers come in the request's charset
        method = params.get("method", "")
        key = method.replace(".", "_") + "_response" if method else "error_response"
        log: dict[str, Any] = {"method": method or None}

        def refuse(code: str, sub_code: str, sub_msg: str = "", signed: bool = True) -> Reply:
            msg = "Missing Required Arguments" if code == "40001" else "Invalid Arguments"
            return self._json(key, error(code, msg, sub_code, sub_msg), log, charset, signed)

        for name, sub_code in REQUIRED:
            if not params.get(name):
                return refuse("40001", sub_code, signed=False)
        if params["app_id"] != self.app_id:
            return refuse("40002", "isv.invalid-app-id", "无效的AppID参数", signed=False)
        if params["sign_type"] != "RSA2":
            return refuse("40002", "isv.invalid-signature-type")
        if params.get("charset", "utf-8").lower() not in ("utf-8", "gbk"):
            return refuse("40002", "isv.invalid-charset")
        try:
            datetime.strptime(params["timestamp"], "%Y-%m-%d %H:%M:%S")
        except ValueError:
            return refuse("40002", "isv.invalid-timestamp")
        content = signing_string(params)
        if not verify(self.app_public, content, params["sign"], charset):
            log["refused"] = "signature"
            if method in PAGE_METHODS:
                return page_error("isv.invalid-signature", log)
            # Alipay echoes the string it verified; it carries biz_content, so the payment code is masked here
            return refuse("40002", "isv.invalid-signature", INVALID_SIGNATURE + _masked(content))
        try:
            biz = json.loads(params.get("biz_content") or "{}")
            if not isinstance(biz, dict):
                raise ValueError("biz_content is not an object")
        except ValueError:
            return refuse("40002", "isv.invalid-parameter")
        log.update(out_trade_no=biz.get("out_trade_no"), amount=biz.get("total_amount") or biz.get("refund_amount"))
        if biz.get("auth_code"):
            log["auth_code"] = mask(str(biz["auth_code"]))
        if method in PAGE_METHODS:
            code, html_text = self.orders.page_sign(biz, params.get("notify_url", ""))
            log.update(code="10000" if not code else "40004", sub_code=code)
            return Reply("text/html;charset=utf-8", html_text.encode("utf-8"), log)
        answer = self._dispatch(method, biz, params.get("notify_url", ""))
        if answer is None:
            return self._json("error_response", error("40002", "Invalid Arguments", "isv.invalid-method",
                                                      "不存在的方法名"), log, charset)
        if isinstance(answer, Hold):
            return HOLD
        return self._json(key, answer, log, charset)

    def _dispatch(self, method: str, biz: dict[str, Any], notify_url: str) -> Answer | None:
        if method == "alipay.trade.pay":
            return self.api.pay(biz, notify_url)
        if method == "alipay.trade.query":
            return self.api.query(biz)
        if method == "alipay.trade.cancel":
            return self.api.cancel(biz)
        if method == "alipay.trade.refund":
            return self.api.refund(biz)
        if method == "alipay.trade.precreate":
            return self.orders.precreate(biz, notify_url)
        if method == "alipay.data.dataservice.bill.downloadurl.query":
            return download_url(biz, self.base_url(), self.seller_id)
        if method == "alipay.user.agreement.query":
            book = self.api.book
            with book.lock:
                found = book.agreement_by_no(str(biz.get("agreement_no") or "")) or \
                    book.agreements.get(str(biz.get("external_agreement_no") or ""))
            return self.orders.agreement_query(found)
        return None


def error(code: str, msg: str, sub_code: str, sub_msg: str = "") -> dict[str, Any]:
    """A common (gateway-level) error object."""
    return {"code": code, "msg": msg, "sub_code": sub_code, "sub_msg": sub_msg or sub_code}


def page_error(sub_code: str, log: dict[str, Any]) -> Reply:
    """A page API's error: Alipay shows an error page rather than JSON."""
    log.update(code="40002", sub_code=sub_code)
    body = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>支付宝</title></head><body>'
            f"<h1>错误代码 {sub_code}</h1></body></html>")
    return Reply("text/html;charset=utf-8", body.encode("utf-8"), log)


def _masked(content: str) -> str:
    """The verified string with any auth_code in biz_content masked."""
    marker = '"auth_code":"'
    start = content.find(marker)
    if start < 0:
        return content
    start += len(marker)
    end = content.find('"', start)
    return content[:start] + mask(content[start:end]) + content[end:]
