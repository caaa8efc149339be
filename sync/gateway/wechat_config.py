"""A shop's WeChat Pay v2 credentials (wechatpay.json and the merchant's API certificate), checked at start."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from sync.gateway.credential_files import check_file, read_secret
from terminal.errors import ConfigError

PRODUCTION_URL = "https://api.mch.weixin.qq.com/"
REQUIRED = ("appid", "mch_id", "api_key", "cert", "key")


@dataclass(frozen=True)
class WechatCredentials:
    """What wechatpy needs; the API key and the key file stay on the backend."""

    appid: str
    mch_id: str
    api_key: str
    cert: Path
    key: Path
    api_base_url: str = PRODUCTION_URL
    ca_file: Path | None = None
    client_ip: str = "127.0.0.1"

    def __repr__(self) -> str:
        return f"WechatCredentials(appid={self.appid!r}, mch_id={self.mch_id!r}, api_base_url={self.api_base_url!r})"


def load_credentials(path: Path) -> WechatCredentials:
    """Read wechatpay.json (relative paths in it are relative to its folder); ConfigError names the bad file."""
    try:
        raw = json.loads(read_secret(path))
    except ValueError as err:
        raise ConfigError(f"{path}: not a JSON credentials file ({err})") from err
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: not a JSON object")
    lacking = [name for name in REQUIRED if not str(raw.get(name) or "").strip()]
    if lacking:
        raise ConfigError(f"{path}: missing {', '.join(lacking)}")

    def resolve(name: str) -> Path:
        return (path.parent / os.path.expanduser(str(raw[name]))).resolve()

    cert, key = resolve("cert"), resolve("key")
    check_file(cert, secret=False)
    check_file(key, secret=True)
    ca_file = resolve("ca_file") if raw.get("ca_file") else None
    if ca_file is not None:
        check_file(ca_file, secret=False)
    base = str(raw.get("api_base_url") or PRODUCTION_URL)
    if not base.startswith("https://"):
        raise ConfigError(f"{path}: api_base_url must be an https:// URL")
    return WechatCredentials(appid=str(raw["appid"]), mch_id=str(raw["mch_id"]), api_key=str(raw["api_key"]),
                             cert=cert, key=key, api_base_url=base if base.endswith("/") else f"{base}/",
                             ca_file=ca_file, client_ip=str(raw.get("client_ip") or "127.0.0.1"))
