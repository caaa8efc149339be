"""Local time (issue 13, point 6): receipts, reports and screens show the shop's [shop] timezone; the data keeps UTC."""
from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from terminal.app.bootstrap import Terminal
from terminal.config.settings import default_config_text, load_config
from terminal.errors import ConfigError
from terminal.sales.money import Money
from terminal.sales.receipts import ShopInfo
from terminal.sales.sample_receipt import build_test_receipt
from terminal.shift.receipt import build_shift_receipt

AT = datetime(2026, 11, 22, 8, 30, tzinfo=UTC)   # the FixedClock's moment


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "edgepos.toml"
    path.write_text(text, encoding="utf-8")
    return path


def with_timezone(value: str) -> str:
    text, n = re.subn(r'^timezone = ""', f"timezone = {value}", default_config_text(), count=1, flags=re.M)
    assert n == 1, "the default config has no [shop] timezone = \"\""
    return text


@pytest.mark.parametrize(("zone", "shown"), [("Asia/Shanghai", "2026-11-22 16:30 UTC+8"),
                                             ("Asia/Ho_Chi_Minh", "2026-11-22 15:30 UTC+7"),
                                             ("UTC", "2026-11-22 08:30 UTC")])
def test_a_receipt_shows_the_shops_local_time(make_terminal: Callable[..., Terminal], zone: str, shown: str) -> None:
    t = make_terminal(timezone=zone)
    t.shifts.open("Lan", cny("100"))
    t.till.add_item("DRK-001")
    done = t.till.pay_cash(cny("5"))
    assert done.sale.closed_at == AT
    date_line = next(line.text for line in done.receipt.lines if line.text.startswith("Date"))
    assert date_line.endswith(shown), date_line
    assert t.till.receipt(done.sale).as_text() == done.receipt.as_text()      # a reprint says the same


def test_the_payment_event_keeps_utc(make_terminal: Callable[..., Terminal]) -> None:
    t = make_terminal(timezone="Asia/Shanghai")
    t.shifts.open("Lan", cny("100"))
    t.till.add_item("DRK-001")
    t.till.pay_cash(cny("5"))
    bodies = [json.loads(r.envelope) for r in t.outbox.pending() if r.schema == "payment/1"]
    closed_at = bodies[-1]["body"]["closed_at"] if bodies else ""
    assert closed_at.startswith("2026-11-22T08:30:00") and closed_at.endswith("Z"), closed_at    # 08:30Z, not 16:30
    assert bodies[-1]["created_at"].endswith("Z")


@pytest.mark.parametrize(("zone", "opened", "printed"), [
    ("Asia/Shanghai", "2026-11-22 16:30 UTC+8", "2026-11-23 02:00 UTC+8"),
    ("Asia/Ho_Chi_Minh", "2026-11-22 15:30 UTC+7", "2026-11-23 01:00 UTC+7")])
def test_the_z_report_shows_the_shops_local_time(make_terminal: Callable[..., Terminal], zone: str, opened: str,
                                                 printed: str) -> None:
    t = make_terminal(timezone=zone)
    t.shifts.open("Lan", cny("100"))
    z = t.till.close_shift(cny("100"), {})
    slip = build_shift_receipt(z, t.till.shop, datetime(2026, 11, 22, 18, 0, tzinfo=UTC), 42)
    lines = {line.text.split()[0]: line.text for line in slip.lines if line.text.strip()}
    assert lines["Opened"].endswith(opened) and lines["Closed"].endswith(opened) and lines["Printed"].endswith(printed)
    shown = z.as_lines(t.till.shop.timezone)                       # the report panel on the shift screen
    assert f"Opened {opened[:16]}:00 {opened[17:]}" in shown and f"Closed {opened[:16]}:00 {opened[17:]}" in shown
    assert "Opened 2026-11-22 08:30:00 UTC" in z.as_lines()         # what is stored and sent stays UTC
    assert z.shift.opened_at.endswith("Z") and z.shift.closed_at is not None and z.shift.closed_at.endswith("Z")


def test_the_test_receipt_shows_the_shops_local_time() -> None:
    shop = ShopInfo("Shop", "1 Road", "T-1", "https://r.example/", timezone=ZoneInfo("Asia/Shanghai"))
    receipt = build_test_receipt(shop, AT, 42)
    assert any(line.text.startswith("Date") and line.text.endswith("2026-11-22 16:30 UTC+8") for line in receipt.lines)


def test_a_bad_timezone_stops_the_start_with_a_hint(tmp_path: Path) -> None:
    path = write(tmp_path, with_timezone('"Asia/Shanghaii"'))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}: [shop] timezone:") and "Asia/Shanghaii" in message
    assert "Asia/Shanghai\"" in message, message                   # an example of a good name


def test_a_timezone_that_is_not_text_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[shop\] timezone"):
        load_config(write(tmp_path, with_timezone("8")))


def test_a_named_timezone_is_used(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, with_timezone('"Asia/Ho_Chi_Minh"')))
    assert config.timezone == ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def system_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's zone set to Ho Chi Minh City for one test (TZ, as the system would set it)."""
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_default_config_uses_the_systems_zone(tmp_path: Path, system_zone: Any) -> None:
    assert 'timezone = ""' in default_config_text()
    config = load_config(write(tmp_path, default_config_text()))
    assert AT.astimezone(config.timezone).strftime("%H:%M") == "15:30"
    assert config.timezone.utcoffset(AT) == datetime.now().astimezone().utcoffset()
