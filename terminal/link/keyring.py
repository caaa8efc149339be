"""Keys this terminal signed with before: kept aside so events signed with them can be verified and re-signed."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from terminal.errors import ConfigError


def fingerprint(secret: bytes) -> str:
    """A short name for a key that does not reveal it."""
    return hashlib.sha256(b"edgepos-key-id:" + secret).hexdigest()[:12]


def _read(path: Path) -> bytes:
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: not a terminal key file ({err})") from err


def retire_current_key(keys_dir: Path) -> str | None:
    """Copy keys/terminal.key into keys/retired/ (0600) when the backend says it is not its key; its fingerprint."""
    current = keys_dir / "terminal.key"
    if not current.exists():
        return None
    secret = _read(current)
    retired = keys_dir / "retired"
    retired.mkdir(mode=0o700, exist_ok=True)
    target = retired / f"{fingerprint(secret)}.key"
    if not target.exists():
        tmp = retired / f".{target.name}.{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secret.hex())
        os.replace(tmp, target)
    return fingerprint(secret)


def retired_keys(keys_dir: Path, extra: list[Path] | None = None) -> list[bytes]:
    """Every retired key, then the key files named on the command line (`--old-key`)."""
    retired = keys_dir / "retired"
    paths = sorted(retired.glob("*.key")) if retired.is_dir() else []
    return [_read(path) for path in [*paths, *(extra or [])]]
