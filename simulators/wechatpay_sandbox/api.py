"""One function per WeChat Pay v2 path: a signed, checked request's fields in, the response's fields out.

`None` means the script holds the request unanswered (silent, late-success). Responses are signed by the server.
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from simulators.wechatpay_sandbox.book import OPEN, PAID, Book, Refund, Script, Trade, beijing_now
from simulators.wechatpay_sandbox.credentials import Merchant
from simulators.wechatpay_sandbox.wire import ERR_TEXT, Code, TradeState, fail

Fields = dict[str, str]
AUTH_CODE = re.compile(r"^1[0-5]\d{16}$")
OUT_TRADE_NO = re.compile(r"^[0-9A-Za-z_\-|*@]{1,32}$")    # WeChat: at most 32 of these characters
MICROPAY, NATIVE = "MICROPAY", "NATIVE"
STATE_TEXT = {TradeState.SUCCESS: "支付成功", TradeState.REFUND: "转入退款", TradeState.NOTPAY: "未支付",
              TradeState.CLOSED: "已关闭", TradeState.REVOKED: "已撤销（刷卡支付）",
              TradeState.USERPAYING: "用户支付中", TradeState.PAYERROR: "支付失败"}


def _ok(m: Merchant, **extra: str) -> Fields:
    return {"return_code": Code.SUCCESS, "return_msg": "OK", "appid": m.appid, "mch_id": m.mch_id,
            "result_code": Code.SUCCESS, **extra}


def _err(m: Merchant, code: str, **extra: str) -> Fields:
    return {"return_code": Code.SUCCESS, "return_msg": "OK", "appid": m.appid, "mch_id": m.mch_id,
            "result_code": Code.FAIL, "err_code": code, "err_code_des": ERR_TEXT.get(code, code), **extra}


def trade_fields(trade: Trade) -> Fields:
    """The paid trade's fields (micropay, orderquery and the notification carry them)."""
    return {"openid": trade.openid, "is_subscribe": "N", "trade_type": trade.trade_type, "bank_type": "OTHERS",
            "fee_type": "CNY", "total_fee": str(trade.total_fee), "cash_fee_type": "CNY",
            "cash_fee": str(trade.total_fee), "transaction_id": trade.transaction_id,
            "out_trade_no": trade.out_trade_no,
            "time_end": (trade.paid_at or beijing_now()).strftime("%Y%m%d%H%M%S")}


def _missing(f: Fields, *names: str) -> str:
    return next((n for n in names if not f.get(n)), "")


def _fee(text: str) -> int:
    return int(text) if text.isdigit() and int(text) > 0 else 0


def _find(book: Book, f: Fields) -> Trade | None:
    if f.get("out_trade_no"):
        return book.trades.get(f["out_trade_no"])
    return next((t for t in book.trades.values() if t.transaction_id == f.get("transaction_id")), None)


def micropay(book: Book, m: Merchant, f: Fields) -> Fields | None:
    """付款码支付: the customer's 18-digit code is charged, or waits for the password (USERPAYING)."""
    if lack := _missing(f, "body", "out_trade_no", "total_fee", "spbill_create_ip", "auth_code"):
        return _err(m, "PARAM_ERROR", err_code_des=f"缺少参数{lack}")
    fee = _fee(f["total_fee"])
    if not fee or not OUT_TRADE_NO.match(f["out_trade_no"]):
        return _err(m, "PARAM_ERROR", err_code_des="total_fee 或 out_trade_no 参数错误")
    if not AUTH_CODE.match(f["auth_code"]):
        return _err(m, "AUTH_CODE_INVALID")
    with book.lock:
        trade = book.trades.get(f["out_trade_no"])
        if trade is not None:
            if book.held(trade):
                return None
            if trade.state in PAID:
                return _err(m, "ORDERPAID")
            code = {TradeState.REVOKED: "ORDERREVERSED", TradeState.CLOSED: "ORDERCLOSED",
                    TradeState.USERPAYING: "USERPAYING"}.get(trade.state, trade.err_code or "TRADE_ERROR")
            return _err(m, code)
        trade = book.new_trade(f["out_trade_no"], fee, MICROPAY, TradeState.USERPAYING)
        trade.body = f["body"]
        if trade.script == Script.APPROVE:
            trade.pay()
            return _ok(m, **trade_fields(trade))
        if trade.script == Script.DECLINE:
            trade.state, trade.err_code = TradeState.PAYERROR, trade.arg or "NOTENOUGH"
            return _err(m, trade.err_code)
        if trade.script == Script.PENDING:
            trade.due = book.after(trade.arg, 5)
            return _err(m, "USERPAYING")
        return None


def orderquery(book: Book, m: Merchant, f: Fields) -> Fields | None:
    """查询订单: trade_state and, once paid, the trade's fields."""
    book.advance()
    with book.lock:
        trade = _find(book, f)
        if trade is None:
            return _err(m, "ORDERNOTEXIST")
        if book.held(trade):
            return None
        extra = trade_fields(trade) if trade.state in PAID else {"out_trade_no": trade.out_trade_no,
                                                                  "total_fee": str(trade.total_fee),
                                                                  "trade_type": trade.trade_type}
        return _ok(m, trade_state=trade.state, trade_state_desc=STATE_TEXT[trade.state], **extra)


