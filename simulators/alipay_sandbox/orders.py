"""Orders a customer completes on their phone: QR orders (precreate, then a scan) and withholding agreements
(alipay.user.agreement.page.sign opened, then signed). The customer's side is /_sandbox/scan and /_sandbox/sign.
"""
from __future__ import annotations

import html
import secrets
import string
from typing import Any

from simulators.alipay_sandbox.api import Api
from simulators.alipay_sandbox.codes import Answer, failed, ok
from simulators.alipay_sandbox.trades import (
    HELD,
    Agreement,
    AgreementStatus,
    LedgerStatus,
    Script,
    Trade,
    TradeStatus,
    digits,
    money,
    now_text,
)

QR_PREFIX = "https://qr.alipay.com/"
PRODUCT_CODES = {"GENERAL_WITHHOLDING_P": "GENERAL_WITHHOLDING", "CYCLE_PAY_AUTH_P": "CYCLE_PAY_AUTH"}


class CustomerError(ValueError):
    """A customer action the sandbox cannot do (no such order, already closed)."""


class Orders:
    """precreate, the page sign API, and the customer's scan and sign."""

    def __init__(self, api: Api, auto_scan_s: float | None = None) -> None:
        self.api, self.book, self.auto_scan_s = api, api.book, auto_scan_s

    def precreate(self, biz: dict[str, Any], notify_url: str) -> Answer:
        """alipay.trade.precreate: a qr_code for the order (the trade exists at Alipay once a buyer scans it)."""
        otn, amount = str(biz.get("out_trade_no") or ""), money(str(biz.get("total_amount") or ""))
        if not otn or amount is None or not biz.get("subject"):
            return failed("ACQ.INVALID_PARAMETER")
        with self.book.lock:
            trade = self.book.trades.get(otn)
            if trade is None:
                script, arg = self.book.script_for(amount)
                token = "bax0" + "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(20))
                trade = Trade(otn, amount, str(biz["subject"]), script, arg, notify_url, qr_token=token)
                trade.ledger = LedgerStatus.CREATED
                self.book.trades[otn] = trade
                if self.auto_scan_s is not None and script not in HELD:   # silent: nobody ever pays
                    self.api.later(self.auto_scan_s, lambda: self._auto_scan(otn))
            elif trade.status == TradeStatus.TRADE_SUCCESS:
                return failed("ACQ.TRADE_HAS_SUCCESS")
            elif trade.status == TradeStatus.TRADE_CLOSED or not trade.qr_token:
                return failed("ACQ.TRADE_HAS_CLOSE")
        self.book.write_ledger()
        return ok(out_trade_no=otn, qr_code=QR_PREFIX + trade.qr_token)

    def _auto_scan(self, otn: str) -> None:
        try:
            self.scan({"out_trade_no": otn})
        except CustomerError:
            pass  # closed before the customer got to it

    def scan(self, body: dict[str, Any]) -> dict[str, Any]:
        """A buyer scans a QR order (by out_trade_no or the qr_code text) and pays as its script says."""
        qr, otn = str(body.get("qr_code") or ""), str(body.get("out_trade_no") or "")
        with self.book.lock:
            if qr:
                token = qr.removeprefix(QR_PREFIX)
                trade = next((t for t in self.book.trades.values() if t.qr_token and t.qr_token == token), None)
            else:
                trade = self.book.trades.get(otn)
            if trade is None or not trade.qr_token:
                raise CustomerError("no such QR order")
            if trade.status != TradeStatus.WAIT_BUYER_PAY or trade.scanned:
                raise CustomerError(f"the order is {trade.status.value}" + (" (scanned)" if trade.scanned else ""))
            trade.scanned, trade.ledger = True, LedgerStatus.PENDING
            if trade.script == Script.DECLINE:
                answer = {"out_trade_no": trade.out_trade_no, "paid": False,
                          "sub_code": trade.arg or "ACQ.BUYER_BALANCE_NOT_ENOUGH"}
            elif trade.script == Script.PENDING:
                self.api.later(float(trade.arg or 5), lambda: self.api._buyer_confirmed(trade))
                answer = {"out_trade_no": trade.out_trade_no, "paid": False, "pending_s": float(trade.arg or 5)}
            else:
                trade.pay_now()
                answer = {"out_trade_no": trade.out_trade_no, "paid": True, "trade_no": trade.trade_no}
        self.book.write_ledger()
        if answer["paid"]:
            self.api.notifier.trade(trade)
        return answer

    def page_sign(self, biz: dict[str, Any], notify_url: str) -> tuple[str, str]:
        """alipay.user.agreement.page.sign opened by the member: (error code or "", the HTML page)."""
        ext, personal = str(biz.get("external_agreement_no") or ""), str(biz.get("personal_product_code") or "")
        if not ext or personal not in PRODUCT_CODES:
            return "ACQ.INVALID_PARAMETER", _page("签约失败", "参数无效 (external_agreement_no, personal_product_code)")
        with self.book.lock:
            known = self.book.agreements.get(ext)
            if known is None or known.status != AgreementStatus.NORMAL:
                self.book.agreements[ext] = Agreement(ext, notify_url, personal,
                                                      str(biz.get("sign_scene") or "DEFAULT|DEFAULT"))
        form = (f'<form method="post" action="/_sandbox/sign"><input type="hidden" name="external_agreement_no" '
                f'value="{html.escape(ext)}"><button>同意协议并开通</button></form>')
        return "", _page("支付宝免密支付（代扣）签约", f"商户协议号 {html.escape(ext)}" + form)

    def sign(self, external_agreement_no: str) -> dict[str, Any]:
        """The member agrees on the page: the agreement becomes NORMAL and the merchant is notified."""
        with self.book.lock:
            agreement = self.book.agreements.get(external_agreement_no)
            if agreement is None:
                raise CustomerError("no sign page was opened for this external_agreement_no")
            if agreement.status != AgreementStatus.NORMAL:
                agreement.status, agreement.sign_time = AgreementStatus.NORMAL, now_text()
                agreement.agreement_no = now_text()[:4] + digits(16)
        self.api.notifier.agreement(agreement)
        return {"external_agreement_no": external_agreement_no, "agreement_no": agreement.agreement_no,
                "status": agreement.status.value}

    @staticmethod
    def agreement_query(book_agreement: Agreement | None) -> dict[str, Any]:
        """alipay.user.agreement.query's answer for one agreement."""
        if book_agreement is None or book_agreement.status != AgreementStatus.NORMAL:
            return failed("ACQ.AGREEMENT_NOT_EXIST")
        return ok(agreement_no=book_agreement.agreement_no, status=book_agreement.status.value,
                  external_agreement_no=book_agreement.external_agreement_no,
                  personal_product_code=book_agreement.personal_product_code, sign_time=book_agreement.sign_time,
                  principal_id=book_agreement.alipay_user_id)


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
            f"<body><h1>{html.escape(title)}</h1><p>{body}</p></body></html>")
