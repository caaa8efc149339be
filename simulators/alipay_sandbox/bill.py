"""alipay.data.dataservice.bill.downloadurl.query and the file it points at: a zip of GBK CSVs, 业务明细 and
its 汇总, laid out as Alipay's trade bill (rows 交易 and 退款 of one Beijing day).

Differences from Alipay, on purpose: today's bill is served (Alipay serves a day's bill the next morning),
and tests may drop a trade from the bill or change its amount (POST /_sandbox/bill, or --bill-drop/--bill-amount).
"""
from __future__ import annotations

import csv
import io
import secrets
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from simulators.alipay_sandbox.codes import Answer, failed, ok
from simulators.alipay_sandbox.trades import CST, Book, Trade

BILL_PATH = "/downloadBillFile.resource"
HEADER = ["支付宝交易号", "商户订单号", "业务类型", "商品名称", "创建时间",
          "完成时间", "门店编号", "门店名称", "操作员", "终端号",
          "对方账户", "订单金额（元）", "商家实收（元）", "支付宝红包（元）", "集分宝（元）",
          "支付宝优惠（元）", "商家优惠（元）", "券核销金额（元）", "券名称", "商家红包消费金额（元）",
          "卡消费金额（元）", "退款批次号/请求号", "服务费（元）", "分润（元）", "备注"]


def download_url(biz: dict[str, Any], base_url: str, seller_id: str) -> Answer:
    """The answer to bill.downloadurl.query: a URL of the sandbox serving that day's trade bill."""
    bill_type, text = str(biz.get("bill_type") or ""), str(biz.get("bill_date") or "")
    if bill_type not in ("trade", "signcustomer"):
        return failed("isv.invalid-parameter")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return failed("isv.invalid-parameter")
    if day > datetime.now(CST).date():
        return failed("isp.bill_not_exist")
    compact = day.strftime("%Y%m%d")
    query = urlencode({"bizType": bill_type, "userId": seller_id, "fileType": "csv.zip", "bizDates": compact,
                       "downloadFileName": f"{seller_id}_{compact}.csv.zip", "fileId": secrets.token_hex(8)})
    return ok(bill_download_url=f"{base_url}{BILL_PATH}?{query}")


def _rows(trade: Trade, day: str, book: Book) -> list[list[str]]:
    """The bill lines of one trade on `day` (YYYY-MM-DD): its payment, and each refund made that day."""
    if trade.out_trade_no in book.bill_drop or not trade.paid_at:
        return []
    amount = book.bill_amount.get(trade.out_trade_no, trade.amount)
    blank = ["", "", "", "", "csq***@sandbox.com"]
    rows = []
    if trade.paid_at.startswith(day):
        rows.append([trade.trade_no, trade.out_trade_no, "交易", trade.subject, trade.created_at, trade.paid_at,
                     *blank, f"{amount:.2f}", f"{amount:.2f}", *["0.00"] * 5, "", "0.00", "0.00", "", "0.00",
                     "0.00", ""])
    for request_no, refund in trade.refunds.items():
        if refund.at.startswith(day):
            rows.append([trade.trade_no, trade.out_trade_no, "退款", trade.subject, trade.created_at, refund.at,
                         *blank, f"{amount:.2f}", f"{-refund.amount:.2f}", *["0.00"] * 5, "", "0.00", "0.00",
                         request_no, "0.00", "0.00", ""])
    return rows


def bill_zip(book: Book, compact_day: str, seller_id: str) -> tuple[bytes, str]:
    """The zip Alipay serves for one day's trade bill, and its file name."""
    day = f"{compact_day[:4]}-{compact_day[4:6]}-{compact_day[6:8]}"
    with book.lock:
        rows = [row for trade in book.trades.values() for row in _rows(trade, day, book)]
    rows.sort(key=lambda r: r[5])
    paid = [r for r in rows if r[2] == "交易"]
    refunds = [r for r in rows if r[2] == "退款"]
    detail = io.StringIO()
    detail.write(f"#支付宝业务明细查询\n#账号：[{seller_id}0156]\n"
                 f"#起始日期：[{day[:4]}年{day[5:7]}月{day[8:]}日 00:00:00]   终止日期：[{day[:4]}年{day[5:7]}月"
                 f"{day[8:]}日 23:59:59]\n#-----------------------------------------业务明细列表"
                 "----------------------------------------\n")
    csv.writer(detail, lineterminator="\n").writerows([HEADER, *rows])
    detail.write("#-----------------------------------------业务明细列表结束------------------------------------\n"
                 f"#交易合计：{len(paid)}笔，商家实收共{sum(Decimal(r[12]) for r in paid):.2f}元；"
                 f"退款合计：{len(refunds)}笔，商家实收退款共{sum(Decimal(r[12]) for r in refunds):.2f}元\n"
                 f"#导出时间：[{datetime.now(CST):%Y年%m月%d日 %H:%M:%S}]\n")
    summary = (f"#支付宝业务汇总查询\n#账号：[{seller_id}0156]\n门店编号,门店名称,交易订单总笔数,退款订单总笔数,"
               f"订单金额（元）,商家实收（元）\n,合计,{len(paid)},{len(refunds)},"
               f"{sum(Decimal(r[11]) for r in paid):.2f},{sum(Decimal(r[12]) for r in rows):.2f}\n")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{seller_id}0156_{compact_day}_业务明细.csv", detail.getvalue().encode("gbk"))
        archive.writestr(f"{seller_id}0156_{compact_day}_业务明细(汇总).csv", summary.encode("gbk"))
    return buffer.getvalue(), f"{seller_id}0156_{compact_day}.csv.zip"


def change_bill(book: Book, body: dict[str, Any]) -> dict[str, Any]:
    """POST /_sandbox/bill {"drop": OTN} and/or {"amount": {OTN: "9.99"}}: make the bill differ from the truth."""
    with book.lock:
        drops = body.get("drop") or []
        book.bill_drop.update([drops] if isinstance(drops, str) else drops)
        for otn, amount in dict(body.get("amount") or {}).items():
            book.bill_amount[str(otn)] = Decimal(str(amount))
        return {"drop": sorted(book.bill_drop), "amount": {k: str(v) for k, v in book.bill_amount.items()}}
