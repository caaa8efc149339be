"""What the face screens share per app: the camera, the face identifier (built once, lazily) and preview pixels."""
from __future__ import annotations

import threading
from typing import Any

from terminal.app.bootstrap import Terminal
from ui.camera_feed import SharedCamera


def preview_pixels(image: Any) -> tuple[int, int, bytes]:
    """Width, height and BGR bytes (top row first) of a camera image, for a texture flipped once at creation."""
    height, width = image.shape[:2]
    return int(width), int(height), image.tobytes()


def to_rgb(image: Any) -> Any:
    """The camera's BGR frame as the RGB array the face engine takes."""
    import cv2

    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


class FaceServices:
    """The shared camera and the face identifier of one kiosk; `identifier()` blocks: call it in a worker."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal
        self.camera = SharedCamera(terminal)
        self._identifier: Any = None
        self._engine: Any = None
        self._lock = threading.Lock()

    def identifier(self) -> Any:
        """The FaceIdentifier (engine with its models loaded, gallery read); built on the first call."""
        with self._lock:
            if self._identifier is None:
                if self.terminal.members is None:
                    raise RuntimeError("this terminal has no member service")
                self._engine = self.terminal.devices.face_engine()   # a process of its own: dlib holds the GIL
                identifier = self.terminal.devices.face_identifier(self.terminal.config, self.terminal.members,
                                                                  self._engine)
                identifier.gallery()            # read and decrypt the templates now, not at the first face
                self._identifier = identifier
            return self._identifier

    def reload_gallery(self) -> None:
        """After an enrolment or a deletion: the next identification reads the templates again."""
        with self._lock:
            if self._identifier is not None:
                self._identifier.reload()

    def close(self) -> None:
        """The app stops: the camera pump and the face engine's process end."""
        self.camera.close()
        if self._engine is not None:
            self._engine.close()
