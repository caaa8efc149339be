"""The technician screen through its widgets: PIN pad and lock, doctor checks off the UI thread, test print,
scanner and camera tests, queue and logs, the language switch."""
from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from support.fakes import FakePrinter
from terminal.config.settings import Config

pytestmark = pytest.mark.ui


@pytest.fixture(autouse=True)
def english_again() -> Iterator[None]:
    """The language is process-wide: every test starts and ends in English."""
    from ui.i18n import tr

    tr.lang = "en"
    yield
    tr.lang = "en"


def no_broker(config: Config) -> Config:
    """The config with its broker on a loopback port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return replace(config, broker=replace(config.broker, url=f"mqtt://127.0.0.1:{port}"))


def until(kiosk: Any, check: Callable[[], Any], seconds: float = 15) -> None:
    """Pump frames until check() is true (Kiosk.until, with this module's wait)."""
    kiosk.until(check, seconds)


def pin(kiosk: Any, digits: str) -> None:
    """Tap the PIN pad's keys, then OK."""
    screen = kiosk.screen("technician")
    keys = {b.key or b.text: b for b in screen.ids.pin_pad.children}
    for digit in digits:
        kiosk.tap(keys[digit])
    kiosk.tap(keys["OK"])


def open_tools(kiosk: Any) -> Any:
    """From the sale screen: Tech, then the PIN; returns the unlocked technician screen."""
    kiosk.tap(kiosk.screen("sale").ids.tech_button)
    assert kiosk.current == "technician"
    pin(kiosk, "2580")
    screen = kiosk.screen("technician")
    assert screen.unlocked and screen.ids.tools.opacity == 1
    return screen


def test_wrong_pin_three_times_locks_for_30_seconds(selling: Any) -> None:
    selling.tap(selling.screen("sale").ids.tech_button)
    screen = selling.screen("technician")
    assert not screen.unlocked and screen.ids.pin_form.opacity == 1 and screen.ids.tools.disabled
    now = [1000.0]
    screen.pin_lock._now = lambda: now[0]       # the lock's monotonic clock, moved by hand
    pin(selling, "1111")
    assert "2 tries left" in screen.ids.pin_message_label.text
    pin(selling, "1112")
    pin(selling, "1113")
    assert screen.ids.pin_message_label.text == "Locked: try again in 30 s" and screen.pin_error
    pin(selling, "2580")                        # the right PIN, but locked
    assert not screen.unlocked and "Locked" in screen.ids.pin_message_label.text
    now[0] += 30.5
    pin(selling, "2580")
    assert screen.unlocked
    selling.tap(screen.ids.back_button)
    assert selling.current == "sale"
    selling.tap(selling.screen("sale").ids.tech_button)
    assert not screen.unlocked                  # locked again on every visit


def test_doctor_checks_run_off_the_ui_thread_and_fill_the_table(make_kiosk: Callable[..., Any],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from terminal.app import technician

    kiosk = make_kiosk(printer=FakePrinter(), cashier="Lan", configure=no_broker)
    screen = open_tools(kiosk)
    assert screen.ids.sections.current == "devices"
    real, threads, gate = technician.run_checks, [], threading.Event()

    def slow_checks(terminal: Any) -> Any:
        threads.append(threading.current_thread())
        gate.wait(10)
        return real(terminal)

    monkeypatch.setattr(technician, "run_checks", slow_checks)
    kiosk.tap(screen.ids.run_checks_button)
    assert screen.checks_busy and screen.ids.run_checks_button.disabled   # the UI runs on meanwhile
    kiosk.pump(4)
    gate.set()
    until(kiosk, lambda: not screen.checks_busy)
    assert threads and threads[0] is not threading.main_thread()
    rows = {r.name_text: r for r in screen.ids.checks_table.children}
    assert set(rows) == {"clock", "disk", "database", "outbox", "printer", "scanner", "camera", "broker",
                         "terminal id", "rejected"}
    assert rows["printer"].ok and "ready" in rows["printer"].ids.detail_label.text
    assert rows["database"].ids.verdict_label.text == "OK"
    broker = rows["broker"]                     # no broker in the tests: a failure with its fix under it
    assert not broker.ok and broker.ids.verdict_label.text == "FAIL" and "fix: " in broker.ids.detail_label.text
    assert screen.status_error and "broker" in screen.ids.status.text


def test_test_print_lands_on_the_printer_or_says_why_not(make_kiosk: Callable[..., Any]) -> None:
    printer = FakePrinter()
    kiosk = make_kiosk(printer=printer, cashier="Lan")
    screen = open_tools(kiosk)
    kiosk.tap(screen.ids.nav_tests)
    assert screen.ids.sections.current == "tests"
    kiosk.tap(screen.ids.test_print_button)
    until(kiosk, lambda: not screen.print_busy)
    assert len(printer.receipts) == 1 and printer.receipts[0].qr_url == "https://receipts.edgepos.example"
    texts = [line.text for line in printer.receipts[0].lines]
    assert "TEST PRINT" in texts and any("中文" in t for t in texts) and any("Tiếng Việt" in t for t in texts)
    assert screen.ids.print_result.text == f"Printed: fake:{printer.receipts[0].sale_id}"
    printer.fail = "the printer is out of paper"
    kiosk.tap(screen.ids.test_print_button)
    until(kiosk, lambda: not screen.print_busy)
    assert screen.ids.print_result.text == "Not printed: the printer is out of paper"


def test_scanner_test_masks_payment_codes(make_kiosk: Callable[..., Any]) -> None:
    kiosk = make_kiosk(printer=FakePrinter(), cashier="Lan")
    screen = open_tools(kiosk)
    kiosk.tap(screen.ids.nav_tests)
    kiosk.enter(screen.ids.scan_input, "6900001250999")
    assert "矿泉水" in screen.ids.scan_result.text
    worker = threading.Thread(target=kiosk.app.deliver_scan, args=("284567890123456789",))  # the serial scanner
    worker.start()
    worker.join()
    kiosk.pump(4)
    assert kiosk.current == "technician"        # a scan on the unlocked tools is a test, not a sale
    assert screen.ids.scan_result.text == "Last scan: alipay payment code 2845**********6789"
    assert kiosk.app.terminal.till.sale is None


def test_camera_test_without_a_camera_says_so(make_kiosk: Callable[..., Any]) -> None:
    kiosk = make_kiosk(printer=FakePrinter(), cashier="Lan")
    screen = open_tools(kiosk)
    kiosk.tap(screen.ids.nav_tests)
    kiosk.tap(screen.ids.camera_button)
    assert "No camera is configured" in screen.ids.camera_result.text and screen.camera_texture is None


def test_camera_test_shows_a_frame(make_kiosk: Callable[..., Any], tmp_path: Path) -> None:
    from simulators.camera import camera_source, synth_sequence, write_frames

    frames = tmp_path / "frames"
    write_frames(synth_sequence(["284567890123456789"], repeat=2, gap=1), frames)

    def with_camera(config: Config) -> Config:
        return replace(config, devices=replace(config.devices, camera="sim", camera_source=camera_source(frames)))

    kiosk = make_kiosk(printer=FakePrinter(), cashier="Lan", configure=with_camera)
    screen = open_tools(kiosk)
    kiosk.tap(screen.ids.nav_tests)
    kiosk.tap(screen.ids.camera_button)
    until(kiosk, lambda: not screen.camera_busy)
    assert screen.ids.camera_result.text == "Camera: a 640x480 frame"
    assert tuple(screen.ids.camera_image.texture.size) == (640, 480) and screen.ids.camera_image.opacity == 1


def test_queue_status_and_recent_log_lines(make_kiosk: Callable[..., Any]) -> None:
    kiosk = make_kiosk(printer=FakePrinter(), cashier="Lan")
    logs = kiosk.app.terminal.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "edgepos.log").write_text("".join(f"2026-11-22 08:30:{i:02d} INFO test: line {i}\n" for i in range(40)),
                                      encoding="utf-8")
    screen = open_tools(kiosk)
    kiosk.tap(screen.ids.nav_queue)
    queue = screen.ids.queue_label.text
    assert "Link: never started" in queue and "Pending events: 1, oldest under 1 min" in queue   # the shift event
    assert "Rejected events: 0" in queue and "Last ack: never" in queue
    log = screen.ids.log_label.text.splitlines()
    assert len(log) == 30 and log[0].endswith("line 10") and log[-1].endswith("line 39")


def test_language_switch_changes_labels_everywhere_and_is_kept(make_kiosk: Callable[..., Any]) -> None:
    from ui.i18n import tr

    kiosk = make_kiosk(printer=FakePrinter(), cashier="Lan")
    sale = kiosk.screen("sale")
    assert sale.ids.pay_cash_button.text == "Pay cash"
    screen = open_tools(kiosk)
    kiosk.tap(screen.ids.nav_language)
    kiosk.tap(screen.ids.lang_zh)
    assert screen.ids.nav_devices.text == "设备" and screen.ids.back_button.text == "返回"
    assert sale.ids.pay_cash_button.text == "现金支付" and sale.ids.header.text.endswith("收银员 Lan")
    assert kiosk.screen("idle").ids.tap_label.text == "轻触开始"
    kiosk.tap(screen.ids.lang_vi)
    assert sale.ids.pay_cash_button.text == "Trả tiền mặt"
    data_dir = kiosk.app.terminal.data_dir
    assert json.loads((data_dir / "kiosk.json").read_text(encoding="utf-8")) == {"language": "vi"}
    tr.lang = "en"
    assert tr.load(data_dir) == "vi"            # the next start comes up in Vietnamese
    kiosk.tap(screen.ids.lang_en)
    assert sale.ids.pay_cash_button.text == "Pay cash"
