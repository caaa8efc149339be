"""Config: the default loads; every bad file stops the start with one ConfigError naming file and key."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from terminal.app.bootstrap import build_terminal
from terminal.config.settings import default_config_text, ensure_config, load_config
from terminal.errors import ConfigError
from terminal.sales.money import Money


def start(config_path: Path, data_dir: Path) -> None:
    """What the app does at start: validate the config, then build."""
    build_terminal(load_config(config_path), data_dir)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "edgepos.toml"
    path.write_text(text, encoding="utf-8")
    return path


def edit(pattern: str, replacement: str) -> str:
    text, n = re.subn(pattern, replacement, default_config_text(), count=1, flags=re.M)
    assert n == 1, f"default config no longer has {pattern!r}"
    return text


def test_default_config_is_written_once_and_loads(tmp_path: Path) -> None:
    path = tmp_path / "etc" / "edgepos.toml"
    assert ensure_config(path) is True
    assert ensure_config(path) is False
    path.write_text(path.read_text(encoding="utf-8").replace('"T-0001"', '"T-0042"', 1), encoding="utf-8")
    assert ensure_config(path) is False and "T-0042" in path.read_text(encoding="utf-8")  # never overwritten
    config = load_config(path)
    assert config.path == path
    assert config.terminal_id == "T-0042"
    assert config.currency == "CNY"
    assert "莲花" in config.shop_name
    assert config.receipt_base_url.startswith("https://")
    assert config.receipt_width == 42
    assert (config.display_currency, config.display_rate) == ("USD", Decimal("0.1385"))
    assert config.catalog_path is None
    assert config.devices.printer == "sim"
    assert config.broker.url.startswith("mqtt://")
    assert config.offline.per_payment_cap == Money(50000, "CNY")
    assert config.offline.total_cap == Money(500000, "CNY")
    assert config.offline.max_age_hours == 24
    assert config.fullscreen is False


def test_catalog_path_is_relative_to_the_config(tmp_path: Path) -> None:
    path = write(tmp_path, edit(r'^path = ""', 'path = "shop/items.csv"'))
    assert load_config(path).catalog_path == tmp_path / "shop" / "items.csv"


BAD = [
    pytest.param(r'^id = "T-0001"\n', "", "[terminal] id", "missing", id="missing terminal.id"),
    pytest.param(r'^name = "Hoa Sen.*"\n', "", "[shop] name", "missing", id="missing shop.name"),
    pytest.param(r'^base_url = .*\n', "", "[receipt] base_url", "missing", id="missing receipt.base_url"),
    pytest.param(r'^url = "mqtt.*"\n', "", "[broker] url", "missing", id="missing broker.url"),
    pytest.param(r'^id = "T-0001"', 'id = "  "', "[terminal] id", "empty", id="empty terminal.id"),
    pytest.param(r'^id = "T-0001"', "id = 1", "[terminal] id", "must be str", id="int terminal.id"),
    pytest.param(r'^width = 42', 'width = "wide"', "[receipt] width", "must be int", id="str width"),
    pytest.param(r'^width = 42', "width = true", "[receipt] width", "must be int", id="bool width"),
    pytest.param(r'^width = 42', "width = 0", "[receipt] width", "positive", id="zero width"),
    pytest.param(r'^printer_baud = 19200', "printer_baud = 19200.0", "[devices] printer_baud", "must be int",
                 id="float baud"),
    pytest.param(r'^fullscreen = false', 'fullscreen = "no"', "[ui] fullscreen", "must be bool", id="str bool"),
    pytest.param(r'^per_payment_cap = .*', "per_payment_cap = 1.5", "[offline] per_payment_cap",
                 "must be str or int", id="float money"),
    pytest.param(r'^per_payment_cap = .*', 'per_payment_cap = "5.001"', "[offline] per_payment_cap",
                 "more decimals", id="money too precise"),
    pytest.param(r'^total_cap = .*', 'total_cap = "-1"', "[offline] total_cap", "negative", id="negative cap"),
    pytest.param(r'^currency = "CNY"', 'currency = "RMB"', "[terminal] currency", "unknown currency 'RMB'",
                 id="bad currency"),
    pytest.param(r'^currency = "USD"', 'currency = "DOLLAR"', "[display] currency", "unknown currency",
                 id="bad display currency"),
    pytest.param(r'^rate = .*', "rate = 0.1385", "[display] rate", "must be str", id="float rate"),
    pytest.param(r'^rate = .*', 'rate = "cheap"', "[display] rate", "not a decimal", id="garbage rate"),
    pytest.param(r'^rate = .*', 'rate = "-1"', "[display] rate", "positive", id="negative rate"),
    pytest.param(r'^printer = "sim"', 'printer = "laser"', "[devices] printer", "must be one of sim, serial",
                 id="bad printer kind"),
    pytest.param(r'^camera = "sim"', 'camera = "webcam"', "[devices] camera", "must be one of", id="bad camera"),
    pytest.param(r'^printer = "sim"', 'printer = "serial"', "[devices] printer_port", "required",
                 id="serial without port"),
    pytest.param(r'^base_url = .*', 'base_url = "receipts.example"', "[receipt] base_url", "https://",
                 id="url without scheme"),
    pytest.param(r'^url = "mqtt.*"', 'url = "http://broker"', "[broker] url", "mqtt://", id="broker scheme"),
]


@pytest.mark.parametrize("pattern, replacement, key, problem", BAD)
def test_bad_config_one_error_naming_file_and_key(tmp_path: Path, pattern: str, replacement: str, key: str,
                                                  problem: str) -> None:
    path = write(tmp_path, edit(pattern, replacement))
    data_dir = tmp_path / "data"
    with pytest.raises(ConfigError) as info:
        start(path, data_dir)
    assert type(info.value) is ConfigError
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert key in message, message
    assert problem in message, message
    assert "\n" not in message
    assert not data_dir.exists()          # nothing built, nothing written


@pytest.mark.parametrize("text", ["[terminal\nid = 1\n", 'id = "unterminated\n', "\x00\x01garbage = = ="])
def test_corrupt_toml(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    data_dir = tmp_path / "data"
    with pytest.raises(ConfigError, match="not valid TOML") as info:
        start(path, data_dir)
    assert str(info.value).startswith(f"{path}: ")
    assert not data_dir.exists()


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "edgepos.toml"
    path.write_bytes(default_config_text().encode("utf-8").replace("莲花".encode(), "莲花".encode("gb18030")))
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_missing_file_says_how_to_make_one(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as info:
        start(path, tmp_path / "data")
    assert str(path) in str(info.value) and "not found" in str(info.value)
    assert not (tmp_path / "data").exists()


def test_zero_decimal_home_currency(tmp_path: Path) -> None:
    path = write(tmp_path, edit(r'^currency = "CNY"', 'currency = "JPY"'))
    config = load_config(path)
    assert config.offline.per_payment_cap == Money(500, "JPY")


def test_section_that_is_not_a_table(tmp_path: Path) -> None:
    path = write(tmp_path, "shop = 3\n" + edit(r"^\[shop\]", "[shop_old]"))
    with pytest.raises(ConfigError) as info:
        start(path, tmp_path / "data")
    assert str(info.value) == f"{path}: [shop] must be a table"


TYPOS = [
    pytest.param(r'^technician_pin = "2580"', 'technician_pn = "9999"', "[kiosk] technician_pn",
                 "did you mean technician_pin", id="technician_pn"),
    pytest.param(r'^per_payment_cap = .*', 'per_paymnet_cap = "100.00"', "[offline] per_paymnet_cap",
                 "did you mean per_payment_cap", id="per_paymnet_cap"),
    pytest.param(r'^\[offline\]', "[ofline]", "[ofline] per_payment_cap", "did you mean [offline]",
                 id="ofline section"),
    pytest.param(r'^\[terminal\]', 'currency = "CNY"\n[terminal]', "currency", "did you mean [terminal] currency",
                 id="key outside any section"),
    pytest.param(r'^fullscreen = false', "fullscreen = false\ncolour = \"red\"", "[ui] colour", "unknown key",
                 id="no close key"),
]


@pytest.mark.parametrize("pattern, replacement, key, hint", TYPOS)
def test_an_unknown_section_or_key_is_refused_with_the_closest_known_one(
        tmp_path: Path, pattern: str, replacement: str, key: str, hint: str) -> None:
    path = write(tmp_path, edit(pattern, replacement))
    data_dir = tmp_path / "data"
    with pytest.raises(ConfigError) as info:
        start(path, data_dir)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and key in message and hint in message, message
    assert "\n" not in message
    assert not data_dir.exists()


def test_no_hint_when_nothing_is_close(tmp_path: Path) -> None:
    path = write(tmp_path, edit(r'^fullscreen = false', "fullscreen = false\nzzz = 1"))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"{path}: [ui] zzz: unknown key (the known keys of [ui] are: fullscreen)"


def test_a_missing_key_points_at_a_likely_typo(tmp_path: Path) -> None:
    path = write(tmp_path, edit(r'^id = "T-0001"', 'idd = "T-0001"'))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "[terminal] id: missing (required)" in message and "idd" in message, message


def test_display_rate_without_display_currency_is_still_a_known_key(tmp_path: Path) -> None:
    path = write(tmp_path, edit(r'^currency = "USD"', 'currency = ""'))
    config = load_config(path)
    assert (config.display_currency, config.display_rate) == (None, None)


def test_an_unquoted_technician_pin_says_to_quote_it(tmp_path: Path) -> None:
    path = write(tmp_path, edit(r'^technician_pin = "2580"', "technician_pin = 12"))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "[kiosk] technician_pin" in message and "must be str" not in message, message
    assert "quotes" in message and "4 to 8 digits" in message and 'technician_pin = "' in message, message
