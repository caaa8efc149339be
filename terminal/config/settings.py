"""The terminal's TOML config: every key checked before anything starts; one clear error per problem."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, tzinfo
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

from terminal.config.keys import ConfigReader
from terminal.config.members import FaceConfig, MembersConfig, parse_members
from terminal.errors import ConfigError, MoneyError
from terminal.sales.clock_text import EXAMPLE_ZONES, system_timezone, zone_by_name
from terminal.sales.money import Money, exponent

# Chinese in the printer's GB18030 font and Vietnamese in code page 1258 | Vietnamese rastered | everything rastered
PRINTER_ENCODINGS = ("gb18030+cp1258", "gb18030", "raster")
DEFAULT_PRINTER_ENCODING = PRINTER_ENCODINGS[0]
DEVICE_KINDS = {"printer": ("sim", "serial"), "scanner": ("sim", "serial", "none"),
                "camera": ("sim", "opencv", "none")}


@dataclass(frozen=True)
class DeviceConfig:
    """Which adapter drives each device, and where it is."""

    printer: str
    printer_port: str
    printer_baud: int
    scanner: str
    scanner_port: str
    scanner_baud: int
    camera: str
    camera_source: str
    printer_encoding: str = DEFAULT_PRINTER_ENCODING
    printer_paper_dots: int = 576


@dataclass(frozen=True)
class BrokerConfig:
    """How the terminal reaches the MQTT broker."""

    url: str
    username: str
    password: str
    ca_file: str


@dataclass(frozen=True)
class OfflineConfig:
    """Limits on payments taken while the cloud cannot be reached."""

    per_payment_cap: Money
    total_cap: Money
    max_age_hours: int


@dataclass(frozen=True)
class PaymentsConfig:
    """Wallet payments: the acquirer discipline's timings, the velocity limit, and what the shop's QR says."""

    request_timeout_s: int
    query_interval_s: int
    query_window_s: int
    velocity_max: int
    velocity_window_s: int
    qr_city: str
    qr_country: str
    merchant_id: str


@dataclass(frozen=True)
class Config:
    """Everything the terminal needs to start, validated."""

    path: Path
    terminal_id: str
    currency: str
    shop_name: str
    shop_address: str
    receipt_base_url: str
    receipt_header: str
    receipt_footer: str
    receipt_width: int
    display_currency: str | None
    display_rate: Decimal | None
    catalog_path: Path | None
    devices: DeviceConfig
    broker: BrokerConfig
    offline: OfflineConfig
    fullscreen: bool
    payments: PaymentsConfig
    members: MembersConfig
    face: FaceConfig
    technician_pin: str = "2580"
    timezone: tzinfo = UTC  # [shop] timezone: what receipts, reports and screens show; the data keeps UTC
    discount_approval_percent: int = 20   # [staff]: a bigger discount (share of the line or sale) needs a manager


def _display(r: ConfigReader) -> tuple[str | None, Decimal | None]:
    currency = r.get("display.currency", str, "") or None
    raw = r.get("display.rate", str, "")  # read even when unused, so that it stays a known key
    if currency is None:
        return None, None
    try:
        exponent(currency)
    except MoneyError as err:
        raise r.fail("display.currency", str(err)) from err
    if not raw:
        raise r.fail("display.rate", "missing (required when [display] currency is set)")
    try:
        rate = Decimal(raw)
    except InvalidOperation:
        raise r.fail("display.rate", f"not a decimal number: {raw!r} (write it as a string, e.g. \"0.1385\")") from None
    if not rate.is_finite() or rate <= 0:
        raise r.fail("display.rate", "must be a positive number")
    return currency, rate


def _timezone(r: ConfigReader) -> tzinfo:
    name = r.get("shop.timezone", str, "").strip()
    if not name:
        return system_timezone()
    try:
        return zone_by_name(name)
    except ValueError as err:
        raise r.fail("shop.timezone", f"{err}: write an IANA name such as {EXAMPLE_ZONES}, "
                                      "or \"\" for the system's zone") from None


def _approval_percent(r: ConfigReader) -> int:
    percent = r.get("staff.discount_approval_percent", int, 20)
    if isinstance(percent, bool) or not 0 <= percent <= 100:
        raise r.fail("staff.discount_approval_percent", f"must be a whole number from 0 to 100, got {percent!r}")
    return int(percent)


def _pin(r: ConfigReader) -> str:
    pin = r.get("kiosk.technician_pin", object, "2580")
    if not (isinstance(pin, str) and pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
        # TOML reads 2580 unquoted as a number, and a PIN such as 0123 is not even valid TOML unquoted
        quote = " in quotes" if not isinstance(pin, str) else ""
        raise r.fail("kiosk.technician_pin", f"must be 4 to 8 digits{quote}, e.g. technician_pin = \"2580\" "
                                             f"(got {pin!r})")
    return pin


def parse_config(path: Path, data: dict[str, Any]) -> Config:
    """Validate parsed TOML into a Config."""
    r = ConfigReader(path, data)
    currency = r.text("terminal.currency")
    try:
        exponent(currency)
    except MoneyError as err:
        raise r.fail("terminal.currency", str(err)) from err
    url = r.text("receipt.base_url")
    if not url.startswith(("https://", "http://")):
        raise r.fail("receipt.base_url", f"must start with https:// (got {url!r})")
    catalog = r.get("catalog.path", str, "")
    devices = DeviceConfig(
        r.choice("devices.printer", DEVICE_KINDS["printer"], "sim"), r.text("devices.printer_port", ""),
        r.positive("devices.printer_baud", 19200), r.choice("devices.scanner", DEVICE_KINDS["scanner"], "sim"),
        r.text("devices.scanner_port", ""), r.positive("devices.scanner_baud", 9600),
        r.choice("devices.camera", DEVICE_KINDS["camera"], "sim"), r.text("devices.camera_source", ""),
        r.choice("devices.printer_encoding", PRINTER_ENCODINGS, DEFAULT_PRINTER_ENCODING),
        r.positive("devices.printer_paper_dots", 576))
    for device in ("printer", "scanner"):
        if getattr(devices, device) == "serial" and not getattr(devices, f"{device}_port"):
            raise r.fail(f"devices.{device}_port", f"required when {device} = \"serial\"")
    broker = BrokerConfig(r.text("broker.url"), r.text("broker.username"), r.text("broker.password", ""),
                          r.text("broker.ca_file", ""))
    if not broker.url.startswith(("mqtt://", "mqtts://")):
        raise r.fail("broker.url", f"must start with mqtt:// or mqtts:// (got {broker.url!r})")
    display_currency, display_rate = _display(r)
    members, face = parse_members(r, currency)
    config = Config(
        path=path, terminal_id=r.text("terminal.id"), currency=currency,
        shop_name=r.text("shop.name"), shop_address=r.text("shop.address"),
        receipt_base_url=url, receipt_header=r.text("receipt.header", ""),
        receipt_footer=r.text("receipt.footer", "Thank you!"), receipt_width=r.positive("receipt.width", 42),
        display_currency=display_currency, display_rate=display_rate,
        catalog_path=(path.parent / catalog) if catalog else None,
        devices=devices, broker=broker,
        offline=OfflineConfig(r.money("offline.per_payment_cap", currency, "500"),
                              r.money("offline.total_cap", currency, "5000"),
                              r.positive("offline.max_age_hours", 24)),
        fullscreen=r.get("ui.fullscreen", bool, False),
        payments=PaymentsConfig(
            r.positive("payments.request_timeout_s", 10), r.positive("payments.query_interval_s", 3),
            r.positive("payments.query_window_s", 45), r.positive("payments.velocity_max", 20),
            r.positive("payments.velocity_window_s", 60), r.text("payments.qr_city", "Shanghai"),
            r.text("payments.qr_country", "CN"), r.text("payments.merchant_id", r.text("terminal.id"))),
        members=members, face=face,
        technician_pin=_pin(r), timezone=_timezone(r), discount_approval_percent=_approval_percent(r),
    )
    unknown = r.unknown()  # after every read: whatever was never read is a typo or a key from elsewhere
    if unknown:
        raise unknown
    return config


def load_config(path: Path) -> Config:
    """Read and validate a config file, or raise one ConfigError naming the file and the key."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found "
                          "(run `edgepos --data-dir DIR kiosk` once to create a default)") from None
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the config file: {err.strerror}") from err
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from err
    return parse_config(path, data)


def default_config_text() -> str:
    """The shipped default config (simulated devices, loopback broker)."""
    return (resources.files("terminal") / "data" / "default_config.toml").read_text(encoding="utf-8")


def ensure_config(path: Path) -> bool:
    """Write the default config at path if there is none; True when it was written."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(default_config_text(), encoding="utf-8")
    return True
