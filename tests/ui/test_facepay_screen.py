"""Face-pay in the kiosk: the configured camera (simulator frames of the fixture faces, a painted blink), the real
face engine off the UI thread, the phone-digit keypad, the charge, the points; and a UI thread that keeps ticking."""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from face_frames import blink_sequence, camera_frame, write_camera
from terminal.app.face_cli import load_rgb
from terminal.config.settings import Config
from terminal.face.liveness import face_ear
from terminal.payments.acquirer import AcquirerReply
from terminal.payments.code_payment import CodeAuthorizer, PaymentTimings
from terminal.ports import SystemClock
from terminal.store.attempts import AttemptStore
from test_wallet_payment import ScriptedAcquirer

pytestmark = pytest.mark.ui
REPO = Path(__file__).resolve().parents[2]
FACES = REPO / "tests" / "fixtures" / "faces"
PHONE = "+12025550143"
TEA = "8930001234505"  # 18.00


@pytest.fixture(scope="module")
def engine() -> Any:
    from drivers.face_engine import FaceRecognitionEngine

    return FaceRecognitionEngine()


def with_camera(source: str) -> Callable[[Config], Config]:
    def configure(config: Config) -> Config:
        return replace(config, devices=replace(config.devices, camera="sim", camera_source=source))
    return configure


def until(kiosk: Any, check: Callable[[], Any], seconds: float = 30) -> None:
    """Pump frames until check() is true (Kiosk.until, with this module's wait)."""
    kiosk.until(check, seconds)


def face_kiosk(make_kiosk: Callable[..., Any], engine: Any, tmp_path: Path, frames: list[Any],
               pay: AcquirerReply | None = AcquirerReply("success", trade_no="T1")) -> Any:
    """A kiosk whose camera shows `frames` (looping), Barack Obama enrolled from obama.jpg, a tea in the cart."""
    source = write_camera(tmp_path / f"camera-{len(list(tmp_path.glob('camera-*')))}", frames)
    kiosk = make_kiosk(cashier="Lan", configure=with_camera(source))
    term = kiosk.app.terminal
    barack = term.members.add("Barack Obama", PHONE, face_consent=True)
    term.members.enroll_templates(barack.id, [engine.analyze(load_rgb(FACES / "obama.jpg")).encoding])
    if pay is not None:
        acquirer = ScriptedAcquirer(pay)
        term.code_payments = CodeAuthorizer(acquirer, AttemptStore(term.db), SystemClock(), term.config.terminal_id,
                                            PaymentTimings(0.5, 0.1, 0.5))
        kiosk.acquirer = acquirer
    kiosk.enter(kiosk.screen("sale").ids.barcode, TEA)
    return kiosk


def screen_texts(screen: Any) -> str:
    """Every text the face-pay screen shows."""
    from kivy.uix.label import Label

    return "\n".join(w.text for w in screen.walk() if isinstance(w, Label) and w.opacity > 0)


def tap_digits(kiosk: Any, digits: str) -> None:
    screen = kiosk.screen("facepay")
    keys = {b.key or b.text: b for b in screen.ids.keypad.children}   # Del and OK have a key
    for digit in digits:
        kiosk.tap(keys[digit])
    kiosk.tap(keys["OK"])


def test_the_painted_blink_closes_the_eyes_for_the_real_engine(engine: Any) -> None:
    frames = blink_sequence(engine)
    opened, shut = face_ear(engine.landmarks(frames[0])), face_ear(engine.landmarks(frames[8]))
    print(f"EAR open {opened:.3f}, painted shut {shut:.3f}")
    assert shut < 0.21 and shut < 0.75 * opened


