"""The technician's test receipt: a pure function of the shop settings and the time."""
from __future__ import annotations

from datetime import datetime

from terminal.sales.clock_text import local_time_text
from terminal.sales.receipts import Receipt, ReceiptLine, ShopInfo
from terminal.sales.textwidth import strip_control, two_columns, wrap

SAMPLES = (
    "English: The quick brown fox 0123456789",
    "中文: 打印测试 谢谢惠顾 ¥12.50",
    "Tiếng Việt: Kiểm tra máy in · Cảm ơn quý khách",
)


def build_test_receipt(shop: ShopInfo, printed_at: datetime, width: int = 42) -> Receipt:
    """A receipt that exercises the printer: header, Chinese and Vietnamese lines, columns, QR, cut."""
    rule = ReceiptLine("-" * width)
    lines = [ReceiptLine(strip_control(shop.name), "center", bold=True, double=True),
             ReceiptLine("TEST PRINT", "center", bold=True), rule,
             ReceiptLine(two_columns("Terminal", strip_control(shop.terminal_id), width)),
             ReceiptLine(two_columns("Date", local_time_text(printed_at, shop.timezone), width)),
             ReceiptLine(two_columns("Width", f"{width} columns", width)), rule]
    for sample in SAMPLES:
        lines += [ReceiptLine(text) for text in wrap(sample, width)]
    lines += [rule, ReceiptLine("QR: the e-receipt address", "center")]
    stamp = printed_at.strftime("%Y%m%d-%H%M%S")
    return Receipt(f"test-{stamp}", tuple(lines), shop.receipt_base_url, open_drawer=False, width=width)
