"""downloadbill: the day's bill (China Standard Time) as WeChat's CSV text, every field prefixed with a backquote.

The bill can be made to differ from the merchant's records for reconciliation tests: `drop` leaves every row of an
out_trade_no out, `amount` changes a payment's amount (yuan). Set them with --bill-drop / --bill-amount or
POST /_sandbox/bill {"drop": ["OTN"], "amount": {"OTN": "12.00"}}.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from simulators.wechatpay_sandbox.book import Book, Trade, fen_to_yuan
from simulators.wechatpay_sandbox.credentials import Merchant

HEADER = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,"
          "付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
          "手续费,费率,订单金额,申请退款金额,费率备注")
TOTALS = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
RATE = Decimal("0.006")
NO_BILL = "No Bill Exist"


def _row(fields: list[str]) -> str:
    return ",".join(f"`{value}" for value in fields)


def _fee(amount: Decimal) -> str:
    return f"{amount * RATE:.5f}"


def _payment(m: Merchant, trade: Trade, at: datetime, amount: Decimal) -> list[str]:
    return [at.strftime("%Y-%m-%d %H:%M:%S"), m.appid, m.mch_id, "0", "", trade.transaction_id,
            trade.out_trade_no, trade.openid, trade.trade_type, "SUCCESS", "OTHERS", "CNY", f"{amount:.2f}", "0.00",
            "0", "0", "0.00", "0.00", "", "", trade.body, "", _fee(amount), "0.60%", f"{amount:.2f}", "0.00", ""]


def _refund(m: Merchant, trade: Trade, at: datetime, state: str, refund_id: str, refund_no: str,
            fee: Decimal) -> list[str]:
    return [at.strftime("%Y-%m-%d %H:%M:%S"), m.appid, m.mch_id, "0", "", trade.transaction_id,
            trade.out_trade_no, trade.openid, trade.trade_type, state, "OTHERS", "CNY", "0.00", "0.00",
            refund_id, refund_no, f"{fee:.2f}", "0.00", "ORIGINAL", "SUCCESS", trade.body, "", f"-{_fee(fee)}",
            "0.60%", "0.00", f"{fee:.2f}", ""]


def bill_rows(book: Book, m: Merchant, day: date) -> list[list[str]]:
    """The day's payment, refund and revoked rows, after the bill manipulations."""
    rows: list[list[str]] = []
    with book.lock:
        for trade in book.trades.values():
            if trade.out_trade_no in book.bill_drop or trade.paid_at is None:
                continue
            amount = Decimal(book.bill_amount.get(trade.out_trade_no, fen_to_yuan(trade.total_fee)))
            if trade.paid_at.date() == day:
                rows.append(_payment(m, trade, trade.paid_at, amount))
            for refund_no, refund in trade.refunds.items():
                if refund.at.date() == day:
                    rows.append(_refund(m, trade, refund.at, "REFUND", refund.refund_id, refund_no,
                                        Decimal(refund.fee) / 100))
            if trade.reversed_paid and trade.paid_at.date() == day:
                rows.append(_refund(m, trade, trade.paid_at, "REVOKED", trade.transaction_id, trade.out_trade_no,
                                    Decimal(trade.total_fee) / 100))
    return sorted(rows, key=lambda r: (r[0], r[9] != "SUCCESS"))


def bill_csv(book: Book, m: Merchant, day: date) -> str | None:
    """The CSV text of the day's bill, or None when the day has no trade (WeChat answers 'No Bill Exist')."""
    rows = bill_rows(book, m, day)
    if not rows:
        return None
    paid = sum((Decimal(r[12]) for r in rows), Decimal(0))
    refunded = sum((Decimal(r[16]) for r in rows), Decimal(0))
    fees = sum((Decimal(r[22]) for r in rows), Decimal(0))
    ordered = sum((Decimal(r[24]) for r in rows), Decimal(0))
    asked = sum((Decimal(r[25]) for r in rows), Decimal(0))
    lines = [HEADER, *(_row(r) for r in rows), TOTALS,
             _row([str(len(rows)), f"{paid:.2f}", f"{refunded:.2f}", "0.00", f"{fees:.5f}", f"{ordered:.2f}",
                   f"{asked:.2f}"])]
    return "\r\n".join(lines) + "\r\n"