def test_face_pay_approved_shows_points_and_keeps_the_ui_responsive(make_kiosk: Callable[..., Any], engine: Any,
                                                                     tmp_path: Path) -> None:
    from kivy.clock import Clock

    kiosk = face_kiosk(make_kiosk, engine, tmp_path, blink_sequence(engine))
    screen = kiosk.screen("facepay")
    stages: list[str] = []
    screen.bind(stage=lambda _w, value: stages.append(value))
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick(_dt: float) -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    # the same loop on the sale screen first: what this harness (Xvfb, software GL, 2 cores) costs on its own
    event = Clock.schedule_interval(tick, 0)
    baseline_until = time.monotonic() + 3
    while time.monotonic() < baseline_until:
        screen_texts(kiosk.screen("sale"))
        kiosk.pump(1)
        time.sleep(0.005)
    event.cancel()
    baseline_ms = max(gaps[1:]) * 1000
    gaps.clear()
    kiosk.tap(kiosk.screen("sale").ids.pay_face_button)
    assert kiosk.current == "facepay" and "18.00" in screen.ids.due_label.text
    last[0] = time.perf_counter()
    event = Clock.schedule_interval(tick, 0)
    try:
        shown_before_digits, deadline = [], time.monotonic() + 30
        while screen.stage != "digits":
            shown_before_digits.append(screen_texts(screen))
            assert screen.stage not in ("failed",), screen.result_text
            kiosk.pump(1)
            time.sleep(0.005)
            assert time.monotonic() < deadline, f"no digits stage in time: {screen.stage} {screen.hint}"
    finally:
        event.cancel()
    frames_seen = gaps[1:]            # from the first frame after the tap on Face-pay
    worst_ms = max(frames_seen) * 1000
    print(f"UI stall while face-pay looked and blinked: max {worst_ms:.1f} ms between frames over "
          f"{len(frames_seen)} frames")
    (REPO / "artifacts").mkdir(exist_ok=True)
    (REPO / "artifacts" / "ui_stall.json").write_text(json.dumps(
        {"what": "max interval between Kivy clock frames while face-pay identified and checked the blink",
         "max_ms": round(worst_ms, 1), "frames": len(frames_seen),
         "baseline_max_ms": round(baseline_ms, 1), "baseline": "the same test loop on the sale screen, no camera"},
        indent=1))
    # In-process dlib held the GIL for 200-250 ms gaps; in its own process the gaps are what the harness has alone
    # (Xvfb and software GL on 2 cores: 74-92 ms quiet). Guard that, not a number the harness cannot promise.
    assert worst_ms < min(250.0, max(120.0, 1.5 * baseline_ms)), (worst_ms, baseline_ms)
    assert [s for s in stages if s in ("identify", "liveness", "digits")][:3] == ["identify", "liveness", "digits"]
    assert screen.preview is not None and tuple(screen.preview.size) == (640, 480)
    everything = "\n".join(shown_before_digits) + screen_texts(screen)
    assert "Barack" not in everything and "0143" not in everything and "Please blink" in everything
    tap_digits(kiosk, "0143")
    until(kiosk, lambda: screen.stage in ("approved", "failed"))
    shown = screen_texts(screen)
    assert screen.stage == "approved", shown
    assert "Thank you, Barack!" in shown and "Obama" not in shown and "+18 points" in shown and "balance 18" in shown
    assert kiosk.acquirer.calls == ["pay"]
    kiosk.tap(screen.ids.back_button)
    sale = kiosk.screen("sale")
    assert kiosk.current == "sale" and kiosk.app.terminal.till.sale is None and "by face" in sale.ids.status.text


def test_three_wrong_digit_entries_cancel_face_pay(make_kiosk: Callable[..., Any], engine: Any,
                                                   tmp_path: Path) -> None:
    kiosk = face_kiosk(make_kiosk, engine, tmp_path, blink_sequence(engine))
    screen = kiosk.screen("facepay")
    kiosk.tap(kiosk.screen("sale").ids.pay_face_button)
    until(kiosk, lambda: screen.stage in ("digits", "failed"))
    assert screen.stage == "digits" and "3 tries left" in screen.ids.tries_label.text, screen.result_text
    tap_digits(kiosk, "1111")
    assert "2 tries left" in screen.hint
    tap_digits(kiosk, "2222")
    tap_digits(kiosk, "3333")
    assert screen.stage == "failed" and screen.result_title == "Too many wrong digits"
    assert kiosk.acquirer.calls == []
    kiosk.tap(screen.ids.back_button)
    sale = kiosk.screen("sale")
    assert kiosk.current == "sale" and sale.status_error and "wrong digits" in sale.ids.status.text.lower()
    assert kiosk.app.terminal.till.sale is not None and kiosk.app.terminal.till.sale.lines   # the tea waits


