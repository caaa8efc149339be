"""The kiosk's one camera for the face screens: the terminal's frame feed, kept fresh by a pump when needed.

In `edgepos kiosk` the code-capture thread already reads the camera and publishes every frame into
`terminal.camera_feed`; when nothing has published for a while (no capture thread, or a file that
ended) the first screen that needs frames starts a frame pump (from `terminal.devices`) that opens the
configured camera once.
Screens `acquire()` on enter and `release()` on leave; workers `wait_frame()` for the next fresh frame.
"""
from __future__ import annotations

import threading
import time
from typing import Any

from terminal.app.bootstrap import Terminal
from terminal.app.technician import camera_configured
from terminal.scanning.capture import CameraFrame

STALE_S = 0.5  # no frame for this long: nobody else is reading the camera


class SharedCamera:
    """Numbered latest frames (with their arrival time) from the terminal's feed; thread-safe."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal, self.feed = terminal, terminal.camera_feed
        self._cond = threading.Condition()
        self._seq, self._latest, self._arrived = 0, None, 0.0  # type: int, CameraFrame | None, float
        self._users = 0
        self._pump_lock = threading.Lock()
        self._pump: Any = None
        self.feed.watch(self._on_frame)

    @property
    def configured(self) -> bool:
        """True when the config names a camera (a device, a video file or an image sequence)."""
        return camera_configured(self.terminal.config.devices)

    @property
    def error(self) -> str | None:
        """Why the camera gives no frames, when the pump could not open it."""
        return getattr(self._pump, "error", None)

    def _on_frame(self, frame: CameraFrame) -> None:
        with self._cond:
            self._seq += 1
            self._latest, self._arrived = frame, time.monotonic()
            self._cond.notify_all()

    def acquire(self) -> None:
        """A screen needs frames: start the pump unless someone already publishes fresh ones."""
        with self._cond:
            self._users += 1
        self.ensure_fresh()

    def ensure_fresh(self) -> None:
        """While a screen needs frames and nobody publishes any (the capture thread ended), open the camera."""
        with self._pump_lock:
            with self._cond:
                stale = self._users > 0 and time.monotonic() - self._arrived >= STALE_S
            broken = self._pump is not None and self._pump.error is not None   # said once, not retried
            if stale and self.configured and not broken and (self._pump is None or not self._pump.running):
                self._pump = self.terminal.devices.frame_pump(self.terminal.config.devices, self.feed)
                self._pump.start()

    def release(self) -> None:
        """A screen is done with frames: the last one out stops the pump (the capture thread goes on)."""
        with self._cond:
            self._users = max(0, self._users - 1)
            last = self._users == 0
        with self._pump_lock:
            if last and self._pump is not None:
                self._pump.stop()
                self._pump = None

    def wait_frame(self, after: int, timeout: float = 1.0) -> tuple[int, CameraFrame, float] | None:
        """The first frame numbered above `after`: (number, frame, arrival monotonic time), or None on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._seq <= after or self._latest is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            if self._seq > after and self._latest is not None:
                return self._seq, self._latest, self._arrived
        self.ensure_fresh()           # nothing came: the capture thread may have ended, read the camera here
        return None

    def close(self) -> None:
        """The app stops: stop the pump and stop watching the feed."""
        self.feed.unwatch(self._on_frame)
        with self._pump_lock:
            if self._pump is not None:
                self._pump.stop()
                self._pump = None
