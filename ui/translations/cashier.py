"""The cashier's tools: staff and PINs, sales history, refunds, recovered payments (zh and vi)."""
from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
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
