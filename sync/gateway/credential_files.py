"""The merchant's credential files on the backend: each must exist, be readable, and (a secret) be 0600 or stricter.

Shared by every provider's credentials, so a bad file stops the gateway with the same one error naming it.
"""
from __future__ import annotations

import stat
from pathlib import Path

from terminal.errors import ConfigError


def check_file(path: Path, *, secret: bool) -> None:
    """A regular, readable file; a secret one not readable by group or others. Else ConfigError naming it."""
    try:
        mode = path.stat().st_mode
        with path.open("rb"):
            pass
    except OSError as err:
        raise ConfigError(f"{path}: cannot read it ({err.strerror or err})") from err
    if not stat.S_ISREG(mode):
        raise ConfigError(f"{path}: not a regular file")
    if secret and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"{path}: mode {stat.S_IMODE(mode):04o} lets others read a secret; "
                          f"it must be 0600 or stricter (chmod 600 {path})")


def read_secret(path: Path) -> str:
    """A secret file's text, once check_file(secret=True) passes; ConfigError naming it otherwise."""
    check_file(path, secret=True)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"{path}: cannot read it ({err.strerror or err})") from err
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not a text (PEM/JSON) file") from err
