"""AlipayProvider: the Provider port (sync/gateway/provider.py) over Alipay OpenAPI with python-alipay-sdk (RSA2).

The SDK signs every request with the app's private key and verifies every answer with Alipay's public key
(an answer altered in transit raises AliPayValidationError: we answer `unknown`, never success). What the SDK
has no method for goes through its server_api (the call, verified) or client_api (a signed URL, for the
agreement sign page the member opens). Answers are mapped in sync/gateway/alipay_answers.py.
"""
from __future__ import annotations

import binascii
import http.client
import logging
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from alipay import AliPay
from alipay.exceptions import AliPayException, AliPayValidationError
from alipay.utils import AliPayConfig

from sync.gateway import alipay_answers as answers
from sync.gateway.alipay_bill import BillError, parse_bill
from sync.gateway.alipay_credentials import AlipayCredentials, load_credentials
from sync.gateway.provider import BadNotification, BillRow, Notification, NotificationKind, ProviderAnswer, ProviderName
from terminal.payments.acquirer import AcquirerStatus

log = logging.getLogger(__name__)

NETWORK_ERRORS = (urllib.error.URLError, http.client.HTTPException, socket.timeout, TimeoutError, ConnectionError,
                  OSError)
SIGN_PAGE = "alipay.user.agreement.page.sign"


