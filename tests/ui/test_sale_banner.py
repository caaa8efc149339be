"""The red offline banner on the sale screen: hidden with nothing waiting, shown after a sale with no link."""
from __future__ import annotations

import time
from typing import Any

import pytest

from terminal.store.sync_store import SyncStore

pytestmark = pytest.mark.ui

TEA = "8930001234505"  # 18.00


def pay_cash_through_the_panel(kiosk: Any, code: str) -> None:
    """Scan an item, pay the exact amount with the quick-cash button, close the panel."""
    sale = kiosk.screen("sale")
    kiosk.enter(sale.ids.barcode, code)
    kiosk.tap(sale.ids.pay_cash_button)
    panel = kiosk.modal()
    kiosk.tap(next(b for b in panel.ids.quick_box.children if b.text == "18.00"))
    kiosk.tap(panel.ids.confirm_button)
    assert panel.paid
    kiosk.tap(panel.ids.confirm_button)  # "New sale"


def test_banner_hidden_until_a_payment_waits_then_shows_count_and_age(selling: Any) -> None:
    sale = selling.screen("sale")
    banner = sale.ids.offline_banner
    assert banner.text == "" and banner.height == 0 and banner.opacity == 0   # the shift event is no payment
    pay_cash_through_the_panel(selling, TEA)
    selling.pump(4)
    assert banner.text == "OFFLINE · 1 payment waiting · oldest under 1 min"
    assert banner.opacity == 1 and banner.height >= 40 and banner.texture_size[0] <= banner.width
    pay_cash_through_the_panel(selling, TEA)
    assert banner.text.startswith("OFFLINE · 2 payments waiting")


def test_banner_refreshes_on_its_own_and_hides_once_acked(selling: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.sale.offline_banner as module

    monkeypatch.setattr(module, "REFRESH_S", 0.2)
    sale = selling.screen("sale")
    selling.tap(sale.ids.shift_button)   # leave and come back: the banner timer restarts at the new period
    selling.tap(selling.screen("shift").ids.to_sale_button)
    pay_cash_through_the_panel(selling, TEA)
    banner = sale.ids.offline_banner
    assert "1 payment waiting" in banner.text
    term = selling.app.terminal
    store = SyncStore(term.db)
    store.acknowledge([row.id for row in term.outbox.pending()], "2026-11-22T08:31:00Z")  # as the link would
    deadline = time.monotonic() + 5
    while banner.text:
        assert time.monotonic() < deadline, "the banner did not refresh by itself"
        selling.pump(2)
        time.sleep(0.05)
    assert banner.height == 0 and banner.opacity == 0
