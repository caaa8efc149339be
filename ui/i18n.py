"""Kiosk translations: English msgids, Chinese and Vietnamese texts, and an observable current language.

In kv: `#:import tr ui.i18n.tr` then `text: tr._('Pay cash')`; the label is re-evaluated when the
language changes (binding to `tr._` binds to `tr.lang`). In Python: `tr._("Cashier {name}").format(...)`.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from kivy.event import EventDispatcher
from kivy.properties import StringProperty

log = logging.getLogger(__name__)

LANGUAGES = {"en": "English", "zh": "中文", "vi": "Tiếng Việt"}
SETTINGS_FILE = "kiosk.json"  # in the data dir, next to the database

TEXTS: dict[str, dict[str, str]] = {
    # offline banner (terminal/offline_banner.py)
    "OFFLINE": {"zh": "离线", "vi": "NGOẠI TUYẾN"},
    "NOT SENT": {"zh": "未上传", "vi": "CHƯA GỬI"},
    "1 payment waiting": {"zh": "1 笔付款待上传", "vi": "1 khoản thanh toán đang chờ"},
    "{n} payments waiting": {"zh": "{n} 笔付款待上传", "vi": "{n} khoản thanh toán đang chờ"},
    "oldest {age}": {"zh": "最早 {age}", "vi": "lâu nhất {age}"},
    "under 1 min": {"zh": "不到 1 分钟", "vi": "chưa đến 1 phút"},
    "{m} min": {"zh": "{m} 分钟", "vi": "{m} phút"},
    "{h} h {m} min": {"zh": "{h} 小时 {m} 分钟", "vi": "{h} giờ {m} phút"},
    "{d} d {h} h": {"zh": "{d} 天 {h} 小时", "vi": "{d} ngày {h} giờ"},
    # sale screen
    "Cashier {name}": {"zh": "收银员 {name}", "vi": "Thu ngân {name}"},
    "No shift open": {"zh": "未开班", "vi": "Chưa mở ca"},
    "Scan a barcode or tap an item to start a sale.": {
        "zh": "扫描条码或点选商品开始销售。", "vi": "Quét mã vạch hoặc chạm vào món hàng để bắt đầu bán."},
    "+tax": {"zh": "+税", "vi": "+thuế"},
    "disc.": {"zh": "折扣", "vi": "giảm"},
    "Reprint": {"zh": "重打小票", "vi": "In lại"},
    "Shift": {"zh": "班次", "vi": "Ca"},
    "Tech": {"zh": "技术", "vi": "Kỹ thuật"},
    "Barcode": {"zh": "条码", "vi": "Mã vạch"},
    "Search": {"zh": "搜索", "vi": "Tìm kiếm"},
    "Discount": {"zh": "折扣", "vi": "Giảm giá"},
    "Line disc.": {"zh": "单行折扣", "vi": "Giảm dòng"},
    "Cart disc.": {"zh": "整单折扣", "vi": "Giảm đơn"},
    "Subtotal": {"zh": "小计", "vi": "Tạm tính"},
    "Disc.": {"zh": "折扣", "vi": "Giảm"},
    "Tax": {"zh": "税", "vi": "Thuế"},
    "Void": {"zh": "作废", "vi": "Hủy"},
    "Wallet / QR": {"zh": "钱包 / 二维码", "vi": "Ví / QR"},
    "Pay cash": {"zh": "现金支付", "vi": "Trả tiền mặt"},
    # idle screen
    "Tap to start": {"zh": "轻触开始", "vi": "Chạm để bắt đầu"},
    # technician screen
    "Technician": {"zh": "技术人员", "vi": "Kỹ thuật viên"},
    "Back": {"zh": "返回", "vi": "Quay lại"},
    "Enter the technician PIN": {"zh": "请输入技术人员 PIN 码", "vi": "Nhập mã PIN kỹ thuật viên"},
    "Wrong PIN: {n} tries left": {"zh": "PIN 码错误：还可尝试 {n} 次", "vi": "Sai mã PIN: còn {n} lần thử"},
    "Locked: try again in {s} s": {"zh": "已锁定：请 {s} 秒后重试", "vi": "Đã khóa: thử lại sau {s} giây"},
    "Del": {"zh": "删除", "vi": "Xóa"},
    "OK": {"zh": "正常", "vi": "Đạt"},
    "FAIL": {"zh": "失败", "vi": "Lỗi"},
    "fix": {"zh": "解决办法", "vi": "cách sửa"},
    "Devices": {"zh": "设备", "vi": "Thiết bị"},
    "Tests": {"zh": "测试", "vi": "Kiểm tra"},
    "Queue & logs": {"zh": "队列和日志", "vi": "Hàng đợi & nhật ký"},
    "Language": {"zh": "语言", "vi": "Ngôn ngữ"},
    "Run checks": {"zh": "运行检查", "vi": "Chạy kiểm tra"},
    "Running…": {"zh": "正在运行…", "vi": "Đang chạy…"},
    "Running the checks…": {"zh": "正在运行检查…", "vi": "Đang chạy kiểm tra…"},
    "Failed: {names}": {"zh": "未通过：{names}", "vi": "Không đạt: {names}"},
    "All {n} checks passed.": {"zh": "全部 {n} 项检查通过。", "vi": "Cả {n} mục kiểm tra đều đạt."},
    "The checks could not run: {error}": {"zh": "无法运行检查：{error}", "vi": "Không chạy được kiểm tra: {error}"},
    "Test print": {"zh": "测试打印", "vi": "In thử"},
    "Printing…": {"zh": "正在打印…", "vi": "Đang in…"},
    "Printed: {where}": {"zh": "已打印：{where}", "vi": "Đã in: {where}"},
    "Not printed: {error}": {"zh": "未打印：{error}", "vi": "Chưa in được: {error}"},
    "Camera test": {"zh": "摄像头测试", "vi": "Kiểm tra camera"},
    "Scanner test: scan or type a code": {"zh": "扫描枪测试：扫描或输入一个码",
                                          "vi": "Kiểm tra máy quét: quét hoặc gõ một mã"},
    "Last scan: {what}": {"zh": "最近扫描：{what}", "vi": "Lần quét cuối: {what}"},
    "No camera is configured ([devices] camera).": {"zh": "未配置摄像头（[devices] camera）。",
                                                    "vi": "Chưa cấu hình camera ([devices] camera)."},
    "Reading a frame…": {"zh": "正在读取一帧…", "vi": "Đang đọc một khung hình…"},
    "Camera: a {w}x{h} frame": {"zh": "摄像头：{w}x{h} 画面", "vi": "Camera: khung hình {w}x{h}"},
    "Camera: {error}": {"zh": "摄像头：{error}", "vi": "Camera: {error}"},
    "Refresh": {"zh": "刷新", "vi": "Làm mới"},
    "Link: {state}": {"zh": "连接：{state}", "vi": "Kết nối: {state}"},
    "Pending events: {n}, oldest {age}": {"zh": "待上传事件：{n}，最早 {age}",
                                          "vi": "Sự kiện đang chờ: {n}, lâu nhất {age}"},
    "Rejected events: {n}": {"zh": "被拒事件：{n}", "vi": "Sự kiện bị từ chối: {n}"},
    "Last ack: {at}": {"zh": "最近确认：{at}", "vi": "Xác nhận gần nhất: {at}"},
    "never": {"zh": "从未", "vi": "chưa có"},
    "The log is empty.": {"zh": "日志为空。", "vi": "Nhật ký trống."},
    "Language: {name}": {"zh": "语言：{name}", "vi": "Ngôn ngữ: {name}"},
}


class Translator(EventDispatcher):
    """The current language; `_()` translates, and kv rules using `tr._(...)` re-render when it changes."""

    lang = StringProperty("en")

    def _(self, msgid: str) -> str:
        """The text for msgid in the current language (the English msgid when there is none)."""
        if self.lang == "en":
            return msgid
        return TEXTS.get(msgid, {}).get(self.lang, msgid)

    def fbind(self, name: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        """kv binds `tr._` here: watch the language instead."""
        return super().fbind("lang" if name == "_" else name, func, *args, **kwargs)

    def funbind(self, name: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        """Undo fbind, with the same mapping of `_` to the language."""
        return super().funbind("lang" if name == "_" else name, func, *args, **kwargs)

    def unbind_uid(self, name: str, uid: int) -> Any:
        """Undo a kv binding, with the same mapping of `_` to the language."""
        return super().unbind_uid("lang" if name == "_" else name, uid)

    def load(self, data_dir: Path) -> str:
        """Take the language saved in the data dir (English when none or unreadable); returns it."""
        try:
            saved = json.loads((data_dir / SETTINGS_FILE).read_text(encoding="utf-8")).get("language", "en")
        except (OSError, ValueError, AttributeError):
            saved = "en"
        self.lang = saved if saved in LANGUAGES else "en"
        return self.lang

    def switch(self, code: str, data_dir: Path | None = None) -> None:
        """Change the language (every bound label re-renders) and save it in the data dir."""
        if code not in LANGUAGES:
            raise ValueError(f"unknown language {code!r}: one of {', '.join(LANGUAGES)}")
        self.lang = code
        if data_dir is not None:
            path = data_dir / SETTINGS_FILE
            tmp = path.with_name(f".{SETTINGS_FILE}.{os.getpid()}")
            try:
                tmp.write_text(json.dumps({"language": code}), encoding="utf-8")
                tmp.replace(path)
            except OSError as err:
                log.warning("language not saved to %s: %s", path, err.strerror)


tr = Translator()
_ = tr._
