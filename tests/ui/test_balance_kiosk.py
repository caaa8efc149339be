"""The prepaid balance in the kiosk: a cash top-up and the agreement QR on the member panel, the sale screen's
Balance button, and face-pay funded by the balance (no acquirer call) with the fixture faces, the real engine and
the painted blink."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from face_frames import blink_sequence
from terminal.payments.acquirer import AcquirerReply
from test_facepay_screen import PHONE, engine, face_kiosk, screen_texts, tap_digits, until

pytestmark = pytest.mark.ui
__all__ = ["engine"]


def test_top_up_on_the_member_panel_then_pay_with_the_balance_button(make_kiosk: Callable[..., Any], engine: Any,
                                                                      tmp_path: Path) -> None:
    kiosk = face_kiosk(make_kiosk, engine, tmp_path, blink_sequence(engine))
    term = kiosk.app.terminal
    sale = kiosk.screen("sale")
    assert sale.ids.pay_face_button.text == "Face-pay"          # no member attached: the slot is face-pay
    kiosk.tap(sale.ids.members_button)
    members = kiosk.screen("members")
    kiosk.enter(members.ids.find_input, PHONE)
    assert members.member is not None and "Prepaid balance: CNY 0.00" in members.ids.member_label.text
    kiosk.type(members.ids.topup_amount, "20")
    kiosk.tap(members.ids.topup_cash_button)
    assert "Topped up CNY 20.00: balance CNY 20.00" in members.ids.status.text, members.ids.status.text
    assert "Prepaid balance: CNY 20.00" in members.ids.member_label.text
    kiosk.type(members.ids.topup_amount, "5")
    kiosk.tap(members.ids.topup_code_button)                  # armed: the next payment code scanned pays it
    assert members.code_topup and "Scan the customer's payment code" in members.ids.status.text
    members.deliver_scan("134567890123456789")
    until(kiosk, lambda: "Topped up CNY 5.00" in members.ids.status.text, seconds=10)
    assert kiosk.acquirer.calls == ["pay"] and not members.code_topup
    kiosk.acquirer.replies["agreement_sign"] = AcquirerReply("created", payload="https://sign.example/a?m=1")
    kiosk.tap(members.ids.agreement_button)
    until(kiosk, lambda: members.agreement_view is not None, seconds=5)
    assert kiosk.acquirer.calls == ["pay", "agreement_sign"]
    members.agreement_view.dismiss()
    kiosk.tap(members.ids.attach_button)
    assert kiosk.current == "sale" and sale.ids.pay_face_button.text == "Balance"
    kiosk.tap(sale.ids.pay_face_button)
    assert term.till.sale is None and not sale.status_error, sale.ids.status.text
    assert "Balance left: CNY 7.00" in sale.ids.status.text
    assert term.members.balance.balance(members.member.id).amount_str() == "7.00"


def test_face_pay_is_funded_by_the_balance_without_the_acquirer(make_kiosk: Callable[..., Any], engine: Any,
                                                               tmp_path: Path) -> None:
    from terminal.members.topup import top_up_cash

    kiosk = face_kiosk(make_kiosk, engine, tmp_path, blink_sequence(engine))
    term = kiosk.app.terminal
    barack = term.members.find_by_phone(PHONE)
    top_up_cash(term.till, barack.id, term.till.money("50"))
    screen = kiosk.screen("facepay")
    kiosk.tap(kiosk.screen("sale").ids.pay_face_button)
    until(kiosk, lambda: screen.stage in ("digits", "failed"))
    assert screen.stage == "digits", screen.result_text
    tap_digits(kiosk, "0143")
    until(kiosk, lambda: screen.stage in ("approved", "failed"))
    shown = screen_texts(screen)
    assert screen.stage == "approved", shown
    assert "Paid from your prepaid balance: CNY 32.00 left" in shown and "+18 points" in shown
    assert kiosk.acquirer.calls == []
    kiosk.tap(screen.ids.back_button)
    assert kiosk.current == "sale" and term.till.sale is None
