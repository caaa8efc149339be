"""Staff on the kiosk, driven through the widgets: sign-in before selling, switching cashier, a manager's PIN
for a discount over the limit and a line taken off after payment started, the pad locked after wrong PINs,
the no-sale drawer, and the change due in large type until the next sale starts."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Kiosk, make_terminal
from support.fakes import FakePrinter
from terminal.ports import Printer

pytestmark = pytest.mark.ui

TEA = "8930001234505"  # 18.00
CASHIER_PIN, OTHER_PIN, MANAGER_PIN = "1111", "2222", "9999"


def staffed(make_kiosk: Callable[..., Kiosk], tmp_path: Path, printer: Printer | None = None,
            signed_in: str | None = None) -> Kiosk:
    """A kiosk with cashiers Lan and Minh and manager Hoa, a shift open; `signed_in`: whose PIN is given first."""
    term = make_terminal(tmp_path / "staffed", printer)
    term.staff.add("Lan", "cashier", CASHIER_PIN)
    term.staff.add("Minh", "cashier", OTHER_PIN)
    term.staff.add("Hoa", "manager", MANAGER_PIN)
    term.shifts.open("Lan", term.till.money("200.00"))
    if signed_in is not None:
        term.staff.sign_in(signed_in)
    return make_kiosk(terminal=term)


def pad(kiosk: Kiosk) -> Any:
    """The PIN pad on show (None when none is)."""
    from ui.staff.approval import open_pad

    return open_pad()


def enter_pin(kiosk: Kiosk, pin: str) -> Any:
    """Tap the PIN's digits and OK on the pad on show; returns the pad."""
    shown = pad(kiosk)
    assert shown is not None, "no PIN pad on show"
    keys = {b.key or b.text: b for b in shown.ids.pin_keys.children}
    for digit in pin:                                          # taps without a frame between them
        assert not keys[digit].disabled
        keys[digit].dispatch("on_press")
        keys[digit].dispatch("on_release")
    kiosk.pump(1)
    assert shown.ids.pin_dots.text == "•" * len(pin)          # masked
    kiosk.tap(shown.ids.ok_button)
    return shown


def pay_cash(kiosk: Kiosk, amount: str) -> Any:
    """Pay the sale in the cart with `amount` through the cash panel; returns the (paid) panel."""
    sale = kiosk.screen("sale")
    kiosk.tap(sale.ids.pay_cash_button)
    panel = kiosk.modal()
    keys = {b.text: b for b in panel.ids.keypad.children if hasattr(b, "text")}
    for char in amount:
        kiosk.tap(keys[char])
    kiosk.tap(panel.ids.confirm_button)
    assert panel.paid, panel.message
    return panel


def test_sign_in_before_selling_and_switching_cashier_keeps_the_shift(make_kiosk: Callable[..., Kiosk],
                                                                      tmp_path: Path) -> None:
    kiosk = staffed(make_kiosk, tmp_path)
    term, sale = kiosk.app.terminal, kiosk.screen("sale")
    assert kiosk.current == "sale" and pad(kiosk) is not None          # asked at once: nobody is signed in
    assert pad(kiosk).ids.prompt_label.text == "Sign in: enter your PIN"
    assert "Nobody signed in" in sale.ids.header.text
    kiosk.enter(sale.ids.barcode, TEA)                                  # a scan is refused until someone signs in
    assert term.till.sale is None and "Sign in" in sale.ids.status.text
    enter_pin(kiosk, CASHIER_PIN)
    assert pad(kiosk) is None and sale.ids.header.text.endswith("Cashier Lan")
    kiosk.enter(sale.ids.barcode, TEA)
    kiosk.tap(pay_cash(kiosk, "20").ids.confirm_button)                # "New sale"
    kiosk.enter(sale.ids.barcode, TEA)
    kiosk.tap(sale.ids.switch_button)                                   # not in the middle of a sale
    assert pad(kiosk) is None and "before switching cashier" in sale.ids.status.text
    kiosk.tap(sale.ids.void_button)
    shift_id = term.shifts.current.id
    kiosk.tap(sale.ids.switch_button)
    assert term.staff.current is None and sale.ids.switch_button.text == "Sign in"
    enter_pin(kiosk, OTHER_PIN)
    assert sale.ids.header.text.endswith("Cashier Minh") and sale.ids.switch_button.text == "Switch cashier"
    kiosk.enter(sale.ids.barcode, TEA)
    kiosk.tap(pay_cash(kiosk, "18").ids.confirm_button)
    assert term.shifts.current.id == shift_id                           # switching did not close the shift
    minh = next(m for m, _, _ in term.staff.list() if m.name == "Minh")
    assert term.till.sales.load(term.till.last_paid_id).staff_id == minh.id
    people = {p.name: p.sales for p in term.shifts.report().people}
    assert people == {"Lan": 1, "Minh": 1}
    kiosk.tap(sale.ids.shift_button)
    shift = kiosk.screen("shift")
    kiosk.tap(shift.ids.x_report_button)
    assert "[staff Lan] sales 1" in shift.ids.report.text and "[staff Minh] sales 1" in shift.ids.report.text
    kiosk.app.go_idle()                                                 # left alone: signed out
    assert term.staff.current is None
    kiosk.screen("idle").wake()
    kiosk.tap(shift.ids.to_sale_button)
    kiosk.pump(4)
    assert pad(kiosk) is not None and "Nobody signed in" in sale.ids.header.text


