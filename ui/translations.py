"""The kiosk's texts: English msgids with their Chinese (zh) and Vietnamese (vi) translations; no Kivy needed.

A msgid kept in a table and translated later is marked with N_() so tests/unit/test_translations.py finds it.
"""
from __future__ import annotations


def N_(msgid: str) -> str:
    """Mark a msgid that is translated later (where it is shown): returns it unchanged."""
    return msgid


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
    "Ask for another payment method.": {"zh": "请顾客换一种支付方式。",
                                        "vi": "Đề nghị khách dùng cách thanh toán khác."},
    "Try another payment": {"zh": "换一种支付方式", "vi": "Thử cách thanh toán khác"},
    "Payment cancelled": {"zh": "付款已撤销", "vi": "Đã hủy thanh toán"},
    "Nothing was charged.": {"zh": "未扣任何款项。", "vi": "Không có khoản nào bị trừ."},
    "Try again": {"zh": "重试", "vi": "Thử lại"},
    "Do not hand over the goods": {"zh": "请勿交付商品", "vi": "Không giao hàng"},
    "The payment is not confirmed. A late payment will be refunded.": {
        "zh": "付款未确认。迟到的付款将被退回。",
        "vi": "Thanh toán chưa được xác nhận. Khoản trả muộn sẽ được hoàn lại."},
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
    "Face-pay limit reached for today": {"zh": "今日刷脸支付已达上限",
                                         "vi": "Đã đạt hạn mức trả bằng khuôn mặt hôm nay"},
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
    "Face-pay needs the payment service": {"zh": "刷脸支付需要连接支付服务",
                                           "vi": "Trả bằng khuôn mặt cần dịch vụ thanh toán"},
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
    "Member {name} attached to the sale.": {"zh": "会员 {name} 已关联到本单。",
                                            "vi": "Đã gắn thành viên {name} vào đơn."},
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
    "I agree to face data for face-pay": {"zh": "我同意为刷脸支付使用人脸数据",
                                          "vi": "Tôi đồng ý dùng khuôn mặt để thanh toán"},
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
    # sale screen: the status line (ui/sale/screen.py, ui/sale/payments.py)
    "no item matches {query}": {"zh": "没有匹配 {query} 的商品", "vi": "Không có món nào khớp {query}"},
    "Added {name}  ({quantity})": {"zh": "已添加 {name}（{quantity}）", "vi": "Đã thêm {name} ({quantity})"},
    "Coupon {code}: {description}": {"zh": "优惠券 {code}：{description}",
                                     "vi": "Phiếu giảm giá {code}: {description}"},
    "use the remove button (×) to take the line off": {"zh": "请用删除按钮（×）移除该行",
                                                         "vi": "Dùng nút xóa (×) để bỏ dòng này"},
    "{name}: quantity {quantity}": {"zh": "{name}：数量 {quantity}", "vi": "{name}: số lượng {quantity}"},
    "line {n} removed": {"zh": "第 {n} 行已删除", "vi": "Đã xóa dòng {n}"},
    "tap a line in the cart first, then Line disc.": {"zh": "请先点选购物车中的一行，再点“单行折扣”",
                                                      "vi": "Chạm vào một dòng trong giỏ trước, rồi chọn Giảm dòng"},
    "line discount {amount} applied": {"zh": "已应用单行折扣 {amount}", "vi": "Đã áp dụng giảm dòng {amount}"},
    "cart discount {amount} applied": {"zh": "已应用整单折扣 {amount}", "vi": "Đã áp dụng giảm đơn {amount}"},
    "sale voided": {"zh": "交易已作废", "vi": "Đã hủy giao dịch"},
    "Receipt reprinted ({where}).": {"zh": "小票已重打（{where}）。", "vi": "Đã in lại hóa đơn ({where})."},
    "Wallet payments are not set up on this terminal (no broker link).": {
        "zh": "本终端未设置钱包支付（未连接消息服务器）。",
        "vi": "Máy này chưa cài đặt thanh toán bằng ví (không có kết nối broker)."},
    "Face-pay needs the payment service (no broker link): please pay another way.": {
        "zh": "刷脸支付需要支付服务（未连接消息服务器）：请使用其他方式支付。",
        "vi": "Trả bằng khuôn mặt cần dịch vụ thanh toán (không có kết nối broker): vui lòng thanh toán cách khác."},
    "back to the cart": {"zh": "已返回购物车", "vi": "Đã quay lại giỏ hàng"},
    "Paid {amount} by {method} ({status}).": {"zh": "已通过{method}支付 {amount}（{status}）。",
                                              "vi": "Đã trả {amount} bằng {method} ({status})."},
    "Paid {amount}, change {change}.": {"zh": "已付 {amount}，找零 {change}。",
                                        "vi": "Đã trả {amount}, tiền thối {change}."},
    "Receipt printed.": {"zh": "小票已打印。", "vi": "Đã in hóa đơn."},
    "Member {name} {phone} attached ({points} points).": {"zh": "会员 {name} {phone} 已关联（{points} 积分）。",
                                                          "vi": "Đã gắn thành viên {name} {phone} ({points} điểm)."},
    "Scanned {code}: {reason}": {"zh": "已扫描 {code}：{reason}", "vi": "Đã quét {code}: {reason}"},
    # cash panel (ui/sale/cash_panel.py, cash_panel.kv)
    "Cash {amount}": {"zh": "现金 {amount}", "vi": "Tiền mặt {amount}"},
    "Take cash": {"zh": "收取现金", "vi": "Nhận tiền mặt"},
    "Due {amount}": {"zh": "应付 {amount}", "vi": "Cần trả {amount}"},
    "Key in the cash received, or tap a quick amount.": {"zh": "请输入收到的现金，或点选快捷金额。",
                                                         "vi": "Nhập số tiền mặt đã nhận, hoặc chạm số tiền nhanh."},
    "Change {change}": {"zh": "找零 {change}", "vi": "Tiền thối {change}"},
    # wallet panel (ui/sale/wallet_panel.py)
    "Scan the customer's payment code, or show the QR for the customer to scan.": {
        "zh": "请扫描顾客的付款码，或出示二维码让顾客扫描。",
        "vi": "Quét mã thanh toán của khách, hoặc hiện mã QR để khách quét."},
    # payment method names of the receipt and the shift close (terminal/sales/receipts.py METHOD_NAMES)
    "Cash": {"zh": "现金", "vi": "Tiền mặt"},
    "Payment code": {"zh": "付款码", "vi": "Mã thanh toán"},
    "QR": {"zh": "二维码", "vi": "Mã QR"},
    "Member balance": {"zh": "会员余额", "vi": "Số dư thành viên"},
    # why our rules refused a wallet or face payment (ui/sale/refusals.py; English shows the domain's sentence)
    "not a wallet payment code": {"zh": "不是钱包付款码", "vi": "không phải mã thanh toán ví"},
    "this payment code was already used: ask for a new one": {"zh": "该付款码已使用过：请顾客刷新付款码",
                                                              "vi": "mã thanh toán này đã được dùng: hãy xin mã mới"},
    "too many code payments just now: wait a moment or take another method": {
        "zh": "付款码支付过于频繁：请稍候或改用其他方式",
        "vi": "quá nhiều lần trả bằng mã: chờ một lát hoặc dùng cách khác"},
    "the wallet service cannot be reached: take another payment method": {
        "zh": "无法连接钱包服务：请改用其他支付方式",
        "vi": "không kết nối được dịch vụ ví: hãy dùng cách thanh toán khác"},
    "over the offline limit for one payment: take another payment method": {
        "zh": "超出单笔离线支付限额：请改用其他支付方式",
        "vi": "vượt hạn mức ngoại tuyến mỗi lần: hãy dùng cách thanh toán khác"},
    "the payments waiting to be sent are at their limit: take cash": {
        "zh": "待上传付款已达上限：请收取现金", "vi": "các khoản chờ gửi đã đến hạn mức: hãy thu tiền mặt"},
    "an offline payment has waited too long to be sent: take cash": {
        "zh": "有离线付款等待上传过久：请收取现金", "vi": "có khoản ngoại tuyến chờ gửi quá lâu: hãy thu tiền mặt"},
    "the wallet service did not create the QR order: try again or take cash": {
        "zh": "钱包服务未能创建二维码订单：请重试或收取现金",
        "vi": "dịch vụ ví không tạo được đơn QR: thử lại hoặc thu tiền mặt"},
    # link states on the technician's queue page (ui/technician/screen.py)
    "connecting": {"zh": "正在连接", "vi": "đang kết nối"},
    "online": {"zh": "在线", "vi": "trực tuyến"},
    "refused": {"zh": "被拒绝", "vi": "bị từ chối"},
    "stopped": {"zh": "已停止", "vi": "đã dừng"},
    "never started": {"zh": "从未启动", "vi": "chưa từng chạy"},
    "not running": {"zh": "未运行", "vi": "không chạy"},
    # payment methods and statuses, as the status line names them (ui/sale/payments.py)
    "cash": {"zh": "现金", "vi": "tiền mặt"},
    "code": {"zh": "付款码", "vi": "mã thanh toán"},
    "qr": {"zh": "二维码", "vi": "mã QR"},
    "face": {"zh": "刷脸", "vi": "khuôn mặt"},
    "member_balance": {"zh": "会员余额", "vi": "số dư thành viên"},
    "approved": {"zh": "已批准", "vi": "đã duyệt"},
    "offline": {"zh": "离线", "vi": "ngoại tuyến"},
    # shift screen: the status line and the shift line (ui/shift/screen.py)
    "No shift is open: enter your name and the float counted into the drawer.": {
        "zh": "尚未开班：请输入您的姓名和放入钱箱的备用金。",
        "vi": "Chưa mở ca: nhập tên của bạn và số tiền lẻ đã đếm bỏ vào két."},
    "Shift open · {cashier} · since {since}": {"zh": "班次进行中 · {cashier} · 自 {since} 起",
                                               "vi": "Đang mở ca · {cashier} · từ {since}"},
    "Shift opened by {cashier} with a float of {amount}.": {"zh": "{cashier} 已开班，备用金 {amount}。",
                                                            "vi": "{cashier} đã mở ca với tiền lẻ {amount}."},
    "Cash in: {amount} recorded ({reason}).": {"zh": "存入现金：已记录 {amount}（{reason}）。",
                                               "vi": "Nộp tiền: đã ghi {amount} ({reason})."},
    "Cash out: {amount} recorded ({reason}).": {"zh": "取出现金：已记录 {amount}（{reason}）。",
                                                "vi": "Rút tiền: đã ghi {amount} ({reason})."},
    "X report: the shift stays open.": {"zh": "X 报表：班次仍然开着。", "vi": "Báo cáo X: ca vẫn đang mở."},
    "count the cash in the drawer and enter it before closing": {
        "zh": "请先清点钱箱中的现金并输入，再结班", "vi": "Hãy đếm tiền mặt trong két và nhập vào trước khi đóng ca"},
    "finish or void the sale in progress before closing the shift": {
        "zh": "请先完成或作废当前交易，再结班", "vi": "Hãy hoàn tất hoặc hủy giao dịch đang dở trước khi đóng ca"},
    "Shift closed. Cash difference {diff}.": {"zh": "已结班。现金差额 {diff}。",
                                              "vi": "Đã đóng ca. Chênh lệch tiền mặt {diff}."},
    "Printing the Z report…": {"zh": "正在打印 Z 报表…", "vi": "Đang in báo cáo Z…"},
    "{kind} report printed ({where}).": {"zh": "{kind} 报表已打印（{where}）。",
                                         "vi": "Đã in báo cáo {kind} ({where})."},
    "Report not printed: {error}. Tap Print report to try again.": {
        "zh": "报表未打印：{error}。请点“打印报表”重试。",
        "vi": "Chưa in được báo cáo: {error}. Chạm In báo cáo để thử lại."},
    # domain errors shown on the status line (EdgeposError.text in terminal/sales, shift, members; ui/errors_text.py)
    "there is no sale in progress": {"zh": "当前没有进行中的交易", "vi": "không có giao dịch nào đang diễn ra"},
    "cash must be in {currency}": {"zh": "现金必须以 {currency} 计", "vi": "tiền mặt phải tính bằng {currency}"},
    "{tendered} is not enough: {due} is due": {
        "zh": "{tendered} 不够：应付 {due}",
        "vi": "{tendered} không đủ: cần trả {due}"},
    "sale {sale_id} was {state}: it has no receipt": {
        "zh": "交易 {sale_id} 状态为 {state}：没有小票",
        "vi": "giao dịch {sale_id} ở trạng thái {state}: không có hóa đơn"},
    "no sale has been paid on this till yet": {
        "zh": "本收银台尚无已付款的交易",
        "vi": "quầy này chưa có giao dịch nào được thanh toán"},
    "Receipt not printed: {error}. Fix the printer and tap Reprint again.": {
        "zh": "小票未打印：{error}。请修好打印机后再点“重打小票”。",
        "vi": "Chưa in được hóa đơn: {error}. Sửa máy in rồi chạm In lại."},
    "sale is {state}; this needs it {allowed}": {
        "zh": "交易状态为 {state}；此操作需要 {allowed}",
        "vi": "giao dịch đang {state}; thao tác này cần {allowed}"},
    "quantity must be a whole number of at least 1, got {quantity}": {
        "zh": "数量必须是至少为 1 的整数，输入的是 {quantity}",
        "vi": "số lượng phải là số nguyên từ 1 trở lên, nhận được {quantity}"},
    "quantity {quantity} is more than {limit}: check the count": {
        "zh": "数量 {quantity} 超过 {limit}：请核对数量",
        "vi": "số lượng {quantity} vượt quá {limit}: hãy kiểm tra lại"},
    "there is no line {line} in this sale": {
        "zh": "本交易没有第 {line} 行",
        "vi": "giao dịch này không có dòng {line}"},
    "line {line}: discount {discount} would exceed the line total": {
        "zh": "第 {line} 行：折扣 {discount} 将超过该行金额",
        "vi": "dòng {line}: giảm giá {discount} sẽ vượt tổng dòng"},
    "a discount must be a non-negative amount in {currency}": {
        "zh": "折扣必须是不小于零的 {currency} 金额",
        "vi": "giảm giá phải là số tiền không âm bằng {currency}"},
    "discount {amount} is bigger than line {line} ({gross})": {
        "zh": "折扣 {amount} 大于第 {line} 行（{gross}）",
        "vi": "giảm giá {amount} lớn hơn dòng {line} ({gross})"},
    "discount {amount} is bigger than the sale ({total})": {
        "zh": "折扣 {amount} 大于交易金额（{total}）",
        "vi": "giảm giá {amount} lớn hơn giao dịch ({total})"},
    "the cart discount would exceed the sale": {
        "zh": "整单折扣将超过交易金额",
        "vi": "giảm giá đơn sẽ vượt giá trị giao dịch"},
    "the sale is empty: add an item first": {
        "zh": "交易为空：请先添加商品",
        "vi": "giao dịch trống: hãy thêm món hàng trước"},
    "a payment was taken: the sale cannot go back to the cart": {
        "zh": "已收款：交易不能返回购物车",
        "vi": "đã nhận thanh toán: không thể quay lại giỏ hàng"},
    "a payment must be a positive amount in {currency}": {
        "zh": "付款必须是大于零的 {currency} 金额",
        "vi": "thanh toán phải là số tiền dương bằng {currency}"},
    "payment {amount} is more than the {due} due": {
        "zh": "付款 {amount} 超过应付的 {due}",
        "vi": "thanh toán {amount} nhiều hơn số cần trả {due}"},
    "a payment was taken: refund it instead of voiding": {
        "zh": "已收款：请退款，不能作废",
        "vi": "đã nhận thanh toán: hãy hoàn tiền thay vì hủy"},
    "membership is not set up on this terminal": {
        "zh": "本终端未设置会员功能",
        "vi": "máy này chưa thiết lập thành viên"},
    "coupons are not set up on this terminal": {
        "zh": "本终端未设置优惠券功能",
        "vi": "máy này chưa thiết lập phiếu giảm giá"},
    "sale is {state}: join before it is paid": {
        "zh": "交易状态为 {state}：请在付款前加入会员",
        "vi": "giao dịch đang {state}: hãy đăng ký trước khi thanh toán"},
    "go back to the cart to apply a coupon": {
        "zh": "请返回购物车使用优惠券",
        "vi": "hãy quay lại giỏ hàng để dùng phiếu"},
    "coupon {code} is already on this sale: one coupon per sale": {
        "zh": "优惠券 {code} 已用于本交易：每笔交易限用一张",
        "vi": "phiếu {code} đã có trong giao dịch: mỗi giao dịch một phiếu"},
    "this sale has a cart discount: remove it (set it to 0) before applying a coupon": {
        "zh": "本交易已有整单折扣：请先取消（设为 0）再用优惠券",
        "vi": "giao dịch đã có giảm giá đơn: hãy bỏ (đặt về 0) trước khi dùng phiếu"},
    "coupon {code} is the cart discount: remove the coupon first": {
        "zh": "优惠券 {code} 即为整单折扣：请先移除优惠券",
        "vi": "phiếu {code} là giảm giá đơn: hãy bỏ phiếu trước"},
    "sale {sale_id} is {state}: only a paid sale can be refunded": {
        "zh": "交易 {sale_id} 状态为 {state}：只有已付款的交易可以退款",
        "vi": "giao dịch {sale_id} đang {state}: chỉ hoàn tiền được giao dịch đã thanh toán"},
    "the refund reason is {length} characters, at most {limit}": {
        "zh": "退款原因有 {length} 个字符，最多 {limit} 个",
        "vi": "lý do hoàn tiền dài {length} ký tự, tối đa {limit}"},
    "a refund must be a positive amount in {currency}": {
        "zh": "退款必须是大于零的 {currency} 金额",
        "vi": "hoàn tiền phải là số tiền dương bằng {currency}"},
    "cannot refund {amount}: only {left} of this sale is left to refund": {
        "zh": "无法退款 {amount}：本交易仅剩 {left} 可退",
        "vi": "không thể hoàn {amount}: giao dịch chỉ còn {left} để hoàn"},
    "barcode {text} must contain digits only": {
        "zh": "条码 {text} 只能包含数字",
        "vi": "mã vạch {text} chỉ được chứa chữ số"},
    "barcode {text} has {digits} digits; EAN-13 has 13, UPC-A 12, EAN-8 8": {
        "zh": "条码 {text} 有 {digits} 位；EAN-13 为 13 位，UPC-A 12 位，EAN-8 8 位",
        "vi": "mã vạch {text} có {digits} chữ số; EAN-13 có 13, UPC-A 12, EAN-8 8"},
    "{kind} barcode {text} has a bad check digit (expected {expected}): scan it again": {
        "zh": "{kind} 条码 {text} 校验位错误（应为 {expected}）：请重新扫描",
        "vi": "mã vạch {kind} {text} sai số kiểm tra (đúng là {expected}): hãy quét lại"},
    "no item with sku {sku} in the catalog": {
        "zh": "目录中没有 SKU 为 {sku} 的商品",
        "vi": "danh mục không có món hàng với SKU {sku}"},
    "barcode {barcode} is not in the catalog: key the item in by hand": {
        "zh": "条码 {barcode} 不在目录中：请手动输入商品",
        "vi": "mã vạch {barcode} không có trong danh mục: hãy nhập tay"},
    "no shift is open: open a shift (count the float) before selling": {
        "zh": "尚未开班：请先开班（清点备用金）再销售",
        "vi": "chưa mở ca: hãy mở ca (đếm tiền lẻ) trước khi bán"},
    "{what} must be in {currency}, not {other}": {
        "zh": "{what}必须以 {currency} 计，而不是 {other}",
        "vi": "{what} phải tính bằng {currency}, không phải {other}"},
    "{what} must be zero or more": {"zh": "{what}必须大于或等于零", "vi": "{what} phải từ 0 trở lên"},
    "{what} must be more than zero": {"zh": "{what}必须大于零", "vi": "{what} phải lớn hơn 0"},
    "the opening float": {"zh": "开班备用金", "vi": "tiền lẻ đầu ca"},
    "the amount": {"zh": "金额", "vi": "số tiền"},
    "the counted cash": {"zh": "清点的现金", "vi": "tiền mặt đã đếm"},
    "a counted amount": {"zh": "清点的金额", "vi": "số tiền đã đếm"},
    "enter the cashier's name to open a shift": {"zh": "请输入收银员姓名以开班", "vi": "nhập tên thu ngân để mở ca"},
    "the cashier's name is {length} characters, at most {limit}": {
        "zh": "收银员姓名有 {length} 个字符，最多 {limit} 个",
        "vi": "tên thu ngân dài {length} ký tự, tối đa {limit}"},
    "a shift is already open: close it first": {
        "zh": "已有班次进行中：请先结班",
        "vi": "đã có ca đang mở: hãy đóng ca trước"},
    "a cash move is 'in' or 'out'": {
        "zh": "现金变动只能是“存入”或“取出”",
        "vi": "thu chi tiền mặt chỉ là 'nộp' hoặc 'rút'"},
    "give a reason for the cash move": {"zh": "请填写现金变动的原因", "vi": "hãy ghi lý do thu chi tiền mặt"},
    "only {cash} should be in the drawer; cannot take out {amount}": {
        "zh": "钱箱中应只有 {cash}；无法取出 {amount}",
        "vi": "két chỉ nên có {cash}; không thể rút {amount}"},
    "a name has at most {limit} characters": {"zh": "姓名最多 {limit} 个字符", "vi": "tên tối đa {limit} ký tự"},
    "no member {member_id} on this terminal": {
        "zh": "本终端没有会员 {member_id}",
        "vi": "máy này không có thành viên {member_id}"},
    "this member card is no longer valid (the member left): ask them to join again": {
        "zh": "此会员卡已失效（会员已退出）：请顾客重新加入",
        "vi": "thẻ thành viên này không còn hiệu lực (đã rời): hãy mời đăng ký lại"},
    "member {name} has not consented to face data: once they have read and accepted the face-data "
    "consent, record it with `edgepos members consent {id} --face`, then enrol again": {
        "zh": "会员 {name} 尚未同意使用人脸数据：待其阅读并接受人脸数据同意书后，用 `edgepos members consent {id}"
              " --face` 记录，再重新录入",
        "vi": "thành viên {name} chưa đồng ý dữ liệu khuôn mặt: khi họ đã đọc và chấp nhận, ghi nhận "
              "bằng `edgepos members consent {id} --face`, rồi đăng ký lại"},
    "enrolment needs at least one face encoding": {
        "zh": "录入至少需要一个人脸特征",
        "vi": "đăng ký cần ít nhất một mẫu khuôn mặt"},
    "member {member} no longer exists: detach them from the sale": {
        "zh": "会员 {member} 已不存在：请将其从交易中移除",
        "vi": "thành viên {member} không còn tồn tại: hãy gỡ khỏi giao dịch"},
    "face-pay limit reached: {spent} paid by face today, the daily limit is {cap}; please pay another way": {
        "zh": "已达刷脸支付上限：今日已刷脸支付 {spent}，每日上限 {cap}；请使用其他方式支付",
        "vi": "đã đạt hạn mức trả bằng khuôn mặt: hôm nay đã trả {spent}, hạn mức ngày {cap}; hãy trả cách khác"},
    "phone {phone} already belongs to a member: find them by phone or card instead": {
        "zh": "电话 {phone} 已属于某位会员：请用电话或会员卡查找",
        "vi": "số điện thoại {phone} đã thuộc về một thành viên: hãy tìm theo số hoặc thẻ"},
    "coupon code {code}: 3 to 32 letters, digits, - or _, starting with a letter or digit": {
        "zh": "优惠券代码 {code}：3 到 32 个字母、数字、- 或 _，以字母或数字开头",
        "vi": "mã phiếu {code}: 3 đến 32 chữ cái, chữ số, - hoặc _, bắt đầu bằng chữ cái hoặc số"},
    "give a coupon either a percent or an amount off, not both": {
        "zh": "优惠券只能设百分比或减免金额，不能两者都设",
        "vi": "phiếu chỉ giảm theo phần trăm hoặc số tiền, không cả hai"},
    "a coupon percent is more than 0 and at most 100, in steps of 0.01, got {percent}": {
        "zh": "优惠券百分比须大于 0 且不超过 100，步长 0.01，输入的是 {percent}",
        "vi": "phần trăm phiếu phải trên 0 và tối đa 100, bước 0.01, nhận được {percent}"},
    "a coupon amount must be positive and its minimum spend not negative": {
        "zh": "优惠券金额必须大于零，最低消费不能为负",
        "vi": "số tiền phiếu phải dương và mức chi tối thiểu không âm"},
    "coupon {code} is not known here: check the code": {
        "zh": "此处没有优惠券 {code}：请核对代码",
        "vi": "không có phiếu {code} ở đây: hãy kiểm tra mã"},
    "coupon {code} has already been used (sale {sale})": {
        "zh": "优惠券 {code} 已被使用（交易 {sale}）",
        "vi": "phiếu {code} đã được dùng (giao dịch {sale})"},
    "coupon {code} expired on {date}": {
        "zh": "优惠券 {code} 已于 {date} 过期",
        "vi": "phiếu {code} đã hết hạn ngày {date}"},
    "coupon {code} is in {currency}, the sale in {sale_currency}": {
        "zh": "优惠券 {code} 以 {currency} 计，交易以 {sale_currency} 计",
        "vi": "phiếu {code} tính bằng {currency}, giao dịch bằng {sale_currency}"},
    "coupon {code} needs a spend of at least {minimum}; the sale is {goods}: add items or remove the coupon": {
        "zh": "优惠券 {code} 需消费满 {minimum}；本交易为 {goods}：请添加商品或移除优惠券",
        "vi": "phiếu {code} cần chi ít nhất {minimum}; giao dịch là {goods}: thêm hàng hoặc bỏ phiếu"},
    "coupon {code} has already been used: remove it from the sale": {
        "zh": "优惠券 {code} 已被使用：请从交易中移除",
        "vi": "phiếu {code} đã được dùng: hãy bỏ khỏi giao dịch"},
    "coupon amounts are numbers like 5.00 and percents like 10 or 12.5 ({currency})": {
        "zh": "优惠券金额为数字，如 5.00；百分比如 10 或 12.5（{currency}）",
        "vi": "số tiền phiếu là số như 5.00, phần trăm như 10 hoặc 12.5 ({currency})"},
    "expiry must be a date like 2026-12-31, got {expires}": {
        "zh": "有效期必须是日期，如 2026-12-31，输入的是 {expires}",
        "vi": "hạn dùng phải là ngày như 2026-12-31, nhận được {expires}"},
    "coupon {code} already exists: choose another code": {
        "zh": "优惠券 {code} 已存在：请换一个代码",
        "vi": "phiếu {code} đã tồn tại: hãy chọn mã khác"},
    "phone {phone} has no country code: write it in {format}": {
        "zh": "电话 {phone} 没有国家代码：请按 {format} 格式填写",
        "vi": "số {phone} thiếu mã quốc gia: hãy viết theo {format}"},
    "a phone number has only digits after the +: write it in {format}": {
        "zh": "电话号码的 + 后面只能是数字：请按 {format} 格式填写",
        "vi": "sau dấu + chỉ có chữ số: hãy viết theo {format}"},
    "a country code never starts with 0: write the phone in {format}": {
        "zh": "国家代码不会以 0 开头：请按 {format} 格式填写电话",
        "vi": "mã quốc gia không bắt đầu bằng 0: hãy viết theo {format}"},
    "a phone number has 8 to 15 digits with its country code, this one has {digits}: write it in {format}": {
        "zh": "含国家代码的电话号码为 8 到 15 位，此号码有 {digits} 位：请按 {format} 格式填写",
        "vi": "số điện thoại có 8 đến 15 chữ số kể cả mã quốc gia, số này có {digits}: hãy viết theo {format}"},
    "not a member id: {member_id}": {"zh": "不是会员编号：{member_id}", "vi": "không phải mã thành viên: {member_id}"},
    "not an edgepos member card: ask the customer for their card or phone number": {
        "zh": "不是 edgepos 会员卡：请向顾客索要会员卡或电话号码",
        "vi": "không phải thẻ thành viên edgepos: hãy hỏi thẻ hoặc số điện thoại của khách"},
    "this member card was not issued by this shop (its signature does not match): ask for the "
    "customer's phone number instead": {
        "zh": "此会员卡并非本店发行（签名不符）：请改问顾客的电话号码",
        "vi": "thẻ này không do cửa hàng phát hành (chữ ký không khớp): hãy hỏi số điện thoại của khách"},
    "a PIN is {low} to {high} digits": {
        "zh": "PIN 码为 {low} 到 {high} 位数字",
        "vi": "mã PIN gồm {low} đến {high} chữ số"},
    "a manager's PIN is needed to approve this ({action})": {
        "zh": "此操作需要经理输入 PIN 码批准（{action}）",
        "vi": "cần mã PIN của quản lý để duyệt việc này ({action})"},
    "a staff name is 1 to {limit} printable characters": {
        "zh": "员工姓名为 1 到 {limit} 个可打印字符",
        "vi": "tên nhân viên gồm 1 đến {limit} ký tự in được"},
    "role must be cashier or manager, got {role}": {
        "zh": "角色必须是 cashier（收银员）或 manager（经理），输入的是 {role}",
        "vi": "vai trò phải là cashier (thu ngân) hoặc manager (quản lý), nhận được {role}"},
    "{name} is already on the staff list": {
        "zh": "{name} 已在员工名单中",
        "vi": "{name} đã có trong danh sách nhân viên"},
    "that PIN is already someone's: choose another": {
        "zh": "此 PIN 码已被他人使用：请换一个",
        "vi": "mã PIN này đã có người dùng: hãy chọn mã khác"},
    "too many wrong PINs: try again in {seconds} s": {
        "zh": "PIN 码错误次数过多：请 {seconds} 秒后再试",
        "vi": "nhập sai PIN quá nhiều lần: thử lại sau {seconds} giây"},
    "wrong PIN, {tries} times: the PIN pad is locked for {seconds} s": {
        "zh": "PIN 码错误 {tries} 次：键盘锁定 {seconds} 秒",
        "vi": "sai PIN {tries} lần: bàn phím PIN bị khóa {seconds} giây"},
    "wrong PIN: {tries} tries left": {
        "zh": "PIN 码错误：还可尝试 {tries} 次",
        "vi": "sai PIN: còn {tries} lần thử"},
    "no manager is set up on this terminal: add one with 'edgepos staff add --role manager'": {
        "zh": "本终端尚未设置经理：请用 'edgepos staff add --role manager' 添加",
        "vi": "máy này chưa có quản lý: hãy thêm bằng 'edgepos staff add --role manager'"},
    "{name} is a cashier: a manager must enter their PIN": {
        "zh": "{name} 是收银员：须由经理输入其 PIN 码",
        "vi": "{name} là thu ngân: quản lý phải nhập mã PIN của mình"},
    # refunds by line and the sales history (terminal/sales/refunds.py, refund_plan.py, history.py,
    # terminal/payments/code_refund.py)
    "the chosen lines cost the customer nothing: there is no money to give back": {
        "zh": "所选商品顾客未付款：没有可退的金额",
        "vi": "các dòng đã chọn khách không phải trả tiền: không có tiền để hoàn"},
    "the wallet refused the refund: {reason}; nothing was refunded": {
        "zh": "钱包拒绝了退款：{reason}；未退任何款项",
        "vi": "ví từ chối hoàn tiền: {reason}; chưa hoàn khoản nào"},
    "no sale {sale_id} on this terminal: check the receipt number": {
        "zh": "本终端没有销售 {sale_id}：请核对小票号",
        "vi": "máy này không có giao dịch {sale_id}: hãy kiểm tra số hóa đơn"},
    "refund {refund_id} belongs to another sale": {
        "zh": "退款 {refund_id} 属于另一笔销售",
        "vi": "lần hoàn {refund_id} thuộc giao dịch khác"},
    "the wallet refused refund {refund_id} ({detail}): start a new refund": {
        "zh": "钱包拒绝了退款 {refund_id}（{detail}）：请重新发起退款",
        "vi": "ví đã từ chối lần hoàn {refund_id} ({detail}): hãy tạo lần hoàn mới"},
    "choose at least one line and quantity to refund": {
        "zh": "请至少选择一行商品及退款数量",
        "vi": "hãy chọn ít nhất một dòng và số lượng để hoàn"},
    "everything in this sale has been refunded already (or waits for the wallet's answer): nothing is left to refund": {
        "zh": "这笔销售已全部退款（或正在等待钱包答复）：没有可退的了",
        "vi": "giao dịch này đã được hoàn hết (hoặc đang chờ ví trả lời): không còn gì để hoàn"},
    "the sale has no line {line}: its lines are 1 to {count}": {
        "zh": "这笔销售没有第 {line} 行：行号为 1 到 {count}",
        "vi": "giao dịch không có dòng {line}: các dòng là 1 đến {count}"},
    "line {line}: refund a whole number of at least 1, not {quantity}": {
        "zh": "第 {line} 行：退款数量须为至少 1 的整数，而不是 {quantity}",
        "vi": "dòng {line}: số lượng hoàn phải là số nguyên từ 1 trở lên, không phải {quantity}"},
    "line {line} ({name}): cannot refund {quantity}, only {left} of {bought} left to refund": {
        "zh": "第 {line} 行（{name}）：不能退 {quantity} 件，购买 {bought} 件中只剩 {left} 件可退",
        "vi": "dòng {line} ({name}): không thể hoàn {quantity}, chỉ còn {left} trên {bought} có thể hoàn"},
    "the sale has no line with sku {sku}": {
        "zh": "这笔销售没有货号为 {sku} 的商品",
        "vi": "giao dịch không có dòng nào mã hàng {sku}"},
    "the wallet service cannot be reached: refund {refund_id} is kept and nothing was refunded yet; try the same "
    "refund again when the terminal is back online": {
        "zh": "无法连接钱包服务：退款 {refund_id} 已保留，尚未退款；终端恢复联网后请再次发起同一退款",
        "vi": "không kết nối được dịch vụ ví: lần hoàn {refund_id} được giữ lại, chưa hoàn gì; hãy thử lại đúng lần "
              "hoàn này khi máy có mạng trở lại"},
    "sale {sale_id} was not paid by wallet: refund it as cash": {
        "zh": "销售 {sale_id} 不是用钱包支付的：请以现金退款",
        "vi": "giao dịch {sale_id} không trả bằng ví: hãy hoàn bằng tiền mặt"},
    "the wallet service cannot be reached, so a wallet payment cannot be refunded now: nothing was refunded; try "
    "again when the terminal is back online": {
        "zh": "无法连接钱包服务，现在不能退回钱包付款：未退任何款项；终端恢复联网后请重试",
        "vi": "không kết nối được dịch vụ ví nên chưa thể hoàn khoản trả bằng ví: chưa hoàn gì; hãy thử lại khi "
              "máy có mạng trở lại"},
    "no answer from the wallet service: refund {refund_id} is kept; try the same refund again (the same id is never "
    "refunded twice)": {
        "zh": "钱包服务没有答复：退款 {refund_id} 已保留；请再次发起同一退款（同一编号绝不会重复退款）",
        "vi": "dịch vụ ví không trả lời: lần hoàn {refund_id} được giữ lại; hãy thử lại đúng lần hoàn này (cùng mã "
              "không bao giờ bị hoàn hai lần)"},
    "this wallet payment was accepted offline and is not charged yet: there is nothing to refund at the wallet; try "
    "again once the terminal is back online and the payment is charged": {
        "zh": "这笔钱包付款是离线接受的，尚未扣款：钱包中没有可退的款项；请在终端恢复联网且付款已扣款后重试",
        "vi": "khoản trả bằng ví này được nhận khi ngoại tuyến và chưa bị trừ tiền: chưa có gì để hoàn ở ví; hãy "
              "thử lại khi máy có mạng và khoản tiền đã được trừ"},
    "{text} is not a receipt number: type the 12 characters printed after Sale": {
        "zh": "{text} 不是小票号：请输入小票上“Sale”后面的 12 个字符",
        "vi": "{text} không phải số hóa đơn: hãy nhập 12 ký tự in sau chữ Sale"},
    "no sale {receipt} on this terminal: check the receipt number": {
        "zh": "本终端没有销售 {receipt}：请核对小票号",
        "vi": "máy này không có giao dịch {receipt}: hãy kiểm tra số hóa đơn"},
    "more than one sale starts with {receipt}: type the full id": {
        "zh": "有多笔销售以 {receipt} 开头：请输入完整编号",
        "vi": "có nhiều giao dịch bắt đầu bằng {receipt}: hãy nhập mã đầy đủ"},
    "this receipt QR was not printed by this terminal (its key does not match): type the receipt number instead": {
        "zh": "此小票二维码不是本终端打印的（密钥不符）：请改为输入小票号",
        "vi": "mã QR hóa đơn này không do máy này in (khóa không khớp): hãy nhập số hóa đơn"},
    # staff on the kiosk: PIN pad, sign-in, switching cashier, approvals (ui/staff, ui/sale/people.py)
    "Sign in: enter your PIN": {"zh": "登录：请输入您的 PIN 码", "vi": "Đăng nhập: nhập mã PIN của bạn"},
    "Manager approval: {action}": {"zh": "经理批准：{action}", "vi": "Quản lý duyệt: {action}"},
    "a refund": {"zh": "退款", "vi": "hoàn tiền"},
    "taking items off after payment started": {
        "zh": "开始付款后撤销商品",
        "vi": "bỏ hàng sau khi đã bắt đầu thanh toán"},
    "a discount over the cashier's limit": {
        "zh": "超出收银员权限的折扣",
        "vi": "giảm giá vượt mức của thu ngân"},
    "opening the drawer without a sale": {"zh": "无销售打开钱箱", "vi": "mở ngăn kéo tiền khi không bán hàng"},
    "accepting an offline payment over the limit": {"zh": "接受超出限额的离线付款",
                                                    "vi": "nhận thanh toán ngoại tuyến vượt hạn mức"},
    "Not approved: nothing was changed.": {
        "zh": "未获批准：未做任何更改。",
        "vi": "Chưa được duyệt: không có gì thay đổi."},
    "Nobody signed in": {"zh": "无人登录", "vi": "Chưa ai đăng nhập"},
    "Sign in with your PIN to sell.": {
        "zh": "请用您的 PIN 码登录后再销售。",
        "vi": "Đăng nhập bằng mã PIN để bán hàng."},
    "finish or void the sale in progress before switching cashier": {
        "zh": "请先完成或作废当前销售，再更换收银员",
        "vi": "hãy hoàn tất hoặc hủy đơn đang bán trước khi đổi thu ngân"},
    "{name} signed in.": {"zh": "{name} 已登录。", "vi": "{name} đã đăng nhập."},
    "Nobody is signed in: tap Sign in to sell.": {"zh": "无人登录：请点“登录”后再销售。",
                                                  "vi": "Chưa ai đăng nhập: chạm Đăng nhập để bán hàng."},
    "Switch cashier": {"zh": "更换收银员", "vi": "Đổi thu ngân"},
    "Sign in": {"zh": "登录", "vi": "Đăng nhập"},
    "No sale": {"zh": "无销售开箱", "vi": "Mở ngăn kéo"},
    "Drawer opened: NO SALE slip printed ({where}).": {"zh": "钱箱已打开：已打印无销售凭条（{where}）。",
                                                       "vi": "Đã mở ngăn kéo: đã in phiếu KHÔNG BÁN ({where})."},
    # cash at a glance (ui/sale/cash_panel.kv)
    "Change": {"zh": "找零", "vi": "Tiền thối"},
    "Cash {tendered}  ·  Total {total}": {"zh": "收款 {tendered}  ·  合计 {total}",
                                          "vi": "Tiền khách đưa {tendered}  ·  Tổng {total}"},
    # sales history screen and refund panel (ui/history)
    "Sales": {"zh": "销售记录", "vi": "Đơn đã bán"},
    "Sales history": {"zh": "销售记录", "vi": "Lịch sử bán hàng"},
    "Receipt number, or scan the receipt QR": {"zh": "小票号，或扫描小票二维码",
                                               "vi": "Số hóa đơn, hoặc quét mã QR hóa đơn"},
    "Earlier day": {"zh": "前一天", "vi": "Ngày trước"},
    "Later day": {"zh": "后一天", "vi": "Ngày sau"},
    "No sales on this day.": {"zh": "这一天没有销售。", "vi": "Không có giao dịch nào trong ngày này."},
    "All sales of the day": {"zh": "当天全部销售", "vi": "Mọi đơn trong ngày"},
    "Refund…": {"zh": "退款…", "vi": "Hoàn tiền…"},
    "Type the receipt number (12 characters after Sale) or scan the receipt's QR.": {
        "zh": "请输入小票号（Sale 后面的 12 个字符）或扫描小票二维码。",
        "vi": "Nhập số hóa đơn (12 ký tự sau chữ Sale) hoặc quét mã QR của hóa đơn."},
    "Sale {receipt} found.": {"zh": "已找到销售 {receipt}。", "vi": "Đã tìm thấy giao dịch {receipt}."},
    "Receipt": {"zh": "小票", "vi": "Hóa đơn"},
    "Time": {"zh": "时间", "vi": "Giờ"},
    "Total": {"zh": "合计", "vi": "Tổng"},
    "Method": {"zh": "方式", "vi": "Cách trả"},
    "State": {"zh": "状态", "vi": "Trạng thái"},
    "Ask again": {"zh": "再次询问", "vi": "Hỏi lại"},
    "paid": {"zh": "已付款", "vi": "đã trả"},
    "partly refunded": {"zh": "部分退款", "vi": "đã hoàn một phần"},
    "refunded": {"zh": "已退款", "vi": "đã hoàn tiền"},
    "voided": {"zh": "已作废", "vi": "đã hủy"},
    "changed mind": {"zh": "顾客改变主意", "vi": "khách đổi ý"},
    "damaged": {"zh": "商品损坏", "vi": "hàng hỏng"},
    "wrong item": {"zh": "商品不对", "vi": "sai hàng"},
    "customer refund": {"zh": "顾客退款", "vi": "khách hoàn tiền"},
    "nobody signed in": {"zh": "无人登录", "vi": "chưa ai đăng nhập"},
    "{day}  ·  sales: {n}": {"zh": "{day}  ·  销售笔数：{n}", "vi": "{day}  ·  số giao dịch: {n}"},
    "{date} (today)": {"zh": "{date}（今天）", "vi": "{date} (hôm nay)"},
    "{method} {amount} ({status})": {"zh": "{method} {amount}（{status}）", "vi": "{method} {amount} ({status})"},
    "{time}: {amount} ({method}) by {who}, approved by {manager}; {lines}": {
        "zh": "{time}：{amount}（{method}），经办 {who}，批准 {manager}；{lines}",
        "vi": "{time}: {amount} ({method}) do {who} làm, {manager} duyệt; {lines}"},
    "line {n} × {q}": {"zh": "第 {n} 行 × {q}", "vi": "dòng {n} × {q}"},
    "{n} points taken back": {"zh": "扣回 {n} 积分", "vi": "đã thu lại {n} điểm"},
    "Refunded {amount} in cash: give {amount} from the drawer.": {
        "zh": "已退现金 {amount}：请从钱箱取出 {amount} 交给顾客。",
        "vi": "Đã hoàn {amount} tiền mặt: hãy lấy {amount} từ ngăn kéo đưa khách."},
    "Refunded {amount} to the customer's {method}: nothing to give from the drawer.": {
        "zh": "已退 {amount} 至顾客的{method}：无需从钱箱取钱。",
        "vi": "Đã hoàn {amount} về {method} của khách: không cần lấy tiền từ ngăn kéo."},
    "{n} points taken back from the member.": {"zh": "已从会员扣回 {n} 积分。",
                                               "vi": "Đã thu lại {n} điểm của thành viên."},
    "{n} points could not be taken back: the member's balance was too low.": {
        "zh": "有 {n} 积分无法扣回：会员积分余额不足。",
        "vi": "Không thu lại được {n} điểm: số điểm của thành viên không đủ."},
    "Sale {receipt}  ·  {time}  ·  {total}  ·  {methods}  ·  {state}": {
        "zh": "销售 {receipt}  ·  {time}  ·  {total}  ·  {methods}  ·  {state}",
        "vi": "Đơn {receipt}  ·  {time}  ·  {total}  ·  {methods}  ·  {state}"},
    "Still refundable: {amount}": {"zh": "仍可退：{amount}", "vi": "Còn có thể hoàn: {amount}"},
    "A member earned points on this sale: a refund takes its share back.": {
        "zh": "会员在这笔销售中获得了积分：退款会按比例扣回。",
        "vi": "Thành viên được cộng điểm từ đơn này: hoàn tiền sẽ thu lại phần điểm tương ứng."},
    "Coupon {code} was used: it is not given back.": {
        "zh": "已使用优惠券 {code}：不予退还。",
        "vi": "Đã dùng phiếu giảm giá {code}: phiếu không được trả lại."},
    "Item": {"zh": "商品", "vi": "Món hàng"},
    "Qty": {"zh": "数量", "vi": "SL"},
    "Refunded": {"zh": "已退", "vi": "Đã hoàn"},
    "Left": {"zh": "可退", "vi": "Còn"},
    "Paid": {"zh": "实付", "vi": "Đã trả"},
    "Payments": {"zh": "付款", "vi": "Thanh toán"},
    "No payment (the sale was voided).": {"zh": "无付款（该销售已作废）。",
                                          "vi": "Không có thanh toán (đơn đã bị hủy)."},
    "Refunds": {"zh": "退款", "vi": "Hoàn tiền"},
    "Waiting for the wallet": {"zh": "等待钱包答复", "vi": "Đang chờ ví"},
    "Refund {refund_id} was sent but not answered: ask again (the same refund id is reused, never refunded twice).": {
        "zh": "退款 {refund_id} 已发出但没有答复：请再次询问（沿用同一退款编号，绝不会重复退款）。",
        "vi": "Lần hoàn {refund_id} đã gửi nhưng chưa có trả lời: hãy hỏi lại (dùng lại cùng mã hoàn, không bao giờ "
              "hoàn hai lần)."},
    "Everything": {"zh": "全部", "vi": "Tất cả"},
    "Close": {"zh": "关闭", "vi": "Đóng"},
    "Ask the wallet again": {"zh": "再次询问钱包", "vi": "Hỏi lại ví"},
    "Refund (manager PIN)": {"zh": "退款（经理 PIN）", "vi": "Hoàn tiền (PIN quản lý)"},
    "Choose the units to give back (+ and -), or Everything; then a manager's PIN.": {
        "zh": "选择要退的数量（+ 和 -）或“全部”，然后由经理输入 PIN 码。",
        "vi": "Chọn số lượng cần hoàn (+ và -) hoặc Tất cả; rồi quản lý nhập mã PIN."},
    "Refunding… a wallet refund waits for the wallet's answer.": {
        "zh": "正在退款…钱包退款需等待钱包答复。",
        "vi": "Đang hoàn tiền… hoàn về ví phải chờ ví trả lời."},
    "Not approved: nothing was refunded.": {"zh": "未获批准：未退任何款项。", "vi": "Chưa được duyệt: chưa hoàn gì."},
    "Refund sale {receipt}": {"zh": "退款：销售 {receipt}", "vi": "Hoàn tiền đơn {receipt}"},
    "Give back {amount}": {"zh": "退还 {amount}", "vi": "Hoàn lại {amount}"},
    "Given back {amount}": {"zh": "已退还 {amount}", "vi": "Đã hoàn lại {amount}"},
    "Choose at least one unit to refund (+), or Everything.": {
        "zh": "请至少选择一件要退的商品（+），或选“全部”。",
        "vi": "Hãy chọn ít nhất một món để hoàn (+), hoặc Tất cả."},
    "{left} of {bought} left": {"zh": "{bought} 件中剩 {left} 件", "vi": "còn {left} trên {bought}"},
    "Asking the wallet again…": {"zh": "正在再次询问钱包…", "vi": "Đang hỏi lại ví…"},
    # Payment recovery after a restart (terminal/payments/recovery_texts.py): what the cashier is told once.
    "{amount} by {code} was charged before the terminal stopped: sale {sale} is completed and its receipt printed": {
        "zh": "终端停止前已从 {code} 扣款 {amount}：销售 {sale} 已完成，小票已打印",
        "vi": "{amount} từ {code} đã bị trừ trước khi máy dừng: đơn {sale} đã hoàn tất và hóa đơn đã in"},
    "{amount} by {code} had no final answer when the terminal stopped: it was cancelled and nothing is charged "
    "(sale {sale})": {
        "zh": "终端停止时 {code} 的 {amount} 付款没有最终结果：已撤销，未扣款（销售 {sale}）",
        "vi": "{amount} từ {code} chưa có kết quả khi máy dừng: đã hủy, không bị trừ tiền (đơn {sale})"},
    "{amount} by {code} was declined after the terminal stopped: sale {sale} is not paid": {
        "zh": "终端停止后 {code} 的 {amount} 付款被拒绝：销售 {sale} 未付款",
        "vi": "{amount} từ {code} bị từ chối sau khi máy dừng: đơn {sale} chưa được thanh toán"},
    "{amount} by {code} was charged but sale {sale} could not be completed: it was refunded": {
        "zh": "已从 {code} 扣款 {amount}，但销售 {sale} 无法完成：已退款",
        "vi": "{amount} từ {code} đã bị trừ nhưng đơn {sale} không thể hoàn tất: đã hoàn tiền"},
    "{amount} by {code} was charged after its cancellation: it was refunded (sale {sale})": {
        "zh": "{code} 的 {amount} 在撤销后才扣款：已退款（销售 {sale}）",
        "vi": "{amount} từ {code} bị trừ sau khi đã hủy: đã hoàn tiền (đơn {sale})"},
    "{amount} by {code} was charged and its refund is not confirmed yet: it is retried, do not refund it by hand "
    "(sale {sale})": {
        "zh": "已从 {code} 扣款 {amount}，退款尚未确认：系统会重试，请勿手动退款（销售 {sale}）",
        "vi": "{amount} từ {code} đã bị trừ và việc hoàn tiền chưa được xác nhận: hệ thống sẽ thử lại, "
              "đừng hoàn tiền thủ công (đơn {sale})"},
    "{amount} by {code}: the cancellation is not confirmed yet; it is retried until the wallet answers (sale {sale})": {
        "zh": "{code} 的 {amount}：撤销尚未确认；系统会重试直到钱包回复（销售 {sale}）",
        "vi": "{amount} từ {code}: việc hủy chưa được xác nhận; hệ thống sẽ thử lại đến khi ví trả lời (đơn {sale})"},
}
