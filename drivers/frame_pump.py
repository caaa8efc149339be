"""A camera read in a thread, each frame published to a FrameFeed; a file or image sequence loops, paced at its fps."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from terminal.errors import CameraError, EndOfStream
from terminal.ports import Camera
from terminal.scanning.frame_feed import FrameFeed

log = logging.getLogger(__name__)


class FramePump:
    """Opens the camera once and keeps the feed's latest frame fresh until stopped; errors go to on_error."""

    def __init__(self, open_camera: Callable[[], Camera], feed: FrameFeed, fps: float = 15.0,
                 loop: bool = True, on_error: Callable[[str], None] | None = None) -> None:
        self.open_camera, self.feed, self.fps, self.loop = open_camera, feed, fps, loop
        self.on_error = on_error
        self.error: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        """True while the reading thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start reading (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="edgepos-frame-pump", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop reading and release the camera."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self) -> None:
        camera: Camera | None = None
        try:
            camera = self.open_camera()
            period = 1.0 / self.fps if self.fps > 0 else 0.0
            due = time.monotonic()
            while not self._stop.is_set():
                try:
                    frame = camera.read()
                except EndOfStream:
                    if not self.loop:
                        return
                    camera.close()        # an image sequence or video: start it again
                    continue
                self.feed.publish(frame)
                due = max(due + period, time.monotonic() - period)
                self._stop.wait(max(0.0, due - time.monotonic()))
        except CameraError as err:
            self.error = str(err)
            log.warning("camera: %s", err)
            if self.on_error is not None:
                self.on_error(self.error)
        finally:
            if camera is not None:
                camera.close()
