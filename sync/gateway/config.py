"""The gateway's configuration (DEPLOY/gateway.toml) and the providers it builds from the credential files.

    notify_host = "127.0.0.1"          # where the notification endpoint listens
    notify_port = 8090
    notify_base_url = "https://pay.example.com"   # what the providers are told: BASE/notify/alipay, .../wechat
    qr_provider = "alipay"             # who makes the merchant QR when both are configured
    timeout_s = 8.0                    # one provider HTTP call
    reverse_window_s = 8.0             # a reverse the provider asks to repeat is repeated within this
    watch_interval_s = 5.0             # a reversed trade is queried this often...
    watch_window_s = 300.0             # ...for this long (a late success is then told to its terminal)
    workers = 32                       # requests handled at once (provider calls block)
    subject = "edgepos"                # the order title the customer sees in the wallet
    [alipay]
    credentials = "alipay.json"        # relative paths are relative to this file
    [wechat]
    credentials = "wechatpay.json"
Credential files are the providers' own (see sync/gateway/alipay.py, wechat.py); their keys are never logged.
"""
from __future__ import annotations

import importlib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sync.gateway.provider import Provider, ProviderName
from terminal.errors import ConfigError

CONFIG_FILE = "gateway.toml"
ADAPTERS = {ProviderName.ALIPAY: ("sync.gateway.alipay", "AlipayProvider"),
            ProviderName.WECHAT: ("sync.gateway.wechat", "WechatProvider")}
_NUMBERS = {"notify_port": int, "timeout_s": float, "reverse_window_s": float, "watch_interval_s": float,
            "watch_window_s": float, "workers": int}


@dataclass(frozen=True)
class GatewayConfig:
    """What gateway.toml says; `credentials` maps each configured provider to its credential file."""

    path: Path
    notify_host: str = "127.0.0.1"
    notify_port: int = 8090
    notify_base_url: str = "http://127.0.0.1:8090"
    qr_provider: ProviderName | None = None
    timeout_s: float = 8.0
    reverse_window_s: float = 8.0
    watch_interval_s: float = 5.0
    watch_window_s: float = 300.0
    workers: int = 32
    subject: str = "edgepos"
    credentials: dict[ProviderName, Path] = field(default_factory=dict)

    def notify_url(self, provider: ProviderName) -> str:
        """The notification URL a provider is given."""
        return f"{self.notify_base_url.rstrip('/')}/notify/{provider}"


def load_gateway_config(path: Path) -> GatewayConfig:
    """The checked config of a gateway.toml; ConfigError naming the file and the key otherwise."""
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"gateway config {path} cannot be read: {err.strerror}") from err
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"gateway config {path} is not valid TOML: {err}") from err
    values: dict[str, Any] = {}
    for key, kind in _NUMBERS.items():
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ConfigError(f"gateway config {path}: {key} must be a positive number, got {value!r}")
            values[key] = kind(value)
    for key in ("notify_host", "notify_base_url", "subject"):
        if key in data:
            if not isinstance(data[key], str) or not data[key]:
                raise ConfigError(f"gateway config {path}: {key} must be a non-empty string")
            values[key] = data[key]
    credentials: dict[ProviderName, Path] = {}
    for name in ProviderName:
        table = data.get(str(name))
        if table is None:
            continue
        if not isinstance(table, dict) or not isinstance(table.get("credentials"), str):
            raise ConfigError(f"gateway config {path}: [{name}] needs credentials = \"PATH\" (its credential file)")
        credentials[name] = (path.parent / os.path.expanduser(table["credentials"])).resolve()
    if not credentials:
        raise ConfigError(f"gateway config {path}: configure at least one provider ([alipay] or [wechat] with "
                          "credentials = \"PATH\")")
    qr = data.get("qr_provider", next(iter(credentials)))
    if qr not in credentials:
        raise ConfigError(f"gateway config {path}: qr_provider {qr!r} is not one of the configured providers "
                          f"({', '.join(credentials)})")
    return GatewayConfig(path=path, qr_provider=ProviderName(qr), credentials=credentials, **values)


def build_providers(config: GatewayConfig) -> dict[ProviderName, Provider]:
    """Every configured provider from its credential file; the first unusable file stops with a ConfigError."""
    providers: dict[ProviderName, Provider] = {}
    for name, path in config.credentials.items():
        if not os.access(path, os.R_OK):
            why = "does not exist" if not path.exists() else "is not readable by this user"
            raise ConfigError(f"{name} credentials {path} {why}: the gateway cannot start without them")
        module_name, class_name = ADAPTERS[name]
        try:
            adapter: Any = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError) as err:
            raise ConfigError(f"the {name} adapter ({module_name}) is not installed: {err}") from err
        providers[name] = adapter.from_file(path, config.notify_url(name), config.timeout_s)
    return providers
