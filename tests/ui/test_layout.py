"""Every screen and panel at 800x480 and 1280x800 (and in Chinese and Vietnamese): screenshots saved to
artifacts/screens/<screen>-<size>.png, no label overflows, touch-sized buttons."""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from terminal.config.settings import Config
from test_technician_screen import no_broker

pytestmark = pytest.mark.ui

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screens"
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
        kiosk.tap(next(b for b in sale.ids.item_grid.children if b.sku == sku))
    kiosk.tap(next(b for b in sale.ids.item_grid.children if b.sku == "GFT-001"))
    kiosk.type(sale.ids.discount, "1.50")
    kiosk.tap(sale.ids.line_discount)
    kiosk.enter(sale.ids.barcode, "8930001234506")  # a bad check digit: the error line shows
    assert sale.status_error
    check(kiosk, "sale", size)
    kiosk.tap(sale.ids.pay_cash_button)
    panel = kiosk.modal()
    kiosk.tap(panel.ids.quick_box.children[0])  # the largest quick-cash amount
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
    check(kiosk, "shift-close-panel", size)
    kiosk.tap(shift.close_panel.ids.confirm_close_button)
    assert shift.ids.report.text.startswith("Z REPORT")
    check(kiosk, "shift-z-report", size)


def until(kiosk: Any, check_fn: Callable[[], Any], seconds: float = 15) -> None:
    """Pump frames until check_fn() is true (Kiosk.until, with this module's wait)."""
    kiosk.until(check_fn, seconds)


def with_devices(frames: Path) -> Callable[[Config], Config]:
    """A config with a camera reading the given frames and a broker where nothing listens."""
    from simulators.camera import camera_source

    def configure(config: Config) -> Config:
        config = no_broker(config)
        return replace(config, devices=replace(config.devices, camera="sim", camera_source=camera_source(frames)))
    return configure


def frames_dir(tmp_path: Path) -> Path:
    """A few synthesized camera frames (a payment code in view)."""
    from simulators.camera import synth_sequence, write_frames

    out = tmp_path / "frames"
    if not out.exists():
        write_frames(synth_sequence(["284567890123456789"], repeat=2, gap=0), out)
    return out


def technician_screens(kiosk: Any, size: tuple[int, int], suffix: str = "") -> None:
    """PIN pad, then every section of the tools, each checked and saved."""
    kiosk.tap(kiosk.screen("sale").ids.tech_button)
    tech = kiosk.screen("technician")
    keys = {b.key or b.text: b for b in tech.ids.pin_pad.children}
    kiosk.tap(keys["1"])
    check(kiosk, f"technician-pin{suffix}", size)
    kiosk.tap(keys["Del"])
    for digit in "2580":
        kiosk.tap(keys[digit])
    kiosk.tap(keys["OK"])
    assert tech.unlocked
    kiosk.tap(tech.ids.run_checks_button)
    until(kiosk, lambda: not tech.checks_busy)
    check(kiosk, f"technician-devices{suffix}", size)
    kiosk.tap(tech.ids.nav_tests)
    kiosk.tap(tech.ids.test_print_button)
    until(kiosk, lambda: not tech.print_busy)
    kiosk.enter(tech.ids.scan_input, "284567890123456789")
    kiosk.tap(tech.ids.camera_button)
    until(kiosk, lambda: not tech.camera_busy)
    assert tech.camera_texture is not None
    check(kiosk, f"technician-tests{suffix}", size)
    kiosk.tap(tech.ids.nav_queue)
    check(kiosk, f"technician-queue{suffix}", size)
    kiosk.tap(tech.ids.nav_language)
    check(kiosk, f"technician-language{suffix}", size)
    kiosk.tap(tech.ids.back_button)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_idle_technician_and_wallet_fit(make_kiosk: Callable[..., Any], tmp_path: Path,
                                        size: tuple[int, int]) -> None:
    from support.fakes import FakePrinter
    from terminal.payments.acquirer import AcquirerReply
    from test_wallet_payment import wallet

    kiosk = make_kiosk(printer=FakePrinter(), cashier="Trần Thị Lan 陈兰", configure=with_devices(frames_dir(tmp_path)))
    kiosk.resize(*size)
    sale = kiosk.screen("sale")
    # The customer pays the QR only once its screenshot is taken: on a loaded machine a fixed 1.5 s could
    # pass between two frames, and the QR would come and go unseen.
    qr_paid = threading.Event()
    panel = wallet(kiosk, AcquirerReply("success", trade_no="T9"), qr_paid)   # a tea in the cart, panel open
    check(kiosk, "wallet", size)
    kiosk.tap(panel.ids.qr_button)
    until(kiosk, lambda: panel.qr is not None)
    check(kiosk, "wallet-qr", size)
    qr_paid.set()
    until(kiosk, lambda: panel.paid)
    check(kiosk, "wallet-paid", size)
    kiosk.tap(panel.ids.cancel_button)                                # "New sale"
    until(kiosk, lambda: kiosk.modal() is None and sale.ids.offline_banner.text)
    check(kiosk, "sale-offline-banner", size)
    kiosk.app.go_idle()
    check(kiosk, "idle", size)
    kiosk.screen("idle").wake()
    technician_screens(kiosk, size)


