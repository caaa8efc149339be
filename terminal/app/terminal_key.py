"""The terminal's signing secret, DATA_DIR/keys/terminal.key: read, or made once and linked into place."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from terminal.errors import ConfigError, StoreError


def load_secret(data_dir: Path) -> bytes:
    """The terminal's signing secret from `keys/terminal.key` (mode 0600), created on first use."""
    keys = data_dir / "keys"
    path = keys / "terminal.key"
    if not path.exists():
        _write_new_secret(keys, path)
    try:
        secret = bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError) as err:
        raise ConfigError(f"{path}: the terminal key cannot be read ({err}); restore it from backup") from err
    if len(secret) < 16:
        raise ConfigError(f"{path}: the terminal key is too short; delete it to make a new one")
    return secret


def _write_new_secret(keys: Path, path: Path) -> None:
    """A fresh key, written aside and linked into place; on any failure the aside file goes too."""
    tmp = keys / f".terminal.key.{os.getpid()}"   # so a crash never leaves a half-written key behind
    try:
        keys.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
                handle.flush()
                os.fsync(handle.fileno())
            os.link(tmp, path)  # unlike rename, never replaces a key another process made meanwhile
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as err:
        raise StoreError(f"{path}: the terminal key cannot be created ({err.strerror or err}): free space on the"
                         f" disk holding {keys} (or make it writable for this user), then start again") from None