def reverse(book: Book, m: Merchant, f: Fields) -> Fields | None:
    """撤销订单 (client certificate): closes a micropay trade whatever its state; recall=Y asks to call again."""
    with book.lock:
        trade = _find(book, f)
        if trade is None:
            return _err(m, "ORDERNOTEXIST", recall="N")
        if trade.trade_type != MICROPAY:
            return _err(m, "TRADE_ERROR", recall="N", err_code_des="非付款码支付订单不可撤销，请调用关单接口")
        trade.reverse_calls += 1
        if trade.script == Script.PENDING and trade.state == TradeState.USERPAYING and trade.reverse_calls == 1:
            return _err(m, "SYSTEMERROR", recall="Y", err_code_des="用户支付中，请稍后再次调用撤销")
        _close(book, trade, TradeState.REVOKED)
        return _ok(m, recall="N")


def _close(book: Book, trade: Trade, state: TradeState) -> None:
    if trade.state in PAID:
        trade.reversed_paid = True
    elif trade.script == Script.LATE_SUCCESS and trade.state in OPEN:
        trade.due = book.after(trade.arg, 1)
    if trade.state != TradeState.CLOSED:
        trade.state = state


def closeorder(book: Book, m: Merchant, f: Fields) -> Fields | None:
    """关闭订单: an unpaid order can no longer be paid."""
    with book.lock:
        trade = _find(book, f)
        if trade is None:
            return _err(m, "ORDERNOTEXIST")
        if trade.state in PAID:
            return _err(m, "ORDERPAID")
        if trade.state in (TradeState.CLOSED, TradeState.REVOKED) and trade.due is None:
            return _err(m, "ORDERCLOSED")
        _close(book, trade, TradeState.CLOSED)
        return _ok(m)


def refund(book: Book, m: Merchant, f: Fields) -> Fields | None:
    """申请退款 (client certificate): the same out_refund_no refunds once."""
    if lack := _missing(f, "out_refund_no", "total_fee", "refund_fee"):
        return _err(m, "PARAM_ERROR", err_code_des=f"缺少参数{lack}")
    total, fee = _fee(f["total_fee"]), _fee(f["refund_fee"])
    if not fee or not total or fee > total:
        return fail("invalid refund_fee")
    with book.lock:
        trade = _find(book, f)
        if trade is None:
            return _err(m, "ORDERNOTEXIST")
        if total != trade.total_fee:
            return _err(m, "PARAM_ERROR", err_code_des="订单金额与支付金额不一致")
        known = trade.refunds.get(f["out_refund_no"])
        if known is not None and known.fee != fee:
            return _err(m, "REFUND_FEE_MISMATCH")
        if known is None:
            if trade.state not in PAID:
                return _err(m, "TRADE_ERROR", err_code_des="订单未支付或已撤销，不能退款")
            if trade.refunded + fee > trade.total_fee:
                return _err(m, "ERROR")
            known = Refund(f"50000{secrets.randbelow(10**24):024d}", fee, beijing_now())
            trade.refunds[f["out_refund_no"]] = known
            trade.state = TradeState.REFUND
        return _ok(m, transaction_id=trade.transaction_id, out_trade_no=trade.out_trade_no,
                   out_refund_no=f["out_refund_no"], refund_id=known.refund_id, refund_fee=str(known.fee),
                   total_fee=str(trade.total_fee), cash_fee=str(trade.total_fee), cash_refund_fee=str(known.fee))


def unifiedorder(book: Book, m: Merchant, f: Fields) -> Fields | None:
    """统一下单 with trade_type NATIVE: the code_url a wallet scans (the sandbox offers no other trade type)."""
    if lack := _missing(f, "body", "out_trade_no", "total_fee", "spbill_create_ip", "notify_url", "trade_type"):
        return _err(m, "PARAM_ERROR", err_code_des=f"缺少参数{lack}")
    if f["trade_type"] != NATIVE:
        return _err(m, "PARAM_ERROR", err_code_des="沙箱只支持 trade_type=NATIVE")
    if not f.get("product_id"):
        return _err(m, "PARAM_ERROR", err_code_des="trade_type=NATIVE时，product_id为必填参数")
    fee = _fee(f["total_fee"])
    if not fee or not OUT_TRADE_NO.match(f["out_trade_no"]):
        return _err(m, "PARAM_ERROR", err_code_des="total_fee 或 out_trade_no 参数错误")
    with book.lock:
        trade = book.trades.get(f["out_trade_no"])
        if trade is None:
            trade = book.new_trade(f["out_trade_no"], fee, NATIVE, TradeState.NOTPAY)
            trade.body, trade.notify_url = f["body"], f["notify_url"]
            trade.sign_type = f.get("sign_type", "") or "MD5"
            trade.code_url = f"weixin://wxpay/bizpayurl?pr={secrets.token_urlsafe(5)[:7]}"
        elif trade.state in PAID:
            return _err(m, "ORDERPAID")
        elif trade.state not in OPEN or trade.total_fee != fee:
            return _err(m, "ORDERCLOSED" if trade.state not in OPEN else "INVALID_REQUEST",
                        err_code_des="商户订单号重复" if trade.state in OPEN else ERR_TEXT["ORDERCLOSED"])
        if book.held(trade):
            return None
        return _ok(m, trade_type=NATIVE, prepay_id=f"wx{trade.transaction_id[-26:]}", code_url=trade.code_url)


HANDLERS: dict[str, Callable[[Book, Merchant, Fields], Fields | None]] = {
    "/pay/micropay": micropay, "/pay/orderquery": orderquery, "/secapi/pay/reverse": reverse,
    "/secapi/pay/refund": refund, "/pay/unifiedorder": unifiedorder, "/pay/closeorder": closeorder,
}