def test_a_stranger_is_not_recognised_and_sees_no_member_data(make_kiosk: Callable[..., Any], engine: Any,
                                                              tmp_path: Path) -> None:
    kiosk = face_kiosk(make_kiosk, engine, tmp_path, [camera_frame("biden", close_up_y=0.17)] * 6)
    screen = kiosk.screen("facepay")
    kiosk.tap(kiosk.screen("sale").ids.pay_face_button)
    until(kiosk, lambda: screen.stage == "failed")
    shown = screen_texts(screen)
    assert screen.result_title == "Face not recognised" and "Barack" not in shown and "0143" not in shown
    assert kiosk.acquirer.calls == []


def test_no_confirmation_in_time_returns_to_the_sale(make_kiosk: Callable[..., Any], engine: Any,
                                                     tmp_path: Path) -> None:
    kiosk = face_kiosk(make_kiosk, engine, tmp_path, [camera_frame("obama2")] * 6)   # a photo: it never blinks
    kiosk.app.facepay_timeout = 3.0
    kiosk.tap(kiosk.screen("sale").ids.pay_face_button)
    until(kiosk, lambda: kiosk.current == "sale", seconds=15)
    sale = kiosk.screen("sale")
    assert "timed out" in sale.ids.status.text and kiosk.app.terminal.till.sale is not None
    kiosk.tap(sale.ids.pay_cash_button)                    # the cart was unlocked: another method works
    assert kiosk.modal() is not None


def test_without_the_payment_service_face_pay_says_so(make_kiosk: Callable[..., Any], engine: Any,
                                                      tmp_path: Path) -> None:
    kiosk = face_kiosk(make_kiosk, engine, tmp_path, [camera_frame("obama2")] * 2, pay=None)
    sale = kiosk.screen("sale")
    kiosk.tap(sale.ids.pay_face_button)
    assert kiosk.current == "sale" and "payment service" in sale.ids.status.text
    assert kiosk.app.terminal.till.sale is not None


def test_a_camera_that_cannot_open_is_explained(make_kiosk: Callable[..., Any], engine: Any, tmp_path: Path) -> None:
    kiosk = face_kiosk(make_kiosk, engine, tmp_path, [camera_frame("obama2")])
    kiosk.app.terminal.config = replace(kiosk.app.terminal.config, devices=replace(
        kiosk.app.terminal.config.devices, camera_source=str(tmp_path / "gone.avi")))
    screen = kiosk.screen("facepay")
    kiosk.tap(kiosk.screen("sale").ids.pay_face_button)
    until(kiosk, lambda: screen.stage == "failed")
    assert screen.result_title == "Face-pay is not available" and "gone.avi" in screen.result_text
    kiosk.tap(screen.ids.back_button)
    assert kiosk.current == "sale" and kiosk.app.terminal.till.sale is not None


def test_without_a_camera_face_pay_says_so(make_kiosk: Callable[..., Any], engine: Any, tmp_path: Path) -> None:
    kiosk = face_kiosk(make_kiosk, engine, tmp_path, [camera_frame("obama2")])
    kiosk.app.terminal.config = replace(kiosk.app.terminal.config, devices=replace(
        kiosk.app.terminal.config.devices, camera="none", camera_source=""))
    screen = kiosk.screen("facepay")
    kiosk.tap(kiosk.screen("sale").ids.pay_face_button)
    until(kiosk, lambda: screen.stage == "failed", seconds=5)
    assert "No camera is configured" in screen.result_text


def test_a_refusal_is_shown_from_its_code_in_the_customers_language(make_kiosk: Callable[..., Any], engine: Any,
                                                                     tmp_path: Path) -> None:
    from ui.i18n import tr

    kiosk = face_kiosk(make_kiosk, engine, tmp_path, [camera_frame("biden", close_up_y=0.17)] * 6)
    screen = kiosk.screen("facepay")
    try:
        tr.switch("zh")
        kiosk.tap(kiosk.screen("sale").ids.pay_face_button)
        until(kiosk, lambda: screen.stage == "failed")
        assert (screen.result_title, screen.result_text) == ("未能识别人脸", "请使用其他方式支付，或加入会员。")
    finally:
        tr.switch("en")
