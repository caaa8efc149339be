"""Asynchronous notifications: a signed form POSTed to the merchant's notify_url until it answers `success`.

Alipay retries at 4m, 10m, 10m, 1h, 2h, 6h, 15h; the sandbox keeps the shape on a shorter clock (RETRY_S).
"""
from __future__ import annotations

import json
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from simulators.alipay_sandbox.signing import NOTIFY_UNSIGNED, sign, signing_string
from simulators.alipay_sandbox.trades import Agreement, Trade, TradeStatus, now_text

RETRY_S = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
POST_TIMEOUT_S = 3.0


class Notifier:
    """Sends notifications signed with the sandbox's key, each from its own thread, retried with backoff."""

    def __init__(self, key: rsa.RSAPrivateKey, app_id: str, seller_id: str, say: Callable[[dict[str, Any]], None],
                 stop: threading.Event) -> None:
        self.key, self.app_id, self.seller_id, self.say, self.stop = key, app_id, seller_id, say, stop

    def _common(self, notify_type: str) -> dict[str, str]:
        return {"notify_time": now_text(), "notify_type": notify_type, "notify_id": secrets.token_hex(16),
                "app_id": self.app_id, "auth_app_id": self.app_id, "charset": "utf-8", "version": "1.0",
                "sign_type": "RSA2"}

    def trade(self, trade: Trade, refund_no: str = "") -> None:
        """trade_status_sync for a trade that was paid (TRADE_SUCCESS) or closed after a refund (TRADE_CLOSED)."""
        if not trade.notify_url:
            return
        params = {**self._common("trade_status_sync"), "out_trade_no": trade.out_trade_no,
                  "trade_no": trade.trade_no, "trade_status": trade.status.value, "total_amount": str(trade.amount),
                  "receipt_amount": str(trade.amount), "invoice_amount": str(trade.amount),
                  "buyer_pay_amount": str(trade.amount), "point_amount": "0.00", "subject": trade.subject,
                  "gmt_create": trade.created_at, "gmt_payment": trade.paid_at, "seller_id": self.seller_id,
                  "buyer_id": "2088102177846880", "buyer_logon_id": "csq***@sandbox.com",
                  "fund_bill_list": json.dumps([{"amount": str(trade.amount), "fundChannel": "ALIPAYACCOUNT"}],
                                               separators=(",", ":"))}
        if trade.status == TradeStatus.TRADE_CLOSED and refund_no:
            params.update(refund_fee=str(trade.refunded), gmt_refund=now_text(), out_biz_no=refund_no,
                          gmt_close=now_text())
        self._send(trade.notify_url, params, trade.out_trade_no)

    def agreement(self, agreement: Agreement) -> None:
        """dut_user_sign: the member signed; carries agreement_no and our external_agreement_no."""
        if not agreement.notify_url:
            return
        params = {**self._common("dut_user_sign"), "agreement_no": agreement.agreement_no,
                  "external_agreement_no": agreement.external_agreement_no, "status": agreement.status.value,
                  "personal_product_code": agreement.personal_product_code, "sign_scene": agreement.sign_scene,
                  "sign_time": agreement.sign_time, "valid_time": agreement.sign_time,
                  "invalid_time": "2115-02-01 00:00:00", "alipay_user_id": agreement.alipay_user_id,
                  "partner_id": self.seller_id}
        self._send(agreement.notify_url, params, agreement.external_agreement_no)

    def _send(self, url: str, params: dict[str, str], subject: str) -> None:
        params = {k: v for k, v in params.items() if v != ""}   # Alipay sends no empty parameter
        params["sign"] = sign(self.key, signing_string(params, NOTIFY_UNSIGNED))
        body = urllib.parse.urlencode(params).encode("utf-8")
        threading.Thread(target=self._deliver, args=(url, body, params["notify_type"], subject),
                         name=f"alipay-notify-{subject}", daemon=True).start()

    def _deliver(self, url: str, body: bytes, kind: str, subject: str) -> None:
        for attempt, delay in enumerate((0.0, *RETRY_S), start=1):
            if delay and self.stop.wait(delay):
                return
            answer = self._post(url, body)
            self.say({"notify": kind, "subject": subject, "attempt": attempt, "accepted": answer == b"success"})
            if answer == b"success":  # Alipay wants these 7 characters exactly, else it sends again
                return

    @staticmethod
    def _post(url: str, body: bytes) -> bytes:
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=POST_TIMEOUT_S) as response:
                return bytes(response.read())
        except (urllib.error.URLError, OSError, ValueError):
            return b""
