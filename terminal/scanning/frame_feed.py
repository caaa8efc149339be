"""The camera's latest frame, shared between the capture thread (which reads) and any preview (which shows)."""
from __future__ import annotations

import threading
from collections.abc import Callable

from terminal.scanning.capture import CameraFrame

FrameHandler = Callable[[CameraFrame], None]


class FrameFeed:
    """Thread-safe: `publish` from the capture thread; watchers are called on that thread, so they must be quick."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latest: CameraFrame | None = None
        self._watchers: list[FrameHandler] = []

    def publish(self, frame: CameraFrame) -> None:
        """A new frame: keep it and hand it to every watcher (a failing watcher is dropped)."""
        with self._lock:
            self._latest = frame
            watchers = list(self._watchers)
        for watcher in watchers:
            try:
                watcher(frame)
            except Exception:  # noqa: BLE001 - a broken preview must never stop the capture thread
                self.unwatch(watcher)

    def latest(self) -> CameraFrame | None:
        """The last frame published, if any."""
        with self._lock:
            return self._latest

    def watch(self, handler: FrameHandler) -> None:
        """Call handler(frame) for each new frame until unwatch."""
        with self._lock:
            if handler not in self._watchers:
                self._watchers.append(handler)

    def unwatch(self, handler: FrameHandler) -> None:
        """Stop calling handler (nothing happens when it was not watching)."""
        with self._lock:
            if handler in self._watchers:
                self._watchers.remove(handler)

    @property
    def watched(self) -> bool:
        """True while some preview watches the feed."""
        with self._lock:
            return bool(self._watchers)
