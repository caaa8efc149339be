"""Helpers of the sales history tests: a kiosk with staff, PIN entry, a cash sale through the panel, the refund
panel's steppers."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import test_staff_screens as staff_screens
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
    """Tap a PIN's digits and OK on the pad on show, then let the kiosk settle; returns the pad."""
    shown = staff_screens.enter_pin(kiosk, pin)
    kiosk.pump(6)
    return shown


def pay_cash(kiosk: Kiosk, amount: str) -> Any:
    """Pay the cart with `amount` on the cash panel's keypad, then close it; returns the Completed sale's id."""
    panel = staff_screens.pay_cash(kiosk, amount)
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


def shop_with_history(term: Any) -> dict[str, str]:
    """Sales for the layout check: long names partly refunded, one refunded whole, one voided, a wallet sale with a
    refund waiting for the wallet's answer. Lan is signed in."""
    from support.fakes import FakeAcquirer
    from terminal.errors import RefundPending
    from terminal.staff.model import Approval

    till = term.till
    term.staff.sign_in(CASHIER_PIN)
    manager = term.staff.approve(MANAGER_PIN, Approval.REFUND)
    for sku in ("GFT-001", "NOO-002", "FRU-001", "HOM-001", "TEA-002"):
        till.add_item(sku, 2)
    long_names = till.pay_cash(till.money("1000")).sale.id
    till.refund(long_names, {2: 1}, "damaged", manager)
    till.add_item("DRK-001")
    water = till.pay_cash(till.money("2")).sale.id
    till.refund(water, None, "", manager)
    till.add_item("TEA-001")
    till.void()
    wallet = wallet_sale(term)
    till.refunds.acquirer, till.refunds.timeout = FakeAcquirer(replies={"refund": None}), 0.05
    try:
        till.refund(wallet, None, "wrong item", manager)
    except RefundPending:
        pass
    till.refunds.acquirer = None
    return {"long": long_names, "water": water, "wallet": wallet}


def wallet_sale(term: Any) -> str:
    """Two waters paid by a wallet code (approved by a fake acquirer)."""
    from support.fakes import FakeAcquirer
    from terminal.payments.acquirer import AcquirerReply
    from terminal.payments.code_checkout import pay_by_code
    from terminal.payments.code_payment import CodeAuthorizer
    from terminal.ports import SystemClock
    from terminal.store.attempts import AttemptStore

    class Approving(FakeAcquirer):
        def reply(self, method: str, body: dict[str, Any]) -> Any:
            return AcquirerReply("success", trade_no="T1", out_trade_no=str(body.get("out_trade_no", "")))

    authorizer = CodeAuthorizer(Approving(), AttemptStore(term.db), SystemClock(), term.config.terminal_id)
    term.till.add_item("DRK-001", 2)
    outcome, done = pay_by_code(term.till, authorizer, "134567890123456789")
    assert done is not None, outcome
    return str(done.sale.id)


def history_views(make_kiosk: Callable[..., Kiosk], tmp_path: Path, size: tuple[int, int], lang: str,
                  check: Callable[[Kiosk, str, tuple[int, int]], None]) -> None:
    """The history list, a detail with refunds, one with a pending wallet refund, the refund panel (chosen lines,
    the manager's PIN pad over it, the result), each checked by the layout check's `check`."""
    from support.fakes import FakePrinter
    from ui.i18n import tr

    suffix = "" if lang == "en" else f"-{lang}"
    term = staffed_terminal(tmp_path / f"history-{lang}", FakePrinter(), no_devices)
    sales = shop_with_history(term)
    kiosk = make_kiosk(terminal=term)
    tr.switch(lang)
    kiosk.resize(*size)
    history = open_history(kiosk)
    assert len(history.ids.sale_list.children) == 4
    check(kiosk, f"history-list{suffix}", size)
    history.open_sale(sales["long"])
    check(kiosk, f"history-detail{suffix}", size)
    history.open_sale(sales["wallet"])
    assert history.detail.pending_refunds
    check(kiosk, f"history-detail-pending{suffix}", size)
    history.open_sale(sales["long"])
    panel = refund_panel(kiosk, history)
    for line_no in (1, 2, 5):
        kiosk.tap(line_row(panel, line_no).ids.plus_button)
    kiosk.tap(panel.ids.reason_box.children[0])
    check(kiosk, f"refund-panel{suffix}", size)
    kiosk.tap(panel.ids.refund_button)
    check(kiosk, f"refund-pin{suffix}", size)
    enter_pin(kiosk, MANAGER_PIN)
    wait_refund(kiosk, panel)
    assert panel.finished, panel.message
    check(kiosk, f"refund-done{suffix}", size)
    kiosk.tap(panel.ids.close_button)