def test_a_manager_pin_approves_what_a_cashier_may_not_do(make_kiosk: Callable[..., Kiosk], tmp_path: Path) -> None:
    kiosk = staffed(make_kiosk, tmp_path, signed_in=CASHIER_PIN)
    term, sale = kiosk.app.terminal, kiosk.screen("sale")
    assert pad(kiosk) is None
    kiosk.enter(sale.ids.barcode, TEA)
    kiosk.type(sale.ids.discount, "2")                                  # 2 of 18: within the 20 % limit
    kiosk.tap(sale.ids.line_discount)
    assert pad(kiosk) is None and term.till.sale.totals.discount == term.till.money("2")
    kiosk.type(sale.ids.discount, "9")                                  # 50 %: a manager must approve
    kiosk.tap(sale.ids.line_discount)
    assert pad(kiosk).ids.prompt_label.text == "Manager approval: a discount over the cashier's limit"
    shown = enter_pin(kiosk, CASHIER_PIN)
    assert pad(kiosk) is shown and "Lan is a cashier" in shown.ids.message_label.text
    assert term.till.sale.totals.discount == term.till.money("2")
    enter_pin(kiosk, MANAGER_PIN)
    assert pad(kiosk) is None and term.till.sale.totals.discount == term.till.money("9")
    assert "line discount CNY 9.00 applied" in sale.ids.status.text
    kiosk.tap(sale.ids.pay_cash_button)                                 # payment started, then back to the cart
    kiosk.tap(kiosk.modal().ids.cancel_button)
    kiosk.pump(6)
    row = next(r for r in sale.ids.cart.children if hasattr(r, "index"))
    kiosk.tap(row.ids.remove_button)
    kiosk.tap(pad(kiosk).ids.cancel_button)
    assert len(term.till.sale.lines) == 1 and "Not approved" in sale.ids.status.text
    kiosk.tap(next(r for r in sale.ids.cart.children if hasattr(r, "index")).ids.remove_button)
    enter_pin(kiosk, MANAGER_PIN)
    assert not term.till.sale.lines and "line 1 removed" in sale.ids.status.text


def test_three_wrong_pins_lock_the_pad_and_it_counts_down(make_kiosk: Callable[..., Kiosk], tmp_path: Path) -> None:
    kiosk = staffed(make_kiosk, tmp_path)
    term = kiosk.app.terminal
    term.staff.lock_s = 1.5
    shown = enter_pin(kiosk, "1234")
    assert shown.ids.message_label.text == "wrong PIN: 2 tries left"
    enter_pin(kiosk, "4321")
    assert shown.ids.message_label.text == "wrong PIN: 1 tries left"
    enter_pin(kiosk, "5678")
    assert shown.locked_s == 2 and shown.ids.pin_keys.disabled and shown.ids.ok_button.disabled
    assert shown.ids.message_label.text == "Locked: try again in 2 s"
    shown.press_key("1")
    assert shown.entry == ""                                            # no entry while locked
    kiosk.until(lambda: shown.locked_s == 1, 3, "the lock did not count down")
    kiosk.until(lambda: not shown.locked_s, 3, "the pad did not unlock")
    assert not shown.ids.pin_keys.disabled and shown.ids.message_label.text == ""
    enter_pin(kiosk, CASHIER_PIN)
    assert term.staff.current is not None and term.staff.current.name == "Lan"


def test_no_sale_opens_the_drawer_with_a_manager_pin_and_cash_moves_record_who(make_kiosk: Callable[..., Kiosk],
                                                                                tmp_path: Path) -> None:
    printer = FakePrinter()
    kiosk = staffed(make_kiosk, tmp_path, printer, signed_in=CASHIER_PIN)
    term = kiosk.app.terminal
    kiosk.tap(kiosk.screen("sale").ids.shift_button)
    shift = kiosk.screen("shift")
    kiosk.tap(shift.ids.no_sale_button)
    assert pad(kiosk).ids.prompt_label.text == "Manager approval: opening the drawer without a sale"
    enter_pin(kiosk, CASHIER_PIN)
    assert not printer.receipts and "a manager must enter their PIN" in pad(kiosk).ids.message_label.text
    enter_pin(kiosk, MANAGER_PIN)
    slip = printer.receipts[-1]
    text = "\n".join(line.text for line in slip.lines)
    assert slip.open_drawer and "NO SALE" in text and "Lan" in text and "Hoa" in text
    assert "Drawer opened" in shift.ids.status.text
    kiosk.type(shift.ids.move_amount, "20")
    kiosk.type(shift.ids.move_reason, "change")
    kiosk.tap(shift.ids.cash_in_button)
    lan = next(p for p in term.shifts.report().people if p.name == "Lan")
    assert lan.cash_in == term.till.money("20")