@pytest.mark.parametrize("lang", ["zh", "vi"])
def test_translated_screens_fit_at_the_small_size(make_kiosk: Callable[..., Any], tmp_path: Path,
                                                  lang: str) -> None:
    from support.fakes import FakePrinter
    from ui.i18n import tr

    size = (800, 480)
    kiosk = make_kiosk(printer=FakePrinter(), cashier="Trần Thị Lan 陈兰", configure=with_devices(frames_dir(tmp_path)))
    kiosk.resize(*size)
    try:
        tr.switch(lang)
        sale = kiosk.screen("sale")
        for sku in LONG_NAMES:
            kiosk.tap(next(b for b in sale.ids.item_grid.children if b.sku == sku))
        kiosk.tap(sale.ids.pay_cash_button)
        panel = kiosk.modal()
        kiosk.tap(panel.ids.quick_box.children[0])
        kiosk.tap(panel.ids.confirm_button)
        kiosk.tap(panel.ids.confirm_button)
        kiosk.enter(sale.ids.barcode, "6900001250999")
        assert sale.ids.offline_banner.text
        check(kiosk, f"sale-{lang}", size)
        kiosk.app.go_idle()
        check(kiosk, f"idle-{lang}", size)
        kiosk.screen("idle").wake()
        technician_screens(kiosk, size, f"-{lang}")
    finally:
        tr.switch("en")


RESULTS = [("approved", "Payment approved.", ""),
           ("offline", "Accepted offline: it will be charged when the connection returns.", ""),
           ("declined", "Declined: card_blocked. Ask for another payment method.", "card_blocked"),
           ("reversed", "Cancelled by the cashier. No answer from the wallet in time: the payment was cancelled. "
                        "Nothing was charged; ask the customer to pay again.", ""),
           ("reverse_unconfirmed", "The payment could not be confirmed or cancelled (no answer to the cancellation)."
                                   " Do not hand over the goods; a late payment will be refunded.",
            "no answer to the cancellation"),
           ("refused", "Offline and the payment is over the offline cap of CNY 500.00. Take another payment method.",
            "the payment is over the offline cap of CNY 500.00")]


def payment_views(kiosk: Any, frames: Path, size: tuple[int, int], suffix: str = "") -> None:
    """The wallet panel with the live preview (a frame from the capture thread), waiting, and every result view."""
    import cv2

    from terminal.payments.acquirer import AcquirerReply
    from terminal.payments.outcome import CodeOutcome
    from terminal.scanning.capture import CameraFrame
    from test_wallet_payment import wallet

    term = kiosk.app.terminal
    panel = wallet(kiosk, AcquirerReply("pending"))
    assert panel.has_camera
    image = cv2.imread(str(sorted(frames.glob("*.png"))[0]))
    publisher = threading.Thread(target=term.camera_feed.publish, args=(CameraFrame(image, 0.0, 0),))
    publisher.start()
    publisher.join()
    until(kiosk, lambda: panel.ids.preview.frames_shown > 0)
    check(kiosk, f"wallet-preview{suffix}", size)
    panel.busy = True                                  # as while the wallet is asked: progress and Cancel
    check(kiosk, f"wallet-waiting{suffix}", size)
    panel.busy = False
    for status, message, reason in RESULTS:
        panel.ids.result_view.show(CodeOutcome(status, message, "T-0001-x", "wechat", "1345****6789", reason=reason))
        panel.message, panel.message_error, panel.has_result = message, status not in ("approved", "offline"), True
        check(kiosk, f"wallet-result-{status}{suffix}", size)
    panel.has_result = False
    kiosk.tap(panel.ids.cancel_button)                 # back to the cart


