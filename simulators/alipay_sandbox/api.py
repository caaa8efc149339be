"""The trade APIs: biz_content in, the `<method>_response` object out (or HOLD: the answer is lost)."""
from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from simulators.alipay_sandbox.codes import HOLD, Answer, auth_code_valid, failed, ok
from simulators.alipay_sandbox.notify import Notifier
from simulators.alipay_sandbox.trades import (
    HELD,
    AgreementStatus,
    Book,
    LedgerStatus,
    Refund,
    Script,
    Trade,
    TradeStatus,
    money,
    now_text,
)


class Api:
    """Alipay's trade APIs over the sandbox's Book; timers for pending and late successes."""

    def __init__(self, book: Book, notifier: Notifier, stop: threading.Event, base_url: Callable[[], str]) -> None:
        self.book, self.notifier, self.stop, self.base_url = book, notifier, stop, base_url

    def later(self, seconds: float, action: Callable[[], None]) -> None:
        """Run `action` after `seconds` unless the sandbox stops first."""
        def run() -> None:
            if not self.stop.wait(seconds):
                action()
        threading.Thread(target=run, daemon=True).start()

    def _paid_fields(self, trade: Trade) -> dict[str, Any]:
        amount = str(trade.amount)
        return {"trade_no": trade.trade_no, "out_trade_no": trade.out_trade_no, "buyer_logon_id": "csq***@sandbox.com",
                "buyer_user_id": "2088102177846880", "total_amount": amount, "receipt_amount": amount,
                "buyer_pay_amount": amount, "invoice_amount": amount, "point_amount": "0.00",
                "fund_bill_list": [{"fund_channel": "ALIPAYACCOUNT", "amount": amount}]}

    def pay(self, biz: dict[str, Any], notify_url: str) -> Answer:
        """alipay.trade.pay: a payment code (scene bar_code) or a withholding agreement (GENERAL_WITHHOLDING)."""
        otn, amount = str(biz.get("out_trade_no") or ""), money(str(biz.get("total_amount") or ""))
        if not otn or amount is None or not biz.get("subject"):
            return failed("ACQ.INVALID_PARAMETER")
        with self.book.lock:
            known = self.book.trades.get(otn)
            if known is not None:
                return self._pay_again(known)
            agreement_no = ""
            if biz.get("product_code") == "GENERAL_WITHHOLDING":
                agreement_no = str((biz.get("agreement_params") or {}).get("agreement_no") or "")
                agreement = self.book.agreement_by_no(agreement_no)
                if agreement is None:
                    return failed("ACQ.AGREEMENT_NOT_EXIST")
                if agreement.status != AgreementStatus.NORMAL:
                    return failed("ACQ.AGREEMENT_STATUS_NOT_NORMAL")
            elif biz.get("scene") not in ("bar_code", "wave_code", "security_code") \
                    or not auth_code_valid(str(biz.get("auth_code") or "")):
                return failed("ACQ.PAYMENT_AUTH_CODE_INVALID")
            script, arg = self.book.script_for(amount)
            trade = Trade(otn, amount, str(biz["subject"]), script, arg, notify_url, agreement_no=agreement_no)
            self.book.trades[otn] = trade
            return self._run_script(trade)

    def _run_script(self, trade: Trade) -> Answer:
        if trade.script in (Script.APPROVE, Script.SYSTEM_ERROR):
            trade.pay_now()
            return failed("ACQ.SYSTEM_ERROR") if trade.script == Script.SYSTEM_ERROR else \
                ok(**self._paid_fields(trade), gmt_payment=trade.paid_at)
        if trade.script == Script.DECLINE:
            trade.status, trade.ledger = TradeStatus.TRADE_CLOSED, LedgerStatus.DECLINED
            trade.declined_code = trade.arg or "ACQ.BUYER_BALANCE_NOT_ENOUGH"
            return failed(trade.declined_code)
        if trade.script == Script.PENDING:
            self.later(float(trade.arg or 5), lambda: self._buyer_confirmed(trade))
            return {"code": "10003", "msg": "order success pay inprocess", "trade_no": trade.trade_no,
                    "out_trade_no": trade.out_trade_no, "buyer_logon_id": "csq***@sandbox.com",
                    "total_amount": str(trade.amount)}
        return HOLD

    def _pay_again(self, trade: Trade) -> Answer:
        if trade.status == TradeStatus.TRADE_SUCCESS:
            return failed("ACQ.TRADE_HAS_SUCCESS")
        if trade.status == TradeStatus.TRADE_CLOSED:
            return failed(trade.declined_code or "ACQ.TRADE_HAS_CLOSE")
        if trade.script in HELD:
            return HOLD
        return {"code": "10003", "msg": "order success pay inprocess", "trade_no": trade.trade_no,
                "out_trade_no": trade.out_trade_no}

    def _buyer_confirmed(self, trade: Trade) -> None:
        with self.book.lock:
            if trade.status != TradeStatus.WAIT_BUYER_PAY:
                return   # cancelled meanwhile
            trade.pay_now()
        self.book.write_ledger()
        self.notifier.trade(trade)

    def query(self, biz: dict[str, Any]) -> Answer:
        """alipay.trade.query: the trade's status (ACQ.TRADE_NOT_EXIST for a QR order nobody scanned yet)."""
        with self.book.lock:
            trade = self.book.find(biz)
            if trade is None:
                return failed("ACQ.TRADE_NOT_EXIST")
            if trade.status == TradeStatus.WAIT_BUYER_PAY and trade.script in HELD and not trade.qr_token:
                return HOLD
            fields = self._paid_fields(trade)
            if trade.status != TradeStatus.TRADE_SUCCESS:
                fields.update(receipt_amount="0.00", buyer_pay_amount="0.00", invoice_amount="0.00",
                              fund_bill_list=[])
            if trade.paid_at:
                fields["send_pay_date"] = trade.paid_at
            return ok(**fields, trade_status=trade.status.value)

    def cancel(self, biz: dict[str, Any]) -> Answer:
        """alipay.trade.cancel: close an unpaid trade, refund a paid one; an unknown one is closed for good."""
        otn = str(biz.get("out_trade_no") or "")
        with self.book.lock:
            trade = self.book.trades.get(otn)
            if trade is None:   # the pay may still be on its way: closed now, so it is refused when it lands
                trade = Trade(otn, Decimal("0.00"), "", Script.APPROVE, "")
                self.book.trades[otn] = trade
            if trade.script == Script.CANCEL_RETRY and trade.cancels == 0:
                trade.cancels += 1
                return {**failed("ACQ.SYSTEM_ERROR"), "retry_flag": "Y"}
            trade.cancels += 1
            if not trade.cancel_action:
                trade.cancel_action = self._close(trade)
            answer = ok(trade_no=trade.trade_no, out_trade_no=otn, retry_flag="N", action=trade.cancel_action)
            if trade.cancel_action == "refund":
                answer.update(gmt_refund_pay=now_text(), refund_settlement_id=trade.trade_no[-12:])
        self.book.write_ledger()
        return answer

    def _close(self, trade: Trade) -> str:
        paid = trade.status == TradeStatus.TRADE_SUCCESS
        trade.status, trade.ledger = TradeStatus.TRADE_CLOSED, LedgerStatus.REVERSED
        if trade.script == Script.LATE_SUCCESS and not paid:
            self.later(float(trade.arg or 1), lambda: self._late_success(trade))
        if paid:
            trade.refunds[trade.out_trade_no] = Refund(trade.amount - trade.refunded, now_text())
            trade.refunded = trade.amount
            return "refund"
        return "close"

    def _late_success(self, trade: Trade) -> None:
        with self.book.lock:
            trade.pay_now()
        self.book.write_ledger()
        self.notifier.trade(trade)

    def refund(self, biz: dict[str, Any]) -> Answer:
        """alipay.trade.refund: idempotent by out_request_no; never more than what is left."""
        amount = money(str(biz.get("refund_amount") or ""))
        with self.book.lock:
            trade = self.book.find(biz)
            if trade is None:
                return failed("ACQ.TRADE_NOT_EXIST")
            request_no = str(biz.get("out_request_no") or trade.out_trade_no)
            fields = {"trade_no": trade.trade_no, "out_trade_no": trade.out_trade_no,
                      "buyer_logon_id": "csq***@sandbox.com", "buyer_user_id": "2088102177846880"}
            seen = trade.refunds.get(request_no)
            if seen is not None:
                if amount != seen.amount:
                    return failed("ACQ.INVALID_PARAMETER")
                return ok(**fields, fund_change="N", refund_fee=str(trade.refunded), gmt_refund_pay=seen.at)
            if amount is None:
                return failed("ACQ.INVALID_PARAMETER")
            if trade.status != TradeStatus.TRADE_SUCCESS:
                return failed("ACQ.TRADE_STATUS_ERROR")
            if trade.refunded + amount > trade.amount:
                return failed("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL")
            trade.refunds[request_no] = Refund(amount, now_text())
            trade.refunded += amount
            whole = trade.refunded == trade.amount
            if whole:
                trade.status = TradeStatus.TRADE_CLOSED
            answer = ok(**fields, fund_change="Y", refund_fee=str(trade.refunded), send_back_fee=str(amount),
                        gmt_refund_pay=trade.refunds[request_no].at)
        self.book.write_ledger()
        if whole:
            self.notifier.trade(trade, refund_no=request_no)
        return answer
