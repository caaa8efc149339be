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
    # offline banner (terminal/link/offline_banner.py)
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
    # wallet payment panel: preview, progress, cancel and the result views (ui/sale/payment_result.py)
    "Hold the code inside the frame": {"zh": "请将付款码对准框内", "vi": "Giữ mã trong khung"},
    "Waiting for the wallet…": {"zh": "正在等待钱包确认…", "vi": "Đang chờ ví xác nhận…"},
    "Cancelling…": {"zh": "正在撤销…", "vi": "Đang hủy…"},
    "Scan the customer's payment code": {"zh": "请扫描顾客的付款码", "vi": "Quét mã thanh toán của khách"},
    "Cancelling: the payment is being reversed…": {"zh": "正在撤销：付款正在冲正…",
                                                   "vi": "Đang hủy: khoản thanh toán đang được hoàn lại…"},
    "Scan the code again, show the QR, or go back for another method.": {
        "zh": "请重新扫码、出示二维码，或返回改用其他方式。",
        "vi": "Quét lại mã, hiện QR, hoặc quay lại để chọn cách khác."},
    "New sale": {"zh": "新交易", "vi": "Giao dịch mới"},
    "Cancel": {"zh": "取消", "vi": "Hủy"},
    "Back to cart": {"zh": "返回购物车", "vi": "Quay lại giỏ hàng"},
    "Payment approved": {"zh": "支付成功", "vi": "Thanh toán thành công"},
    "Hand over the goods and the receipt.": {"zh": "请交付商品和小票。", "vi": "Giao hàng và hóa đơn cho khách."},
    "Accepted offline": {"zh": "已离线接受", "vi": "Đã nhận ngoại tuyến"},
    "It will be charged when the connection returns.": {"zh": "网络恢复后将自动扣款。",
                                                        "vi": "Sẽ được trừ tiền khi có kết nối trở lại."},
    "Declined": {"zh": "支付被拒绝", "vi": "Bị từ chối"},
    "Ask for another payment method.": {"zh": "请顾客换一种支付方式。", "vi": "Đề nghị khách dùng cách thanh toán khác."},
    "Try another payment": {"zh": "换一种支付方式", "vi": "Thử cách thanh toán khác"},
    "Payment cancelled": {"zh": "付款已撤销", "vi": "Đã hủy thanh toán"},
    "Nothing was charged.": {"zh": "未扣任何款项。", "vi": "Không có khoản nào bị trừ."},
    "Try again": {"zh": "重试", "vi": "Thử lại"},
    "Do not hand over the goods": {"zh": "请勿交付商品", "vi": "Không giao hàng"},
    "The payment is not confirmed. A late payment will be refunded.": {
        "zh": "付款未确认。迟到的付款将被退回。", "vi": "Thanh toán chưa được xác nhận. Khoản trả muộn sẽ được hoàn lại."},
    "Understood": {"zh": "知道了", "vi": "Đã hiểu"},
    "Not accepted": {"zh": "未被接受", "vi": "Không được chấp nhận"},
    "Reason: {reason}": {"zh": "原因：{reason}", "vi": "Lý do: {reason}"},
    "Customer payment code": {"zh": "顾客付款码", "vi": "Mã thanh toán của khách"},
    "Charge code": {"zh": "扣款", "vi": "Thu tiền"},
    "Show QR": {"zh": "出示二维码", "vi": "Hiện QR"},
    # shift screen
    "Sale": {"zh": "销售", "vi": "Bán hàng"},
    "Open a shift": {"zh": "开班", "vi": "Mở ca"},
    "Cashier name": {"zh": "收银员姓名", "vi": "Tên thu ngân"},
    "Opening float": {"zh": "开班备用金", "vi": "Tiền lẻ đầu ca"},
    "Open shift": {"zh": "开班", "vi": "Mở ca"},
    "Cash in / out": {"zh": "存入 / 取出现金", "vi": "Nộp / rút tiền mặt"},
    "Amount": {"zh": "金额", "vi": "Số tiền"},
    "Reason": {"zh": "原因", "vi": "Lý do"},
    "Cash in": {"zh": "存入", "vi": "Nộp tiền"},
    "Cash out": {"zh": "取出", "vi": "Rút tiền"},
    "X report": {"zh": "X 报表", "vi": "Báo cáo X"},
    "Counted cash": {"zh": "清点现金", "vi": "Tiền mặt đã đếm"},
    "Close (Z)": {"zh": "结班 (Z)", "vi": "Đóng ca (Z)"},
    "Reports appear here.": {"zh": "报表显示在这里。", "vi": "Báo cáo hiện ở đây."},
    # shift: report printing and the close panel
    "Print report": {"zh": "打印报表", "vi": "In báo cáo"},
    "Close the shift": {"zh": "交班结账", "vi": "Đóng ca"},
    "Cash expected": {"zh": "应有现金", "vi": "Tiền mặt dự kiến"},
    "Cash counted": {"zh": "清点现金", "vi": "Tiền mặt đã đếm"},
    "Difference": {"zh": "差额", "vi": "Chênh lệch"},
    "Other methods: confirm each total against the wallet settlement.": {
        "zh": "其他方式：请逐项与钱包结算核对总额。", "vi": "Cách khác: đối chiếu từng tổng với quyết toán của ví."},
    "No other payment methods in this shift.": {"zh": "本班次没有其他支付方式。",
                                                "vi": "Ca này không có cách thanh toán khác."},
    "Matches": {"zh": "已核对", "vi": "Khớp"},
    "Confirm": {"zh": "核对", "vi": "Xác nhận"},
    "Close and print Z": {"zh": "结班并打印 Z 报表", "vi": "Đóng ca và in báo cáo Z"},
    # face-pay screen (ui/facepay)
    "Face-pay": {"zh": "刷脸支付", "vi": "Quét mặt"},
    "Face not recognised": {"zh": "未能识别人脸", "vi": "Không nhận ra khuôn mặt"},
    "Liveness check failed": {"zh": "活体检测未通过", "vi": "Kiểm tra người thật không đạt"},
    "Too many wrong digits": {"zh": "号码错误次数过多", "vi": "Nhập sai số quá nhiều lần"},
    "Face-pay limit reached for today": {"zh": "今日刷脸支付已达上限", "vi": "Đã đạt hạn mức trả bằng khuôn mặt hôm nay"},
    "Please pay another way.": {"zh": "请使用其他方式支付。", "vi": "Vui lòng thanh toán cách khác."},
    "Please pay another way, or join as a member.": {"zh": "请使用其他方式支付，或加入会员。",
                                                     "vi": "Vui lòng thanh toán cách khác, hoặc đăng ký thành viên."},
    "No blink was seen in time. Please pay another way.": {
        "zh": "未及时检测到眨眼。请使用其他方式支付。",
        "vi": "Không thấy chớp mắt kịp lúc. Vui lòng thanh toán cách khác."},
    "The face changed. Please pay another way.": {"zh": "人脸发生了变化。请使用其他方式支付。",
                                                  "vi": "Khuôn mặt đã thay đổi. Vui lòng thanh toán cách khác."},
    "Done": {"zh": "确定", "vi": "Xong"},
    "Face-pay stopped": {"zh": "刷脸支付已停止", "vi": "Đã dừng trả bằng khuôn mặt"},
    "To pay: {amount}": {"zh": "应付：{amount}", "vi": "Cần trả: {amount}"},
    "Starting the camera…": {"zh": "正在启动摄像头…", "vi": "Đang bật camera…"},
    "Look at the camera": {"zh": "请看摄像头", "vi": "Hãy nhìn vào camera"},
    "Please blink": {"zh": "请眨眨眼", "vi": "Hãy chớp mắt"},
    "Enter the last 4 digits of your phone": {"zh": "请输入手机号后 4 位", "vi": "Nhập 4 số cuối điện thoại của bạn"},
    "Wrong digits: {n} tries left": {"zh": "号码错误：还可尝试 {n} 次", "vi": "Sai số: còn {n} lần thử"},
    "{n} tries left": {"zh": "还可尝试 {n} 次", "vi": "còn {n} lần thử"},
    "Face-pay needs the payment service": {"zh": "刷脸支付需要连接支付服务", "vi": "Trả bằng khuôn mặt cần dịch vụ thanh toán"},
    "The terminal is not linked to the payment service: please pay another way.": {
        "zh": "本终端未连接支付服务：请使用其他方式支付。",
        "vi": "Máy chưa kết nối dịch vụ thanh toán: vui lòng thanh toán cách khác."},
    "Paying…": {"zh": "正在支付…", "vi": "Đang thanh toán…"},
    "Sending the payment…": {"zh": "正在发送付款…", "vi": "Đang gửi thanh toán…"},
    "Not paid": {"zh": "未支付", "vi": "Chưa thanh toán"},
    "The sale is waiting: please pay another way.": {"zh": "订单仍在等待：请使用其他方式支付。",
                                                     "vi": "Đơn hàng đang chờ: vui lòng thanh toán cách khác."},
    "Approved": {"zh": "支付成功", "vi": "Đã duyệt"},
    "Thank you, {name}!": {"zh": "谢谢您，{name}！", "vi": "Cảm ơn {name}!"},
    "Paid {amount}": {"zh": "已付 {amount}", "vi": "Đã trả {amount}"},
    "+{points} points, balance {balance} points": {"zh": "+{points} 积分，余额 {balance} 积分",
                                                   "vi": "+{points} điểm, tổng {balance} điểm"},
    "Face-pay is not available": {"zh": "刷脸支付不可用", "vi": "Không dùng được trả bằng khuôn mặt"},
    "Face-pay timed out: the sale waits for another way to pay.": {
        "zh": "刷脸支付超时：订单等待其他支付方式。",
        "vi": "Trả bằng khuôn mặt quá thời gian: đơn hàng chờ cách thanh toán khác."},
    "Face-pay cancelled.": {"zh": "刷脸支付已取消。", "vi": "Đã hủy trả bằng khuôn mặt."},
    "Back to sale": {"zh": "返回收银", "vi": "Quay lại bán hàng"},
    # members screen (ui/members)
    "Members": {"zh": "会员", "vi": "Thành viên"},
    "Find": {"zh": "查找", "vi": "Tìm"},
    "Add": {"zh": "新增", "vi": "Thêm"},
    "Enrol face": {"zh": "录入人脸", "vi": "Đăng ký khuôn mặt"},
    "Phone, e.g. +8613812345678": {"zh": "手机号，如 +8613812345678", "vi": "Số điện thoại, vd. +8613812345678"},
    "Find a member by phone, or scan their member card.": {"zh": "按手机号查找会员，或扫描会员卡。",
                                                           "vi": "Tìm thành viên theo số điện thoại, hoặc quét thẻ."},
    "face consent given": {"zh": "已同意人脸数据", "vi": "đã đồng ý dữ liệu khuôn mặt"},
    "no face consent": {"zh": "未同意人脸数据", "vi": "chưa đồng ý dữ liệu khuôn mặt"},
    "{points} points": {"zh": "{points} 积分", "vi": "{points} điểm"},
    "Face templates: {n} ({consent})": {"zh": "人脸模板：{n}（{consent}）", "vi": "Mẫu khuôn mặt: {n} ({consent})"},
    "Member found.": {"zh": "已找到会员。", "vi": "Đã tìm thấy thành viên."},
    "No member has this phone.": {"zh": "没有会员使用此手机号。", "vi": "Không có thành viên nào dùng số này."},
    "Not a member card: scan the member's card, or type their phone.": {
        "zh": "不是会员卡：请扫描会员卡，或输入手机号。",
        "vi": "Không phải thẻ thành viên: hãy quét thẻ hoặc nhập số điện thoại."},
    "Member {name} attached to the sale.": {"zh": "会员 {name} 已关联到本单。", "vi": "Đã gắn thành viên {name} vào đơn."},
    "Member {name} added.": {"zh": "已新增会员 {name}。", "vi": "Đã thêm thành viên {name}."},
    "Find or add the member first.": {"zh": "请先查找或新增会员。", "vi": "Hãy tìm hoặc thêm thành viên trước."},
    "Enrolment refused: {name} has not agreed to face data. Record the consent first.": {
        "zh": "无法录入：{name} 未同意使用人脸数据。请先记录同意。",
        "vi": "Từ chối đăng ký: {name} chưa đồng ý dữ liệu khuôn mặt. Hãy ghi nhận sự đồng ý trước."},
    "{n}/{total} good frames": {"zh": "合格画面 {n}/{total}", "vi": "{n}/{total} khung hình tốt"},
    "Enrolled: {n} face templates stored.": {"zh": "已录入：保存了 {n} 个人脸模板。",
                                             "vi": "Đã đăng ký: lưu {n} mẫu khuôn mặt."},
    "Enrolment failed: {error}": {"zh": "录入失败：{error}", "vi": "Đăng ký thất bại: {error}"},
    "Member deleted with {n} face templates.": {"zh": "会员已删除，连同 {n} 个人脸模板。",
                                                "vi": "Đã xóa thành viên cùng {n} mẫu khuôn mặt."},
    "Delete this member and all their face data?": {"zh": "删除该会员及其全部人脸数据？",
                                                    "vi": "Xóa thành viên này và mọi dữ liệu khuôn mặt?"},
    "Yes, delete": {"zh": "确认删除", "vi": "Xóa"},
    "Keep": {"zh": "保留", "vi": "Giữ lại"},
    "Attach to sale": {"zh": "关联本单", "vi": "Gắn vào đơn"},
    "Delete": {"zh": "删除", "vi": "Xóa"},
    "Name": {"zh": "姓名", "vi": "Tên"},
    "Offers by SMS (optional)": {"zh": "短信优惠（可选）", "vi": "Nhận ưu đãi qua SMS (tùy chọn)"},
    "Add member": {"zh": "新增会员", "vi": "Thêm thành viên"},
    "I agree to face data for face-pay": {"zh": "我同意为刷脸支付使用人脸数据", "vi": "Tôi đồng ý dùng khuôn mặt để thanh toán"},
    "Stop": {"zh": "停止", "vi": "Dừng"},
    "Capture again": {"zh": "重新采集", "vi": "Chụp lại"},
    "Come closer": {"zh": "请靠近一点", "vi": "Hãy lại gần hơn"},
    "One face only": {"zh": "只能有一张人脸", "vi": "Chỉ một khuôn mặt"},
    "Hold still": {"zh": "请保持不动", "vi": "Giữ yên"},
    "Move to the centre": {"zh": "请移到画面中央", "vi": "Hãy vào giữa khung hình"},
    ("Face-pay keeps a template of your face (numbers computed from camera pictures, not the pictures) "
     "encrypted on this terminal, to recognise you when you pay by face. It is used for nothing else, "
     "never shared, and deleted with your membership or when you withdraw this consent at the counter."): {
        "zh": "刷脸支付会在本终端加密保存您的人脸模板（由摄像头画面计算出的数字，而非照片），"
              "仅用于您刷脸付款时识别您本人。它不作他用、绝不共享，并会在您注销会员或在柜台撤回本同意时删除。",
        "vi": "Trả bằng khuôn mặt lưu một mẫu khuôn mặt của bạn (các con số tính từ ảnh camera, không phải ảnh) "
              "đã mã hóa trên máy này, để nhận ra bạn khi bạn trả bằng khuôn mặt. Mẫu này không dùng vào việc "
              "khác, không chia sẻ, và bị xóa cùng tư cách thành viên hoặc khi bạn rút lại sự đồng ý tại quầy."},
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
