"""Both screens at 800x480 and 1280x800: screenshots saved, no label overflows, touch-sized buttons."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

pytestmark = pytest.mark.ui

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
SIZES = [(800, 480), (1280, 800)]
LONG_NAMES = ("GFT-001", "NOO-002", "FRU-001", "HOM-001", "TEA-002")


def visible(widget: Any) -> Iterator[Any]:
    """The widget and its descendants, skipping hidden (opacity 0) subtrees."""
    if widget.opacity == 0:
        return
    yield widget
    for child in widget.children:
        yield from visible(child)


def natural_height(label: Any) -> float:
    """Height the label's text needs when wrapped at the label's text width (nothing dropped)."""
    options = dict(label._label.options)
    options["text_size"] = (label.text_size[0], None)
    probe = type(label._label)(**options)
    probe.refresh()
    return float(probe.texture.size[1]) if probe.texture else 0.0


def overflows(window: Any) -> list[str]:
    """Labels whose text is wider or taller than the label (clipped, or dropped lines)."""
    from kivy.uix.label import Label

    found = []
    for root in window.children:
        for widget in visible(root):
            if isinstance(widget, Label) and widget.text:
                widget.texture_update()
                tw, th = widget.texture_size
                if widget.text_size[1] is not None and not widget.shorten:
                    th = max(th, natural_height(widget))
                if tw > widget.width + 1 or th > widget.height + 1:
                    found.append(f"{type(widget).__name__} {widget.text[:40]!r}: text {tw:.0f}x{th:.0f} "
                                 f"in {widget.width:.0f}x{widget.height:.0f}")
    return found


def small_buttons(window: Any) -> list[str]:
    """Enabled buttons smaller than a 48dp touch target."""
    from kivy.metrics import dp
    from kivy.uix.button import Button

    return [f"{b.text[:30]!r} {b.width:.0f}x{b.height:.0f}" for root in window.children for b in visible(root)
            if isinstance(b, Button) and not b.disabled and (b.width < dp(48) - 0.5 or b.height < dp(48) - 0.5)]


def check(kiosk: Any, name: str, size: tuple[int, int]) -> None:
    """Save a screenshot of what the window shows, then check for overflow and tiny buttons."""
    from ui.launcher import save_screenshot

    kiosk.pump(12)
    path = save_screenshot(SCREENSHOTS / f"{name}-{size[0]}x{size[1]}.png")
    assert path.stat().st_size > 5000
    too_big, too_small = overflows(kiosk.window), small_buttons(kiosk.window)
    assert not too_big, f"{name}: text overflows\n" + "\n".join(too_big)
    assert not too_small, f"{name}: buttons under 48dp\n" + "\n".join(too_small)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_screens_fit_at_kiosk_sizes(make_kiosk: Callable[..., Any], size: tuple[int, int]) -> None:
    kiosk = make_kiosk()
    kiosk.resize(*size)
    assert tuple(kiosk.window.size) == size
    shift = kiosk.screen("shift")
    check(kiosk, "shift-open-form", size)
    kiosk.type(shift.ids.cashier_input, "Trần Thị Lan 陈兰")
    kiosk.type(shift.ids.float_input, "200")
    kiosk.tap(shift.ids.open_button)
    kiosk.tap(shift.ids.to_sale_button)
    sale = kiosk.screen("sale")
    for sku in LONG_NAMES:
        kiosk.tap([b for b in sale.ids.item_grid.children if b.sku == sku][0])
    kiosk.tap([b for b in sale.ids.item_grid.children if b.sku == "GFT-001"][0])
    kiosk.type(sale.ids.discount, "1.50")
    kiosk.tap(sale.ids.line_discount)
    kiosk.enter(sale.ids.barcode, "8930001234506")  # a bad check digit: the error line shows
    assert sale.status_error
    check(kiosk, "sale", size)
    kiosk.tap(sale.ids.pay_cash_button)
    panel = kiosk.modal()
    kiosk.tap([b for b in panel.ids.quick_box.children][0])  # the largest quick-cash amount
    check(kiosk, "cash-panel", size)
    kiosk.tap(panel.ids.confirm_button)
    assert panel.paid
    check(kiosk, "cash-paid", size)
    kiosk.tap(panel.ids.confirm_button)
    kiosk.tap(sale.ids.shift_button)
    kiosk.type(shift.ids.move_amount, "20")
    kiosk.type(shift.ids.move_reason, "tiền lẻ 零钱")
    kiosk.tap(shift.ids.cash_in_button)
    check(kiosk, "shift-x-report", size)
    kiosk.type(shift.ids.counted_input, "1000")
    kiosk.tap(shift.ids.close_button)
    assert shift.ids.report.text.startswith("Z REPORT")
    check(kiosk, "shift-z-report", size)
