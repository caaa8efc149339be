"""The idle screen: shown after the idle timeout, shop name and time, a touch goes back where the kiosk was."""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.ui


def until(kiosk: Any, check: Callable[[], Any], seconds: float = 5) -> None:
    """Pump frames until check() is true (Kiosk.until, with this module's wait)."""
    kiosk.until(check, seconds)


def touch(kiosk: Any, x: float, y: float) -> None:
    """A finger down and up at (x, y), delivered through the window like a real touch."""
    from kivy.tests.common import UnitTestTouch
    kiosk.pump(3)   # a screen change completes on the next frames; a touch before that is dropped, as by a person

    finger = UnitTestTouch(x, y)
    finger.touch_down()
    finger.touch_up()
    kiosk.pump()


def test_goes_idle_after_the_timeout_and_a_touch_returns(selling: Any) -> None:
    app = selling.app
    assert app.idle_timeout == 120
    app.idle_timeout = 0.5
    selling.enter(selling.screen("sale").ids.barcode, "6900001250999")   # a cart in progress is kept
    until(selling, lambda: selling.current == "idle")
    idle = selling.screen("idle")
    assert idle.ids.shop_label.text == "Hoa Sen 莲花 Mini Mart"
    assert re.fullmatch(r"\d\d:\d\d", idle.ids.time_label.text)
    assert idle.ids.tap_label.text == "Tap to start"
    app.idle_timeout = 120            # a slow frame after the touch must not send it straight back to idle
    touch(selling, 400, 300)
    assert selling.current == "sale"
    assert selling.screen("sale").ids.total_label.text == "CNY 2.00"


def test_touches_keep_it_awake(selling: Any) -> None:
    app = selling.app
    app.idle_timeout = 0.8
    for _ in range(6):            # 1.2 s of touching now and then
        touch(selling, 10, 10)
        time.sleep(0.2)
    assert selling.current == "sale"
    until(selling, lambda: selling.current == "idle")


def test_returns_to_the_shift_screen_it_left(kiosk: Any) -> None:
    assert kiosk.current == "shift"
    kiosk.app.idle_timeout = 0.3
    until(kiosk, lambda: kiosk.current == "idle")
    kiosk.app.idle_timeout = 120
    touch(kiosk, 100, 100)
    assert kiosk.current == "shift"


def test_not_while_a_payment_panel_is_open(selling: Any) -> None:
    sale = selling.screen("sale")
    selling.enter(sale.ids.barcode, "6900001250999")
    selling.tap(sale.ids.pay_cash_button)
    selling.app.idle_timeout = 0.3
    end = time.monotonic() + 1.5
    while time.monotonic() < end:
        selling.pump(2)
        time.sleep(0.05)
    assert selling.current == "sale" and selling.modal() is not None


def test_a_scan_wakes_it_to_the_sale(selling: Any) -> None:
    selling.app.go_idle()
    selling.pump()
    assert selling.current == "idle"
    selling.app.deliver_scan("6900001250999")
    selling.pump(4)
    assert selling.current == "sale" and selling.screen("sale").ids.total_label.text == "CNY 2.00"