def test_change_due_is_shown_large_until_the_next_sale_starts(selling: Kiosk) -> None:
    kiosk = selling
    kiosk.resize(800, 480)
    sale = kiosk.screen("sale")
    kiosk.enter(sale.ids.barcode, TEA)
    panel = pay_cash(kiosk, "50")
    kiosk.pump(6)
    big, normal = panel.ids.change_label, panel.ids.message_label
    assert big.text == "CNY 32.00" and panel.ids.change_view.opacity == 1
    assert big.font_size >= 3 * normal.font_size and big.texture_size[1] >= 3 * normal.font_size
    assert panel.ids.tendered_label.text == "Cash CNY 50.00  ·  Total CNY 18.00"
    time.sleep(0.05)
    kiosk.pump(6)
    assert kiosk.modal() is panel                                       # stays up until the next sale starts
    kiosk.app.deliver_scan(TEA)                                          # the next customer's first item
    kiosk.pump(12)
    assert kiosk.modal() is None and len(kiosk.app.terminal.till.sale.lines) == 1


def test_no_sale_without_a_manager_says_how_to_add_one(selling: Kiosk) -> None:
    kiosk = selling
    kiosk.tap(kiosk.screen("sale").ids.shift_button)
    kiosk.tap(kiosk.screen("shift").ids.no_sale_button)                 # a manager always approves a no-sale
    shown = enter_pin(kiosk, "1234")
    assert pad(kiosk) is shown and "no manager is set up" in shown.ids.message_label.text
    kiosk.tap(shown.ids.cancel_button)
    assert pad(kiosk) is None and "Not approved" in kiosk.screen("shift").ids.status.text


def test_an_offline_payment_over_the_limit_is_accepted_only_with_a_managers_pin(
        make_kiosk: Callable[..., Kiosk], tmp_path: Path) -> None:
    from support.fakes import FakeAcquirer
    from terminal.config.settings import OfflineConfig
    from terminal.payments.code_payment import CodeAuthorizer, PaymentTimings
    from terminal.payments.offline import OfflineGate
    from terminal.payments.qr_payment import QrMerchant, QrPayments
    from terminal.ports import SystemClock
    from terminal.sales.money import Money
    from terminal.store.attempts import AttemptStore

    kiosk = staffed(make_kiosk, tmp_path, signed_in=CASHIER_PIN)
    term, sale = kiosk.app.terminal, kiosk.screen("sale")
    caps = OfflineConfig(Money(1000, "CNY"), Money(100000, "CNY"), 24)       # 10.00 a payment: the tea is over
    term.code_payments = CodeAuthorizer(FakeAcquirer(online=False), AttemptStore(term.db), SystemClock(),
                                        term.config.terminal_id, PaymentTimings(0.5, 0.1, 0.5),
                                        offline_gate=OfflineGate(term.db, lambda: caps, SystemClock()))
    term.qr_payments = QrPayments(term.code_payments, QrMerchant("Hoa Sen", "Shanghai", "CN", "M-1"))
    for pin, expect in ((CASHIER_PIN, None), (MANAGER_PIN, "offline")):
        kiosk.enter(sale.ids.barcode, TEA)
        kiosk.tap(sale.ids.pay_wallet_button)
        panel = sale.wallet_panel
        kiosk.app.deliver_scan("134567890123456789" if pin == CASHIER_PIN else "134567890123456790")
        kiosk.until(lambda: pad(kiosk) is not None, 10, "no manager PIN was asked for the offline payment")
        assert "accepting an offline payment over the limit" in pad(kiosk).ids.prompt_label.text
        enter_pin(kiosk, pin)
        if expect is None:                                               # a cashier cannot approve it: cancel
            assert "Lan is a cashier" in pad(kiosk).ids.message_label.text
            kiosk.tap(pad(kiosk).ids.cancel_button)
            kiosk.until(lambda shown=panel: shown.has_result, 10, "the refusal did not come")
            assert not panel.paid and term.till.sale is not None        # refused: the sale waits for another way
            panel.dismiss()
            kiosk.pump(2)
            term.till.void()
        else:
            kiosk.until(lambda shown=panel: shown.paid, 10, "the approved offline payment did not complete")
    reasons = [r[0] for r in term.db.query("SELECT reason FROM payment_attempts ORDER BY created_at")]
    assert len(reasons) == 2 and "approved by manager Hoa" in reasons[1] and "over the offline limit" in reasons[0]
