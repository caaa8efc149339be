"""WeChat Pay API v2 as a Provider: 付款码支付 (micropay, orderquery, reverse, refund) and Native QR orders.

The calls go through wechatpy 1.8.18 (CheckedWeChatPay adds the response signature check it lacks); answers are
mapped in wechat_answers. Amounts: our decimal yuan strings <-> WeChat's integer fen (total_fee).
WeChat v2 has no withholding agreement we can use here (代扣 is a separate contract with its own signing flow):
pay_agreement and agreement_sign raise ProviderUnsupported.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import requests
from wechatpy.exceptions import WeChatPayException

from sync.gateway.provider import (
    BadNotification,
    BillRow,
    Notification,
    NotificationKind,
    ProviderAnswer,
    ProviderName,
    ProviderUnsupported,
)
from sync.gateway.wechat_answers import (
    close_answer,
    pay_answer,
    precreate_answer,
    query_answer,
    refund_answer,
    reverse_answer,
    succeeded,
    to_fen,
    to_yuan,
)
from sync.gateway.wechat_bill import BillError, parse_bill
from sync.gateway.wechat_client import CheckedWeChatPay, ResponseRefused, flat_fields, response_signature_ok
from sync.gateway.wechat_config import WechatCredentials, load_credentials
from terminal.payments.acquirer import AcquirerStatus

log = logging.getLogger(__name__)
NO_BILL = "No Bill Exist"
CONTENT_TYPE = "text/xml; charset=utf-8"


class WechatProvider:
    """One merchant's WeChat Pay v2 account, called with wechatpy."""

    name = ProviderName.WECHAT

    def __init__(self, creds: WechatCredentials, notify_url: str, timeout_s: float) -> None:
        self.creds, self.notify_url = creds, notify_url
        self.client = CheckedWeChatPay(creds, timeout_s)

    @classmethod
    def from_file(cls, path: Path | str, notify_url: str, timeout_s: float) -> WechatProvider:
        """From wechatpay.json; ConfigError naming the file when it or a key file is unreadable or not 0600."""
        return cls(load_credentials(Path(path)), notify_url, timeout_s)

    def _call(self, op: str, call: Callable[[], Any]) -> dict[str, str] | ProviderAnswer:
        """The checked answer's fields, or `unknown` for a timeout, a network error or an untrusted response."""
        try:
            reply = call()
        except requests.Timeout:
            return ProviderAnswer(AcquirerStatus.UNKNOWN, f"{op}: no answer in time")
        except requests.RequestException as err:
            return ProviderAnswer(AcquirerStatus.UNKNOWN, f"{op}: {type(err).__name__}")
        except ResponseRefused as err:
            log.warning("wechat %s: response refused: %s", op, err)
            return ProviderAnswer(AcquirerStatus.UNKNOWN, f"{op}: response refused ({err})")
        except WeChatPayException as err:   # an HTTP error status
            status = getattr(err.response, "status_code", "?")
            return ProviderAnswer(AcquirerStatus.UNKNOWN, f"{op}: HTTP {status}")
        except (OSError, ValueError) as err:   # e.g. the certificate file vanished since the start
            log.warning("wechat %s: %s", op, type(err).__name__)
            return ProviderAnswer(AcquirerStatus.UNKNOWN, f"{op}: {type(err).__name__}")
        if not isinstance(reply, dict):
            return ProviderAnswer(AcquirerStatus.UNKNOWN, f"{op}: not an XML answer")
        return reply

    def pay(self, out_trade_no: str, amount: str, subject: str, auth_code: str) -> ProviderAnswer:
        """micropay with the customer's payment code."""
        try:
            fee = to_fen(amount)
        except ValueError as err:
            return ProviderAnswer(AcquirerStatus.DECLINED, str(err))
        reply = self._call("micropay", lambda: self.client.micropay.create(
            body=subject[:128] or out_trade_no, total_fee=fee, auth_code=auth_code, client_ip=self.creds.client_ip,
            out_trade_no=out_trade_no))
        if isinstance(reply, ProviderAnswer):
            return reply
        if reply.get("err_code") == "ORDERPAID":     # a repeated pay: the trade's own state tells
            return self.query(out_trade_no)
        if succeeded(reply) and (reply.get("out_trade_no") != out_trade_no or reply.get("total_fee") != str(fee)):
            return ProviderAnswer(AcquirerStatus.UNKNOWN, "micropay answered for another trade or amount")
        return pay_answer(reply)

    def pay_agreement(self, out_trade_no: str, amount: str, subject: str, agreement_no: str) -> ProviderAnswer:
        """Not offered: WeChat Pay v2 withholding (代扣) is a separate contract."""
        raise ProviderUnsupported("WeChat Pay v2: no withholding agreement (代扣 needs its own contract)")

    def query(self, out_trade_no: str) -> ProviderAnswer:
        """orderquery."""
        reply = self._call("orderquery", lambda: self.client.order.query(out_trade_no=out_trade_no))
        return reply if isinstance(reply, ProviderAnswer) else query_answer(reply)

    def reverse(self, out_trade_no: str) -> ProviderAnswer:
        """reverse (client certificate); a NATIVE order, which reverse refuses, is closed with closeorder."""
        reply = self._call("reverse", lambda: self.client.order.reverse(out_trade_no=out_trade_no))
        if isinstance(reply, ProviderAnswer):
            return ProviderAnswer(reply.status, reply.reason, retry=True)
        if reply.get("err_code") == "TRADE_ERROR":
            closed = self._call("closeorder", lambda: self.client.order.close(out_trade_no))
            return closed if isinstance(closed, ProviderAnswer) else close_answer(closed)
        return reverse_answer(reply)

    def refund(self, out_trade_no: str, amount: str, refund_no: str, reason: str) -> ProviderAnswer:
        """refund (client certificate) after orderquery gives the trade's total_fee; idempotent by refund_no."""
        try:
            fee = to_fen(amount)
        except ValueError as err:
            return ProviderAnswer(AcquirerStatus.FAILED, str(err))
        trade = self._call("orderquery", lambda: self.client.order.query(out_trade_no=out_trade_no))
        if isinstance(trade, ProviderAnswer):
            return trade
        if not succeeded(trade):
            found = trade.get("err_code") != "ORDERNOTEXIST"
            return query_answer(trade) if found else ProviderAnswer(AcquirerStatus.FAILED, "no such trade")
        total = int(trade.get("total_fee") or 0)
        reply = self._call("refund", lambda: self.client.refund.apply(
            total_fee=total, refund_fee=fee, out_refund_no=refund_no, out_trade_no=out_trade_no,
            refund_desc=reason[:80] or None))
        return reply if isinstance(reply, ProviderAnswer) else refund_answer(reply)

    def precreate(self, out_trade_no: str, amount: str, subject: str) -> ProviderAnswer:
        """unifiedorder trade_type NATIVE: `created` with its code_url."""
        try:
            fee = to_fen(amount)
        except ValueError as err:
            return ProviderAnswer(AcquirerStatus.FAILED, str(err))
        reply = self._call("unifiedorder", lambda: self.client.order.create(
            trade_type="NATIVE", body=subject[:128] or out_trade_no, total_fee=fee, notify_url=self.notify_url,
            client_ip=self.creds.client_ip, out_trade_no=out_trade_no, product_id=out_trade_no))
        return reply if isinstance(reply, ProviderAnswer) else precreate_answer(reply)

    def agreement_sign(self, external_id: str) -> ProviderAnswer:
        """Not offered (see pay_agreement)."""
        raise ProviderUnsupported("WeChat Pay v2: no withholding agreement (代扣 needs its own contract)")

    def parse_notify(self, body: bytes, content_type: str) -> Notification:
        """A payment notification whose signature matches the API key and which names our appid and mch_id."""
        try:
            fields = flat_fields(body.decode("utf-8"))
        except (ResponseRefused, UnicodeDecodeError) as err:
            raise BadNotification(f"not a WeChat notification: {err}") from err
        if fields.get("return_code") != "SUCCESS":
            raise BadNotification(f"return_code {fields.get('return_code', '')}: {fields.get('return_msg', '')}")
        if not response_signature_ok(fields, self.creds.api_key, fields.get("sign_type", "") or "MD5"):
            raise BadNotification("the notification's signature does not match the API key")
        if fields.get("appid") != self.creds.appid or fields.get("mch_id") != self.creds.mch_id:
            raise BadNotification("the notification is for another merchant")
        if not fields.get("out_trade_no"):
            raise BadNotification("no out_trade_no")
        paid = fields.get("result_code") == "SUCCESS"
        return Notification(NotificationKind.PAYMENT, out_trade_no=fields["out_trade_no"],
                            status=AcquirerStatus.SUCCESS if paid else AcquirerStatus.DECLINED,
                            trade_no=fields.get("transaction_id", ""),
                            amount=to_yuan(fields["total_fee"]) if fields.get("total_fee", "").isdigit() else "")

    def notify_answer(self, ok: bool) -> tuple[bytes, str]:
        """<xml><return_code>SUCCESS</return_code>...: WeChat stops retrying; FAIL: it notifies again."""
        code, msg = ("SUCCESS", "OK") if ok else ("FAIL", "rejected")
        body = f"<xml><return_code><![CDATA[{code}]]></return_code><return_msg><![CDATA[{msg}]]></return_msg></xml>"
        return body.encode(), CONTENT_TYPE

    def bill(self, day: date) -> list[BillRow]:
        """downloadbill (bill_type ALL) for a day in China Standard Time; BillError when it cannot be had."""
        try:
            reply = self.client.tools.download_bill(day)
        except (requests.RequestException, WeChatPayException, ResponseRefused) as err:
            raise BillError(f"WeChat Pay bill of {day}: {type(err).__name__}: {err}") from err
        if isinstance(reply, str):
            return parse_bill(reply)
        if reply.get("return_msg") == NO_BILL:
            return []
        raise BillError(f"WeChat Pay bill of {day}: {reply.get('return_msg', '')} {reply.get('error_code', '')}")
