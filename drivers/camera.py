"""OpenCV camera: a V4L2 device index, a video file or an image sequence (frame-%05d.png), as CameraFrames."""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import cv2

from terminal.errors import CameraError, EndOfStream
from terminal.scanning.capture import CameraFrame

__all__ = ["CameraError", "EndOfStream", "OpenCvCamera"]


class OpenCvCamera:
    """Frames from cv2.VideoCapture; a device gets width x height requested, files are read as they are."""

    def __init__(self, source: int | str, width: int = 640, height: int = 480, fps: float = 15.0,
                 retries: int = 10) -> None:
        self.source = int(source) if isinstance(source, str) and source.isdigit() else source
        self.width, self.height, self.fps, self.retries = width, height, fps, retries
        self._cap: cv2.VideoCapture | None = None
        self._index = 0

    @property
    def is_device(self) -> bool:
        """True for a live device (an index or /dev/videoN), False for a file or image sequence."""
        return isinstance(self.source, int) or str(self.source).startswith("/dev/")

    def open(self) -> None:
        """Open the source, or raise CameraError saying what to check."""
        if self._cap is not None:
            return
        if not self.is_device and "%" not in str(self.source) and not Path(str(self.source)).exists():
            raise CameraError(f"camera source {self.source} does not exist: check the camera path in the config")
        cap = cv2.VideoCapture(self.source)
        if not cap.isOpened():
            cap.release()
            raise CameraError(f"cannot open camera {self.source}: is it plugged in, and not used by another program?")
        if self.is_device:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        self._cap, self._index = cap, 0

    def read(self) -> CameraFrame:
        """The next frame; EndOfStream at the end of a file, CameraError when a device stops giving frames."""
        self.open()
        assert self._cap is not None
        for _ in range(self.retries if self.is_device else 1):
            ok, image = self._cap.read()
            if ok and image is not None:
                self._index += 1
                return CameraFrame(image, self._timestamp(), self._index - 1)
            if self.is_device:
                time.sleep(0.05)
        if not self.is_device:
            raise EndOfStream(f"{self.source}: no more frames after {self._index}")
        raise CameraError(f"camera {self.source} stopped giving frames: check the cable, then restart the camera")

    def _timestamp(self) -> float:
        if self.is_device:
            return time.monotonic()
        assert self._cap is not None
        msec = float(self._cap.get(cv2.CAP_PROP_POS_MSEC))
        # image sequences report no time: derive it from the frame number at the nominal rate
        return msec / 1000.0 if msec > 0 else (self._index - 1) / self.fps

    def frames(self) -> Iterator[CameraFrame]:
        """Frames until the end of a file (a device raises CameraError instead of ending)."""
        try:
            while True:
                yield self.read()
        except EndOfStream:
            return

    def close(self) -> None:
        """Release the device or file."""
        if self._cap is not None:
            self._cap.release()
            self._cap = None

    def __enter__(self) -> OpenCvCamera:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
