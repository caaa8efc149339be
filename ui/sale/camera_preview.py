"""A live camera preview with a framing guide: frames converted on the capture thread, shown on the main thread."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, NumericProperty
from kivy.uix.image import Image

from terminal.scanning.capture import CameraFrame
from terminal.scanning.frame_feed import FrameFeed
from ui.common import load_kv
from ui.dispatch import run_on_ui


def frame_pixels(image: Any) -> tuple[int, int, bytes]:
    """Width, height and bottom-up BGR bytes of a camera image (numpy H x W x 3), as a Kivy texture wants them."""
    height, width = image.shape[:2]
    return int(width), int(height), image[::-1].tobytes()


class CameraPreview(Image):
    """Shows the feed's frames while started; at most one frame waits for the main thread (others are dropped)."""

    live = BooleanProperty(False)
    frames_shown = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        load_kv(Path(__file__).with_name("camera_preview.kv"))
        super().__init__(**kwargs)
        self.feed: FrameFeed | None = None
        self._waiting = threading.Event()   # a converted frame is on its way to the main thread

    def start(self, feed: FrameFeed) -> None:
        """Watch the feed (main thread)."""
        self.stop()
        self.feed = feed
        feed.watch(self._on_frame)
        self.live = True

    def stop(self) -> None:
        """Stop watching (main thread); the last frame stays on screen."""
        if self.feed is not None:
            self.feed.unwatch(self._on_frame)
        self.feed, self.live = None, False
        self._waiting.clear()

    def _on_frame(self, frame: CameraFrame) -> None:
        """On the capture thread: convert the frame unless one is still waiting, and hand it over."""
        if self._waiting.is_set():
            return
        self._waiting.set()
        run_on_ui(self._show, frame_pixels(frame.image))

    def _show(self, pixels: tuple[int, int, bytes]) -> None:
        self._waiting.clear()
        if not self.live:
            return
        width, height, data = pixels
        texture = self.texture
        if texture is None or tuple(texture.size) != (width, height):
            texture = Texture.create(size=(width, height), colorfmt="rgb")
        texture.blit_buffer(data, colorfmt="bgr", bufferfmt="ubyte")
        self.texture = texture
        self.canvas.ask_update()
        self.frames_shown += 1
