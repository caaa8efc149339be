"""downloadbill's CSV (bill_type ALL) into BillRows: a header, rows whose every field starts with a backquote,
then a totals header (总交易单数...) and the totals row."""
from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

from sync.gateway.provider import BillKind, BillRow
from terminal.errors import EdgeposError

TOTALS_HEADER = "总交易单数"
PAYMENT_STATES = frozenset({"SUCCESS"})
REFUND_STATES = frozenset({"REFUND", "REVOKED"})


class BillError(EdgeposError):
    """The provider's bill could not be downloaded or read."""


def _field(value: str) -> str:
    return value.strip().removeprefix("`")


def _amount(row: dict[str, str], *names: str) -> Decimal:
    for name in names:
        text = row.get(name, "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            continue
        if value:
            return value
    return Decimal(0)


def parse_bill(text: str) -> list[BillRow]:
    """Payments (交易状态 SUCCESS) and refunds (REFUND, and REVOKED: a paid trade cancelled) of a bill."""
    lines = [line for line in text.lstrip("\ufeff").splitlines() if line.strip()]
    if not lines:
        return []
    header = [_field(name) for name in next(csv.reader([lines[0]]))]
    if "商户订单号" not in header or "交易状态" not in header:
        raise BillError("not a WeChat Pay bill: no 商户订单号 / 交易状态 columns")
    rows: list[BillRow] = []
    for values in csv.reader(io.StringIO("\n".join(lines[1:]))):
        if values and _field(values[0]) == TOTALS_HEADER:
            break
        row = dict(zip(header, (_field(v) for v in values), strict=False))
        state = row.get("交易状态", "")
        if state in PAYMENT_STATES:
            rows.append(BillRow(BillKind.PAYMENT, row.get("商户订单号", ""), row.get("微信订单号", ""),
                                _amount(row, "订单金额", "应结订单金额"), at=row.get("交易时间", "")))
        elif state in REFUND_STATES:
            rows.append(BillRow(BillKind.REFUND, row.get("商户订单号", ""), row.get("微信订单号", ""),
                                _amount(row, "申请退款金额", "退款金额"), refund_no=row.get("商户退款单号", ""),
                                at=row.get("交易时间", "")))
    return rows
