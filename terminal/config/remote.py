"""Settings the shop pushes to a terminal: checked whole before any of them applies."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from terminal.config.keys import ConfigReader, Schema
from terminal.errors import ConfigError, MoneyError
from terminal.sales.money import Money

OFFLINE_KEYS = ("per_payment_cap", "total_cap", "max_age_hours")
RECEIPT_KEYS = ("header", "footer")
SCHEMA: Schema = {"version": None, "offline": OFFLINE_KEYS, "receipt": RECEIPT_KEYS, "catalog_version": None}
MAX_TEXT = 200
ORIGIN = "remote config"  # how errors name a pushed document, which has no file


@dataclass(frozen=True)
class RemoteSettings:
    """One accepted push; fields left out keep the terminal's own config."""

    version: int
    per_payment_cap: Money | None = None
    total_cap: Money | None = None
    max_age_hours: int | None = None
    receipt_header: str | None = None
    receipt_footer: str | None = None
    catalog_version: str | None = None


def _text(r: ConfigReader, key: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT or any(ord(c) < 32 and c != "\n" for c in value):
        raise r.fail(key, f"must be printable text of at most {MAX_TEXT} characters")
    return value


def _money(r: ConfigReader, key: str, value: Any, currency: str) -> Money | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise r.fail(key, f"must be an amount in quotes, e.g. \"500.00\" (got {value!r})")
    try:
        amount = Money.parse(value, currency)
    except MoneyError as err:
        raise r.fail(key, f"is not an amount in {currency}: {err}") from err
    if amount.minor < 0:
        raise r.fail(key, "cannot be negative")
    return amount


def parse_remote_config(payload: bytes, currency: str, applied_version: int | None) -> RemoteSettings:
    """Check a pushed document; raises ConfigError naming the first bad key, applying nothing."""
    try:
        doc = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ConfigError(f"{ORIGIN}: not JSON ({err})") from err
    if not isinstance(doc, dict):
        raise ConfigError(f"{ORIGIN}: must be a JSON object")
    r = ConfigReader(ORIGIN, doc)
    unknown = r.unknown(SCHEMA)  # the same check, and hint, as the terminal's own config file
    if unknown:
        raise unknown
    version = r.get("version", object, None)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise r.fail("version", "must be a positive integer")
    if applied_version is not None and version <= applied_version:
        raise r.fail("version", f"{version} is not newer than the applied version {applied_version}")
    offline = {key: r.get(f"offline.{key}", object, None) for key in OFFLINE_KEYS}
    receipt = {key: r.get(f"receipt.{key}", object, None) for key in RECEIPT_KEYS}
    hours = offline["max_age_hours"]
    if hours is not None and (not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= 168):
        raise r.fail("offline.max_age_hours", "must be a whole number of hours from 1 to 168")
    catalog = r.get("catalog_version", object, None)
    if catalog is not None and (not isinstance(catalog, str) or not 0 < len(catalog) <= 64):
        raise r.fail("catalog_version", "must be a short text")
    return RemoteSettings(version, _money(r, "offline.per_payment_cap", offline["per_payment_cap"], currency),
                          _money(r, "offline.total_cap", offline["total_cap"], currency), hours,
                          _text(r, "receipt.header", receipt["header"]), _text(r, "receipt.footer", receipt["footer"]),
                          catalog)


def settings_to_json(settings: RemoteSettings) -> str:
    """The stored form of accepted settings (amounts as decimal strings)."""
    out: dict[str, Any] = {"version": settings.version}
    for key, value in settings.__dict__.items():
        if key != "version" and value is not None:
            out[key] = value.amount_str() if isinstance(value, Money) else value
    return json.dumps(out, ensure_ascii=False, sort_keys=True)


def settings_from_json(text: str, currency: str) -> RemoteSettings:
    """Stored settings back as a value."""
    data = json.loads(text)
    amounts = {k: Money.parse(data[k], currency) for k in ("per_payment_cap", "total_cap") if k in data}
    return RemoteSettings(int(data["version"]), amounts.get("per_payment_cap"), amounts.get("total_cap"),
                          data.get("max_age_hours"), data.get("receipt_header"), data.get("receipt_footer"),
                          data.get("catalog_version"))
