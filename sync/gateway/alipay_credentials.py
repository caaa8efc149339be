"""The merchant's Alipay credentials on the backend: alipay.json and the PEM files it names, each checked
(mode 0600 or stricter, readable, parseable) so a bad one stops the gateway with one error naming the file.

alipay.json: {"app_id", "app_private_key" (PEM path), "alipay_public_key" (PEM path),
"gateway" (default https://openapi.alipay.com/gateway.do), "sign_type" (RSA2)}; relative paths are relative
to the JSON file.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sync.gateway.credential_files import read_secret
from terminal.errors import ConfigError

PRODUCTION_GATEWAY = "https://openapi.alipay.com/gateway.do"


@dataclass(frozen=True)
class AlipayCredentials:
    """What the SDK is built from; the key texts are never logged or sent anywhere."""

    app_id: str
    app_private_key: str = ""
    alipay_public_key: str = ""
    gateway: str = PRODUCTION_GATEWAY

    def __repr__(self) -> str:
        return f"AlipayCredentials(app_id={self.app_id!r}, gateway={self.gateway!r})"


def load_credentials(path: Path) -> AlipayCredentials:
    """alipay.json and its key files, checked; one ConfigError naming the first bad file."""
    path = Path(path)
    try:
        data = json.loads(read_secret(path))
    except ValueError as err:
        raise ConfigError(f"{path}: not valid JSON ({err})") from err
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a JSON object with app_id, app_private_key, alipay_public_key")
    missing = [k for k in ("app_id", "app_private_key", "alipay_public_key") if not data.get(k)]
    if missing:
        raise ConfigError(f"{path}: missing {', '.join(missing)}")
    if str(data.get("sign_type", "RSA2")) != "RSA2":
        raise ConfigError(f"{path}: sign_type must be RSA2")
    keys = {}
    for name in ("app_private_key", "alipay_public_key"):
        key_path = Path(str(data[name]))
        key_path = key_path if key_path.is_absolute() else path.parent / key_path
        keys[name] = read_secret(key_path)
        _check_pem(key_path, keys[name], private=name == "app_private_key")
    return AlipayCredentials(str(data["app_id"]), keys["app_private_key"], keys["alipay_public_key"],
                             str(data.get("gateway") or PRODUCTION_GATEWAY))


def _check_pem(path: Path, text: str, private: bool) -> None:
    from cryptography.hazmat.primitives import serialization
    try:
        if private:
            serialization.load_pem_private_key(text.encode("ascii"), password=None)
        else:
            serialization.load_pem_public_key(text.encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError) as err:
        kind = "an RSA private key" if private else "an RSA public key"
        raise ConfigError(f"{path}: not {kind} in PEM form") from err