class AlipayProvider:
    """Alipay for the gateway: trade.pay/query/cancel/refund/precreate, agreements, notifications, bills."""

    name = ProviderName.ALIPAY

    def __init__(self, credentials: AlipayCredentials, notify_url: str, timeout_s: float) -> None:
        self.app_id, self.gateway, self.notify_url, self.timeout_s = (
            credentials.app_id, credentials.gateway, notify_url, timeout_s)
        self.client = AliPay(appid=credentials.app_id, app_notify_url=notify_url,
                             app_private_key_string=credentials.app_private_key,
                             alipay_public_key_string=credentials.alipay_public_key, sign_type="RSA2",
                             config=AliPayConfig(timeout=timeout_s))
        self.client._gateway = credentials.gateway   # the SDK's only knob for the endpoint (sandbox or production)

    @classmethod
    def from_file(cls, path: Path | str, notify_url: str, timeout_s: float) -> AlipayProvider:
        """From alipay.json (and the PEM files it names), each 0600 or stricter: else one ConfigError naming it."""
        return cls(load_credentials(Path(path)), notify_url, timeout_s)

    def _call(self, api: str, call: Callable[[], dict[str, Any]],
              mapper: Callable[[dict[str, Any]], ProviderAnswer]) -> ProviderAnswer:
        try:
            resp = call()
        except AliPayValidationError:
            log.error("alipay %s: the answer's signature does not verify (altered in transit?)", api)
            return ProviderAnswer(AcquirerStatus.UNKNOWN, "Alipay's answer failed its signature check")
        except AliPayException as err:   # an unsigned answer (e.g. invalid app id): the SDK refuses to trust it
            log.error("alipay %s: unsigned error answer from the gateway (%s)", api, str(err)[:200])
            return ProviderAnswer(AcquirerStatus.UNKNOWN, "Alipay answered an unsigned error (check the app id)")
        except NETWORK_ERRORS as err:
            return ProviderAnswer(AcquirerStatus.UNKNOWN, f"no answer from Alipay ({type(err).__name__})")
        except (ValueError, AttributeError, KeyError, TypeError) as err:   # not the JSON Alipay sends
            return ProviderAnswer(AcquirerStatus.UNKNOWN, f"an unreadable answer from Alipay ({type(err).__name__})")
        return mapper(resp if isinstance(resp, dict) else {})

    def pay(self, out_trade_no: str, amount: str, subject: str, auth_code: str) -> ProviderAnswer:
        """alipay.trade.pay, scene bar_code."""
        return self._call("pay", lambda: self.client.api_alipay_trade_pay(
            out_trade_no, "bar_code", auth_code, subject, total_amount=amount), answers.pay_answer)

    def pay_agreement(self, out_trade_no: str, amount: str, subject: str, agreement_no: str) -> ProviderAnswer:
        """alipay.trade.pay with product_code GENERAL_WITHHOLDING under the member's agreement."""
        biz = {"out_trade_no": out_trade_no, "total_amount": amount, "subject": subject,
               "product_code": "GENERAL_WITHHOLDING", "agreement_params": {"agreement_no": agreement_no}}
        return self._call("pay_agreement", lambda: self.client.server_api(
            "alipay.trade.pay", biz, notify_url=self.notify_url), answers.pay_answer)

    def query(self, out_trade_no: str) -> ProviderAnswer:
        """alipay.trade.query."""
        return self._call("query", lambda: self.client.api_alipay_trade_query(out_trade_no=out_trade_no),
                          answers.query_answer)

    def reverse(self, out_trade_no: str) -> ProviderAnswer:
        """alipay.trade.cancel (closes an unpaid trade, refunds a paid one)."""
        return self._call("cancel", lambda: self.client.api_alipay_trade_cancel(out_trade_no=out_trade_no),
                          answers.cancel_answer)

    def refund(self, out_trade_no: str, amount: str, refund_no: str, reason: str) -> ProviderAnswer:
        """alipay.trade.refund with out_request_no = refund_no (the same one twice refunds once)."""
        extra = {"refund_reason": reason} if reason else {}
        return self._call("refund", lambda: self.client.api_alipay_trade_refund(
            amount, out_trade_no=out_trade_no, out_request_no=refund_no, **extra), answers.refund_answer)

    def precreate(self, out_trade_no: str, amount: str, subject: str) -> ProviderAnswer:
        """alipay.trade.precreate: created, payload = the qr_code the kiosk shows."""
        return self._call("precreate", lambda: self.client.api_alipay_trade_precreate(
            subject, out_trade_no, amount, notify_url=self.notify_url), answers.precreate_answer)

    def agreement_sign(self, external_id: str) -> ProviderAnswer:
        """alipay.user.agreement.page.sign: a signed page URL (no call: the member's phone opens it)."""
        biz = {"personal_product_code": "GENERAL_WITHHOLDING_P", "product_code": "GENERAL_WITHHOLDING",
               "sign_scene": "DEFAULT|DEFAULT", "external_agreement_no": external_id,
               "access_params": {"channel": "ALIPAYAPP"}}
        query = self.client.client_api(SIGN_PAGE, biz, notify_url=self.notify_url)
        return ProviderAnswer(AcquirerStatus.CREATED, payload=f"{self.gateway}?{query}")

    def parse_notify(self, body: bytes, content_type: str) -> Notification:
        """A notification POSTed by Alipay, its RSA2 signature verified with Alipay's public key."""
        charset = "gbk" if b"charset=gbk" in body.lower() else "utf-8"
        try:
            data = dict(parse_qsl(body.decode(charset), keep_blank_values=True, strict_parsing=True))
        except (UnicodeDecodeError, ValueError) as err:
            raise BadNotification("not a form-encoded Alipay notification") from err
        signature = data.pop("sign", "")
        if not signature:
            raise BadNotification("the notification is not signed")
        try:
            good = self.client.verify(dict(data), signature)
        except (AliPayException, binascii.Error, ValueError, TypeError) as err:
            raise BadNotification("the notification's signature is malformed") from err
        if not good:
            raise BadNotification("the notification's signature does not verify with Alipay's public key")
        if data.get("app_id", self.app_id) != self.app_id:
            raise BadNotification("the notification is for another app")
        return _notification(data)

    def notify_answer(self, ok: bool) -> tuple[bytes, str]:
        """`success` (Alipay stops sending) or `failure` (it sends again later)."""
        return (b"success" if ok else b"failure"), "text/plain; charset=utf-8"

    def bill(self, day: date) -> list[BillRow]:
        """The trade bill of one Beijing day: downloadurl.query, then the zip at bill_download_url, parsed."""
        try:
            resp = self.client.server_api("alipay.data.dataservice.bill.downloadurl.query",
                                          {"bill_type": "trade", "bill_date": day.isoformat()})
        except (AliPayException, AliPayValidationError, *NETWORK_ERRORS, ValueError) as err:
            raise BillError(f"Alipay's bill for {day} could not be asked for ({type(err).__name__})") from err
        url = str(resp.get("bill_download_url") or "")
        if resp.get("code") != answers.SUCCESS or not url:
            raise BillError(f"Alipay has no bill for {day}: {answers.reason_of(resp)}")
        try:
            with urllib.request.urlopen(url, timeout=max(self.timeout_s, 10.0)) as answer:
                data = answer.read()
        except NETWORK_ERRORS as err:
            raise BillError(f"Alipay's bill for {day} could not be downloaded ({type(err).__name__})") from err
        return parse_bill(data)


def _notification(data: dict[str, str]) -> Notification:
    kind = data.get("notify_type", "")
    if kind == "trade_status_sync":
        status = answers.TRADE_STATUS.get(data.get("trade_status", ""))
        if status is None or not data.get("out_trade_no"):
            raise BadNotification(f"a trade notification with trade_status {data.get('trade_status')!r}")
        return Notification(NotificationKind.PAYMENT, out_trade_no=data["out_trade_no"], status=status,
                            trade_no=data.get("trade_no", ""), amount=data.get("total_amount", ""))
    if kind in ("dut_user_sign", "dut_user_unsign"):
        status = answers.AGREEMENT_STATUS.get(data.get("status", ""))
        if status is None or not data.get("agreement_no"):
            raise BadNotification(f"an agreement notification with status {data.get('status')!r}")
        if kind == "dut_user_unsign":
            status = AcquirerStatus.CLOSED
        return Notification(NotificationKind.AGREEMENT, status=status, agreement_no=data["agreement_no"],
                            external_id=data.get("external_agreement_no", ""))
    raise BadNotification(f"a notification of an unknown notify_type {kind!r}")
