"""Domain errors shown on a kiosk screen (EdgeposError.text in terminal/): English msgids with zh and vi."""
from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
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
}
