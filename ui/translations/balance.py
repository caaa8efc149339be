"""The members' prepaid balance (储值): top-ups, balance payments, face-pay funding; English msgids, zh and vi."""
from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # domain errors (terminal/members/balance*.py, topup.py, service.py, terminal/sales/refunds.py)
    "a balance payment must be a positive amount in {currency}": {
        "zh": "余额支付必须是大于零的 {currency} 金额",
        "vi": "thanh toán bằng số dư phải là số tiền dương bằng {currency}"},
    "the member's balance is {balance}, not enough for {amount}: top up or pay another way": {
        "zh": "会员余额为 {balance}，不足以支付 {amount}：请充值或改用其他方式支付",
        "vi": "số dư của thành viên là {balance}, không đủ cho {amount}: hãy nạp thêm hoặc thanh toán cách khác"},
    "offline, a member may spend at most {cap} from the balance per day ({spent} spent offline today): pay another"
    " way, or wait until the terminal is back online": {
        "zh": "离线时，会员每天最多可用余额支付 {cap}（今天离线已用 {spent}）：请改用其他方式支付，或等终端恢复联网",
        "vi": "khi ngoại tuyến, mỗi thành viên chỉ được dùng tối đa {cap} từ số dư mỗi ngày (hôm nay đã dùng "
              "{spent} khi ngoại tuyến): hãy thanh toán cách khác hoặc đợi máy có mạng trở lại"},
    "a top-up must be a positive amount in {currency}": {
        "zh": "充值金额必须是大于零的 {currency} 金额",
        "vi": "số tiền nạp phải là số tiền dương bằng {currency}"},
    "attach the member first (scan their card or type their phone) to pay from their balance": {
        "zh": "请先关联会员（扫描会员卡或输入手机号），再用其余额支付",
        "vi": "hãy gắn thành viên trước (quét thẻ hoặc nhập số điện thoại) để thanh toán bằng số dư"},
    "the balance payment of sale {sale_id} is not on this terminal's ledger: it cannot be refunded to the balance": {
        "zh": "交易 {sale_id} 的余额支付不在本终端的账本中：无法退回余额",
        "vi": "khoản thanh toán bằng số dư của giao dịch {sale_id} không có trong sổ của máy này: không thể hoàn vào"
              " số dư"},
    "member {name} still has {balance} on the prepaid balance: spend or pay it out before deleting them": {
        "zh": "会员 {name} 的储值余额还有 {balance}：请先用完或退还后再删除",
        "vi": "thành viên {name} vẫn còn {balance} trong số dư trả trước: hãy dùng hết hoặc hoàn lại trước khi xóa"},
    "the payment service cannot be reached: try the agreement again when the terminal is online": {
        "zh": "无法连接支付服务：请在终端联网后再试签约",
        "vi": "không kết nối được dịch vụ thanh toán: hãy thử ký thỏa thuận lại khi máy có mạng"},
    "the payment service did not start the agreement ({reason})": {
        "zh": "支付服务未能发起签约（{reason}）",
        "vi": "dịch vụ thanh toán không bắt đầu được thỏa thuận ({reason})"},
    "Agreement QR": {"zh": "代扣签约码", "vi": "Mã ký ví"},
    "Scan with your wallet app to sign the payment agreement for face-pay.": {
        "zh": "请用钱包App扫码，签署刷脸支付的代扣协议。",
        "vi": "Quét bằng ứng dụng ví để ký thỏa thuận thanh toán cho thanh toán bằng khuôn mặt."},
    # screens (ui/sale, ui/members, ui/facepay)
    "no prepaid balance or wallet agreement covers this: pay with your payment code or scan the shop's QR": {
        "zh": "储值余额或钱包代扣协议都无法支付：请出示付款码或扫描店铺二维码支付",
        "vi": "không có số dư trả trước hoặc thỏa thuận ví nào chi trả được: hãy dùng mã thanh toán hoặc quét mã QR"
              " của cửa hàng"},
    "Paid from your prepaid balance: {balance} left": {
        "zh": "已用储值余额支付：剩余 {balance}",
        "vi": "Đã thanh toán bằng số dư trả trước: còn {balance}"},
    "Balance left: {balance}": {"zh": "余额剩余：{balance}", "vi": "Số dư còn lại: {balance}"},
    "Balance": {"zh": "余额支付", "vi": "Số dư"},
    "Prepaid balance: {balance}": {"zh": "储值余额：{balance}", "vi": "Số dư trả trước: {balance}"},
    "Topped up {amount}: balance {balance}.": {
        "zh": "已充值 {amount}：余额 {balance}。",
        "vi": "Đã nạp {amount}: số dư {balance}."},
    "Slip printed.": {"zh": "凭条已打印。", "vi": "Đã in phiếu."},
    "Scan the customer's payment code to top up.": {
        "zh": "请扫描顾客的付款码进行充值。",
        "vi": "Quét mã thanh toán của khách để nạp tiền."},
    "Top-up amount": {"zh": "充值金额", "vi": "Số tiền nạp"},
    "Top up cash": {"zh": "现金充值", "vi": "Nạp tiền mặt"},
    "Top up by code": {"zh": "付款码充值", "vi": "Nạp bằng mã"},
    "Scan code…": {"zh": "请扫码…", "vi": "Quét mã…"},
}