def shift_views(kiosk: Any, size: tuple[int, int], suffix: str) -> None:
    """The shift screen with an X report, then the close panel (the shift stays open)."""
    kiosk.tap(kiosk.screen("sale").ids.void_button)      # the sale left in the cart would block the close
    kiosk.tap(kiosk.screen("sale").ids.shift_button)
    shift = kiosk.screen("shift")
    kiosk.type(shift.ids.move_amount, "20")
    kiosk.type(shift.ids.move_reason, "tiền lẻ 零钱")
    kiosk.tap(shift.ids.cash_in_button)
    check(kiosk, f"shift-x-report{suffix}", size)
    kiosk.type(shift.ids.counted_input, "219.50")
    kiosk.tap(shift.ids.close_button)
    check(kiosk, f"shift-close-panel{suffix}", size)
    kiosk.tap(shift.close_panel.ids.back_button)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_payment_result_views_fit(make_kiosk: Callable[..., Any], tmp_path: Path, size: tuple[int, int]) -> None:
    from support.fakes import FakePrinter

    frames = frames_dir(tmp_path)
    kiosk = make_kiosk(printer=FakePrinter(), cashier="Trần Thị Lan 陈兰", configure=with_devices(frames))
    kiosk.resize(*size)
    payment_views(kiosk, frames, size)


@pytest.mark.parametrize("lang", ["zh", "vi"])
def test_translated_payment_views_fit_at_the_small_size(make_kiosk: Callable[..., Any], tmp_path: Path,
                                                        lang: str) -> None:
    from support.fakes import FakePrinter
    from ui.i18n import tr

    frames = frames_dir(tmp_path)
    kiosk = make_kiosk(printer=FakePrinter(), cashier="Trần Thị Lan 陈兰", configure=with_devices(frames))
    kiosk.resize(800, 480)
    try:
        tr.switch(lang)
        payment_views(kiosk, frames, (800, 480), f"-{lang}")
        shift_views(kiosk, (800, 480), f"-{lang}")
    finally:
        tr.switch("en")


