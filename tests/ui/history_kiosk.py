"""Helpers of the sales history tests: a kiosk with staff, PIN entry, a cash sale through the panel, the refund
panel's steppers."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from conftest import Kiosk, make_terminal
from terminal.config.settings import Config
from terminal.ports import Printer

CASHIER_PIN, MANAGER_PIN = "1357", "2468"
TEA = "8930001234505"   # 珍珠奶茶 Bubble milk tea, 18.00


def staffed_terminal(tmp_path: Path, printer: Printer | None = None,
                     configure: Callable[[Config], Config] | None = None) -> Any:
    """A terminal with cashier Lan and manager Hoa and a shift open (float 200.00); nobody signed in yet."""
    term = make_terminal(tmp_path, printer, configure)
    term.staff.add("Lan", "cashier", CASHIER_PIN)
    term.staff.add("Hoa", "manager", MANAGER_PIN)
    term.shifts.open("Lan", term.till.money("200.00"))
    return term


def no_devices(config: Config) -> Config:
    """No camera: the tests deliver codes themselves or start the camera when they want it."""
    return replace(config, devices=replace(config.devices, camera="none"))


def pad() -> Any:
    """The staff PIN pad on show, or None."""
    from ui.staff.approval import open_pad

    return open_pad()


def enter_pin(kiosk: Kiosk, pin: str) -> Any:
    """Tap a PIN's digits and OK on the pad on show; returns the pad."""
    shown = pad()
    assert shown is not None, "no PIN pad on show"
    keys = {b.key or b.text: b for b in shown.ids.pin_keys.children}
    for digit in pin:
        kiosk.tap(keys[digit])
    kiosk.tap(shown.ids.ok_button)
    kiosk.pump(6)
    return shown


def pay_cash(kiosk: Kiosk, amount: str) -> Any:
    """Pay the cart with `amount` on the cash panel's keypad, then close it; returns the Completed sale's id."""
    sale = kiosk.screen("sale")
    kiosk.tap(sale.ids.pay_cash_button)
    panel = kiosk.modal()
    keys = {b.text: b for b in panel.ids.keypad.children if hasattr(b, "text")}
    for char in amount:
        kiosk.tap(keys[char])
    kiosk.tap(panel.ids.confirm_button)
    assert panel.paid, panel.message
    kiosk.tap(panel.ids.confirm_button)   # "New sale"
    kiosk.pump(6)
    return kiosk.app.terminal.till.last_paid_id


def open_history(kiosk: Kiosk) -> Any:
    """From the sale screen to the sales history; returns the history screen."""
    kiosk.tap(kiosk.screen("sale").ids.history_button)
    assert kiosk.current == "history"
    return kiosk.screen("history")


def refund_panel(kiosk: Kiosk, history: Any) -> Any:
    """Tap Refund… on the detail shown; returns the refund panel."""
    kiosk.tap(history.ids.refund_button)
    panel = history.refund_panel
    assert panel is not None, history.status_text
    return panel


def line_row(panel: Any, line_no: int) -> Any:
    """The refund panel's row of a sale line."""
    return next(r for r in panel.ids.line_box.children if r.line_no == line_no)


def wait_refund(kiosk: Kiosk, panel: Any) -> None:
    """Pump until the refund's worker has answered."""
    kiosk.until(lambda: not panel.busy, 20, "the refund did not finish")
    kiosk.pump(4)
