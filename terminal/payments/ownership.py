"""Who owns an attempt: each process that pays or recovers holds DATA_DIR/locks/<owner>.lock for its lifetime.

An attempt whose owner's lock is not held belongs to a dead process (SIGKILL and power cuts release fcntl
locks), so recovery may claim it; a live kiosk's in-flight attempts are never taken.
"""
from __future__ import annotations

import fcntl
import os
import threading
import time
import uuid
from pathlib import Path

STALE_LOCK_S = 60.0   # an unheld lock file older than this, owning nothing, is removed
_lock = threading.Lock()
_owners: dict[Path, ProcessOwner] = {}


class ProcessOwner:
    """This process's owner token and the exclusive lock that proves it is alive."""

    def __init__(self, locks_dir: Path) -> None:
        locks_dir.mkdir(parents=True, exist_ok=True)
        self.locks_dir = locks_dir
        self.token = f"p{os.getpid()}-{uuid.uuid4().hex[:10]}"
        self._fd = os.open(locks_dir / f"{self.token}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)   # a brand-new file: nobody else holds it

    def alive(self, owner: str) -> bool:
        """True while the process of `owner` holds its lock (this process included)."""
        if owner == self.token:
            return True
        if not owner or "/" in owner or owner.startswith("."):
            return False   # attempts from before owners, or a token that is not a file name: nobody holds them
        try:
            fd = os.open(self.locks_dir / f"{owner}.lock", os.O_RDWR)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)   # closing releases a lock we may have taken: the file stays free
        return False

    def sweep(self, still_owning: set[str]) -> None:
        """Remove lock files of dead processes that own nothing any more (old enough not to be just created)."""
        for path in self.locks_dir.glob("*.lock"):
            owner = path.name[:-len(".lock")]
            try:
                old = time.time() - path.stat().st_mtime > STALE_LOCK_S
            except FileNotFoundError:
                continue
            if old and owner not in still_owning and not self.alive(owner):
                path.unlink(missing_ok=True)


def process_owner(data_dir: Path) -> ProcessOwner:
    """The one owner of this process for a data directory, created (and locked) on first use."""
    key = data_dir.resolve()
    with _lock:
        owner = _owners.get(key)
        if owner is None:
            owner = _owners[key] = ProcessOwner(key / "locks")
        return owner