def face_and_member_screens(make_kiosk: Callable[..., Any], tmp_path: Path, size: tuple[int, int],
                            lang: str = "en") -> None:
    """Face-pay (looking, blink, keypad, approved, not recognised) and members (find, add, enrol), each checked."""
    from drivers.face_engine import FaceRecognitionEngine
    from face_frames import blink_sequence, camera_frame
    from test_facepay_screen import face_kiosk, tap_digits
    from ui.i18n import tr

    suffix = "" if lang == "en" else f"-{lang}"
    engine = FaceRecognitionEngine()
    kiosk = face_kiosk(make_kiosk, engine, tmp_path, blink_sequence(engine))
    tr.switch(lang)                                   # after the app started: it loads the saved language
    kiosk.resize(*size)
    face = kiosk.screen("facepay")
    kiosk.tap(kiosk.screen("sale").ids.pay_face_button)
    until(kiosk, lambda: face.stage in ("liveness", "digits", "failed") and face.preview is not None, 30)
    check(kiosk, f"facepay-look{suffix}", size)
    until(kiosk, lambda: face.stage in ("digits", "failed"), 30)
    tap_digits(kiosk, "9999")
    assert face.stage == "digits", face.result_text
    check(kiosk, f"facepay-digits{suffix}", size)
    tap_digits(kiosk, "0143")
    until(kiosk, lambda: face.stage in ("approved", "failed"), 15)
    check(kiosk, f"facepay-approved{suffix}", size)
    kiosk.tap(face.ids.back_button)
    members = kiosk.screen("members")
    kiosk.tap(kiosk.screen("sale").ids.members_button)
    kiosk.enter(members.ids.find_input, "+12025550143")
    kiosk.tap(members.ids.delete_button)
    check(kiosk, f"members-find{suffix}", size)
    kiosk.tap(members.ids.keep_button)
    kiosk.tap(members.ids.nav_add)
    kiosk.type(members.ids.name_input, "Trần Thị Lan 陈兰")
    kiosk.type(members.ids.phone_input, "+84912345678")
    check(kiosk, f"members-add{suffix}", size)
    kiosk.tap(members.ids.nav_find)
    kiosk.enter(members.ids.find_input, "+12025550143")
    kiosk.tap(members.ids.enrol_button)
    until(kiosk, lambda: not members.enrolling, 30)
    check(kiosk, f"members-enrol{suffix}", size)
    stranger = face_kiosk(make_kiosk, engine, tmp_path, [camera_frame("biden", close_up_y=0.17)] * 4)
    stranger.resize(*size)
    tr.switch(lang)
    stranger.tap(stranger.screen("sale").ids.pay_face_button)
    face = stranger.screen("facepay")
    until(stranger, lambda: face.stage == "failed", 30)
    check(stranger, f"facepay-not-recognised{suffix}", size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_face_pay_and_members_fit(make_kiosk: Callable[..., Any], tmp_path: Path, size: tuple[int, int]) -> None:
    face_and_member_screens(make_kiosk, tmp_path, size)


@pytest.mark.parametrize("lang", ["zh", "vi"])
def test_face_pay_and_members_fit_translated(make_kiosk: Callable[..., Any], tmp_path: Path, lang: str) -> None:
    from ui.i18n import tr

    try:
        face_and_member_screens(make_kiosk, tmp_path, (800, 480), lang)
    finally:
        tr.switch("en")


STAFF_CASES = [((800, 480), "en"), ((1280, 800), "en"), ((800, 480), "zh"), ((1280, 800), "zh"),
               ((800, 480), "vi"), ((1280, 800), "vi")]


@pytest.mark.parametrize(("size", "lang"), STAFF_CASES, ids=lambda c: c if isinstance(c, str) else f"{c[0]}x{c[1]}")
def test_pin_pad_and_cash_at_a_glance_fit(make_kiosk: Callable[..., Any], tmp_path: Path, size: tuple[int, int],
                                          lang: str) -> None:
    from support.fakes import FakePrinter
    from test_staff_screens import CASHIER_PIN, enter_pin, pad, staffed
    from ui.i18n import tr

    suffix = "" if lang == "en" else f"-{lang}"
    kiosk = staffed(make_kiosk, tmp_path, FakePrinter())
    try:
        tr.switch(lang)
        kiosk.resize(*size)
        enter_pin(kiosk, "1234")
        assert (pad(kiosk).ids.message_label.text == "wrong PIN: 2 tries left") == (lang == "en")  # translated
        check(kiosk, f"pin-sign-in{suffix}", size)           # with the wrong-PIN line
        enter_pin(kiosk, CASHIER_PIN)
        sale = kiosk.screen("sale")
        for sku in LONG_NAMES[:3]:
            kiosk.tap(next(b for b in sale.ids.item_grid.children if b.sku == sku))
        check(kiosk, f"sale-signed-in{suffix}", size)
        kiosk.type(sale.ids.discount, "1000")
        kiosk.tap(sale.ids.line_discount)
        enter_pin(kiosk, CASHIER_PIN)                       # a cashier's PIN: the longest refusal
        check(kiosk, f"pin-approval{suffix}", size)
        kiosk.tap(pad(kiosk).ids.cancel_button)
        kiosk.tap(sale.ids.pay_cash_button)
        panel = kiosk.modal()
        kiosk.tap(panel.ids.quick_box.children[0])          # the largest quick-cash amount
        kiosk.tap(panel.ids.confirm_button)
        assert panel.paid
        check(kiosk, f"cash-glance{suffix}", size)
        kiosk.tap(panel.ids.confirm_button)
        kiosk.tap(sale.ids.shift_button)
        kiosk.tap(kiosk.screen("shift").ids.no_sale_button)
        for wrong in ("1234", "4321", "5678"):
            enter_pin(kiosk, wrong)
        assert pad(kiosk).locked_s > 0
        check(kiosk, f"pin-locked{suffix}", size)
        kiosk.tap(pad(kiosk).ids.cancel_button)
        check(kiosk, f"shift-staff{suffix}", size)
    finally:
        tr.switch("en")


@pytest.mark.parametrize(("size", "lang"), STAFF_CASES, ids=lambda c: c if isinstance(c, str) else f"{c[0]}x{c[1]}")
def test_sales_history_and_refund_panel_fit(make_kiosk: Callable[..., Any], tmp_path: Path, size: tuple[int, int],
                                            lang: str) -> None:
    from history_kiosk import history_views
    from ui.i18n import tr

    try:
        history_views(make_kiosk, tmp_path, size, lang, check)
    finally:
        tr.switch("en")
