"""The technician's tools in terminal/: the PIN lock, the test receipt, doctor checks on a running terminal,
the scanner test's masking, and the PIN in the config."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from terminal.app import technician
from terminal.app.bootstrap import Terminal, shop_info
from terminal.config.settings import ensure_config, load_config
from terminal.errors import ConfigError
from terminal.sales.sample_receipt import build_test_receipt
from terminal.sales.textwidth import text_width
from terminal.technician.pin_lock import PinLock


class Ticker:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_three_wrong_pins_lock_for_30_seconds_even_for_the_right_one() -> None:
    now = Ticker()
    lock = PinLock("2580", now)
    assert lock.check("1111").tries_left == 2
    assert lock.check("2222").tries_left == 1
    third = lock.check("3333")
    assert not third.ok and third.locked_for_s == 30
    now.t += 29
    refused = lock.check("2580")
    assert not refused.ok and 0 < refused.locked_for_s <= 1
    now.t += 1.01
    assert lock.locked_for() == 0 and lock.check("2580").ok


def test_a_right_pin_resets_the_count() -> None:
    lock = PinLock("2580", Ticker())
    lock.check("0000")
    lock.check("0001")
    assert lock.check("2580").ok
    assert lock.check("0002").tries_left == 2


def test_test_receipt_has_both_scripts_and_the_receipt_qr(term: Terminal) -> None:
    shop = shop_info(term.config)
    receipt = build_test_receipt(shop, datetime(2026, 11, 22, 8, 30, tzinfo=UTC), 42)
    text = receipt.as_text()
    assert shop.name in text and "TEST PRINT" in text and "T-0001" in text
    assert "打印测试" in text and "Kiểm tra máy in" in text
    assert receipt.qr_url == "https://receipts.edgepos.example" and not receipt.open_drawer
    assert receipt.sale_id == "test-20261122-083000"
    assert all(text_width(line.text) <= 42 for line in receipt.lines)


def test_test_print_goes_to_the_terminals_printer(term: Terminal, printer: Any) -> None:
    where = technician.test_print(term)
    assert where.startswith("fake:test-") and printer.receipts[0].lines[1].text == "TEST PRINT"


def test_checks_on_a_running_terminal_use_its_printer_and_its_live_link(term: Terminal, printer: Any) -> None:
    from terminal.app.doctor_command import collect_checks

    checks = {c.name: c for c in collect_checks(term.config, term.data_dir, term,
                                                link_online_since="2026-11-22T08:30:00.000000Z")}
    assert list(checks) == ["clock", "disk", "database", "outbox", "printer", "scanner", "camera", "terminal id",
                            "broker", "rejected"]
    assert checks["printer"].ok and checks["broker"].ok and "2026-11-22T08:30:00" in checks["broker"].detail
    printer.fail = "out of paper"
    assert next(c for c in collect_checks(term.config, term.data_dir, term, "x") if c.name == "printer").detail \
        == "out of paper"


@pytest.mark.parametrize("scanned, shown, hidden", [
    ("134567890123456789", r"wechat payment code 1345\*+6789", "134567890123456789"),
    ("6900001250999", r"item 6900001250999: .*矿泉水", None),
    ("1945678901234567890", r"unknown 1945\*+7890: .*payment code", "1945678901234567890"),
    ("hello", r"unknown hello: not an item barcode", None),
])
def test_scanner_test_masks_payment_codes(term: Terminal, scanned: str, shown: str, hidden: str | None) -> None:
    text = technician.describe_scan(scanned, term)
    assert re.search(shown, text), text
    assert hidden is None or hidden not in text


def test_camera_configured_only_with_a_source(term: Terminal) -> None:
    assert not technician.camera_configured(term.config.devices)     # sim with no frames: nothing to read


def config_with(tmp_path: Path, pin_line: str | None) -> Path:
    path = tmp_path / "edgepos.toml"
    ensure_config(path)
    text = path.read_text(encoding="utf-8")
    if pin_line is not None:
        text = re.sub(r'^technician_pin = .*$', pin_line, text, flags=re.M)
    path.write_text(text, encoding="utf-8")
    return path


def test_technician_pin_in_the_config(tmp_path: Path) -> None:
    assert load_config(config_with(tmp_path, None)).technician_pin == "2580"
    assert load_config(config_with(tmp_path, 'technician_pin = "90817263"')).technician_pin == "90817263"
    for bad in ('technician_pin = "12a4"', 'technician_pin = "123"', "technician_pin = 2580"):
        with pytest.raises(ConfigError, match=r"\[kiosk\] technician_pin"):
            load_config(config_with(tmp_path, bad))
