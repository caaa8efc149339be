"""Alipay's trade bill (账单): the zip behind bill_download_url, its 业务明细 CSV (GBK) read into BillRows.

Bill days are Beijing days (UTC+8): compare the backend's payments converted to that zone (BILL_TZ).
"""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta, timezone
from decimal import Decimal, InvalidOperation

from sync.gateway.provider import BillKind, BillRow
from terminal.errors import EdgeposError

BILL_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
UTF8_NAMES = 0x800   # zip flag: the member's name is UTF-8 (Alipay's own zips use GBK names without it)


class BillError(EdgeposError):
    """Alipay's bill could not be fetched or read."""


def _name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & UTF8_NAMES:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def detail_csv(data: bytes) -> str:
    """The 业务明细 CSV's text from the bill zip (not the 汇总 one), or the CSV itself if not a zip."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return _decode(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            name = _name(info)
            if name.endswith(".csv") and "汇总" not in name:
                return _decode(archive.read(info))
    raise BillError("the bill zip has no 业务明细 CSV")


def _decode(raw: bytes) -> str:
    for charset in ("gbk", "utf-8-sig"):
        try:
            return raw.decode(charset)
        except UnicodeDecodeError:
            continue
    raise BillError("the bill is neither GBK nor UTF-8 text")


def parse_bill(data: bytes) -> list[BillRow]:
    """Payments (业务类型 交易) and refunds (退款) of the bill; comment lines (#...) skipped."""
    lines = [line for line in detail_csv(data).splitlines() if line.strip() and not line.startswith("#")]
    rows: list[BillRow] = []
    reader = csv.reader(lines)
    header = [h.strip() for h in next(reader, [])]
    try:
        col = {name: header.index(name) for name in ("支付宝交易号", "商户订单号", "业务类型", "完成时间",
                                                       "订单金额（元）", "商家实收（元）", "退款批次号/请求号")}
    except ValueError as err:
        raise BillError(f"the bill's header is not Alipay's trade bill: {err}") from err
    for cells in reader:
        cells = [c.strip().lstrip("\t") for c in cells]
        if len(cells) < len(header):
            continue
        kind = cells[col["业务类型"]]
        try:
            if kind == "交易":
                rows.append(BillRow(BillKind.PAYMENT, cells[col["商户订单号"]], cells[col["支付宝交易号"]],
                                    Decimal(cells[col["订单金额（元）"]]), at=cells[col["完成时间"]]))
            elif kind == "退款":
                rows.append(BillRow(BillKind.REFUND, cells[col["商户订单号"]], cells[col["支付宝交易号"]],
                                    abs(Decimal(cells[col["商家实收（元）"]])),
                                    refund_no=cells[col["退款批次号/请求号"]], at=cells[col["完成时间"]]))
        except InvalidOperation as err:
            raise BillError(f"a bill amount is not a number: {cells}") from err
    return rows
