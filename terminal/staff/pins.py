"""PINs are kept only as salted scrypt hashes (hashlib, no extra dependency) and compared in constant time."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os

from terminal.errors import StaffError

# scrypt's interactive-login cost (16 MiB, ~50 ms here): slow for a thief with the database, quick at the till.
N, R, P = 2 ** 14, 8, 1
MIN_DIGITS, MAX_DIGITS = 4, 8


def check_pin_format(pin: str) -> None:
    """Refuse a PIN that is not 4 to 8 digits."""
    if not (pin.isascii() and pin.isdigit() and MIN_DIGITS <= len(pin) <= MAX_DIGITS):
        raise StaffError.text("a PIN is {low} to {high} digits", low=MIN_DIGITS, high=MAX_DIGITS)


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def hash_pin(pin: str) -> str:
    """The stored form of a PIN: scrypt$N$r$p$salt$hash."""
    check_pin_format(pin)
    salt = os.urandom(16)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(_derive(pin, salt, N, R, P))}"


def verify_pin(pin: str, stored: str) -> bool:
    """True when `pin` is the PIN `stored` was made from."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        derived = _derive(pin, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(derived, base64.b64decode(digest))
