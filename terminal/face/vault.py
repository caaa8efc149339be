"""Face templates encrypted at rest: Fernet with a key file (mode 0600) kept apart from the database."""
from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import numpy as np
import numpy.typing as npt
from cryptography.fernet import Fernet, InvalidToken

from terminal.errors import FaceKeyError

TEMPLATE_SIZE = 128
_RESTORE = ("restore it from the backup of the data directory; if there is none, delete the members'"
            " face data (`edgepos members delete ID`, or withdraw their face consent) and enrol them again")


class FaceVault:
    """Encrypts and decrypts 128-float32 templates; the key is read on first use, so a cash sale never needs it."""

    def __init__(self, key_path: Path) -> None:
        self.key_path = key_path
        self._fernet: Fernet | None = None
        self._lock = threading.Lock()

    def encrypt(self, encoding: npt.ArrayLike, may_create: bool = True) -> bytes:
        """The Fernet token of one template; makes the key on first enrolment (only when `may_create`:
        with templates already stored, a missing key is an error, not a reason to start a new one)."""
        vector = np.asarray(encoding, dtype=np.float32).reshape(-1)
        if vector.shape != (TEMPLATE_SIZE,) or not np.isfinite(vector).all():
            raise ValueError(f"a face template is {TEMPLATE_SIZE} finite numbers, got shape {np.shape(encoding)}")
        return self._key(create=may_create).encrypt(vector.astype("<f4").tobytes())

    def decrypt(self, token: bytes, template_id: int | str = "?") -> npt.NDArray[np.float32]:
        """One template back; FaceKeyError when the key does not open it (never an empty or random vector)."""
        try:
            raw = self._key(create=False).decrypt(bytes(token))
        except InvalidToken:
            raise FaceKeyError(f"{self.key_path}: face template {template_id} cannot be decrypted with this key"
                               f" (the key was replaced or the template is damaged): {_RESTORE}") from None
        if len(raw) != TEMPLATE_SIZE * 4:
            raise FaceKeyError(f"face template {template_id} decrypts to {len(raw)} bytes, not {TEMPLATE_SIZE * 4}:"
                               " it is damaged; delete and re-enrol that member")
        return np.frombuffer(raw, dtype="<f4").astype(np.float32)

    def _key(self, create: bool) -> Fernet:
        with self._lock:
            if self._fernet is None:
                if create and not self.key_path.exists():
                    _write_new_key(self.key_path)
                self._fernet = self._load()
            return self._fernet

    def _load(self) -> Fernet:
        path = self.key_path
        try:
            mode = path.stat().st_mode
            text = path.read_bytes().strip()
        except FileNotFoundError:
            raise FaceKeyError(f"{path}: the face key is missing, so the enrolled faces cannot be read:"
                               f" {_RESTORE}") from None
        except OSError as err:
            raise FaceKeyError(f"{path}: the face key cannot be read ({err.strerror}): check the file's owner"
                               " and permissions (mode 0600, owned by the edgepos user)") from err
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise FaceKeyError(f"{path}: the face key is readable by other users (mode {stat.S_IMODE(mode):04o}):"
                               f" run `chmod 600 {path}`")
        try:
            return Fernet(text)
        except (ValueError, TypeError) as err:
            raise FaceKeyError(f"{path}: the face key is damaged ({err}): {_RESTORE}") from err


def _write_new_key(path: Path) -> None:
    """A fresh key, written aside and linked into place: never half-written, never replacing another one."""
    tmp = path.parent / f".{path.name}.{os.getpid()}.{threading.get_ident()}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(Fernet.generate_key() + b"\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made one meanwhile: use theirs
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as err:
        raise FaceKeyError(f"{path}: the face key cannot be created ({err.strerror or err}): free space on the disk"
                           f" holding {path.parent} (or make it writable for this user), then enrol again;"
                           " nothing was enrolled") from None
