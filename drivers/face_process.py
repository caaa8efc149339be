"""The face engine in a process of its own, behind the same FaceEngine port.

dlib holds Python's GIL while it computes (~130 ms for an encoding), so a face engine in a thread of the
kiosk's process stalls Kivy's main thread for as long (measured: 230 ms gaps). In a child process the
kiosk's threads only wait on a pipe, which releases the GIL. A frame crosses the pipe pickled (~1 MB for
640x480, ~1-2 ms); the models load once in the child. Calls are serialised by a lock (one child).
"""
from __future__ import annotations

import multiprocessing
import threading
from typing import Any

import numpy as np
import numpy.typing as npt

from terminal.face.types import FaceAnalysis, FaceEngineError, Landmarks

NICE = 10  # the face engine yields the CPU to the kiosk's UI


def _serve(conn: Any, options: dict[str, Any]) -> None:
    """The child: answer (method, image) requests until None or the pipe closes.

    It runs at a lower priority and with one BLAS thread: on a 2-core device the UI process gets the CPU
    first, and a face takes a little longer rather than the screen stuttering.
    """
    import os

    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    try:
        os.nice(NICE)
    except OSError:
        pass
    from drivers.face_engine import FaceRecognitionEngine

    engine = FaceRecognitionEngine(**options)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        method, image = request
        try:
            conn.send(("ok", getattr(engine, method)(image)))
        except Exception as err:  # noqa: BLE001 - every failure goes back to the caller as a FaceEngineError
            conn.send(("error", str(err)))


class ProcessFaceEngine:
    """FaceRecognitionEngine run in a child process (started on first use, restarted if it died)."""

    def __init__(self, **options: Any) -> None:
        self.options = options
        self._lock = threading.Lock()
        self._conn: Any = None
        self._proc: Any = None

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")  # no fork of a process with a GL window and threads
        parent, child = context.Pipe()
        self._proc = context.Process(target=_serve, args=(child, self.options), name="edgepos-face-engine",
                                     daemon=True)
        self._proc.start()
        child.close()
        self._conn = parent

    def _call(self, method: str, image: npt.NDArray[np.uint8]) -> Any:
        with self._lock:
            if self._proc is None or not self._proc.is_alive():
                self._start()
            try:
                self._conn.send((method, image))
                status, value = self._conn.recv()
            except (EOFError, OSError, BrokenPipeError) as err:
                self._stop_child()
                raise FaceEngineError(f"the face engine process stopped: {err!r}") from err
        if status == "error":
            raise FaceEngineError(value)
        return value

    def analyze(self, image: npt.NDArray[np.uint8]) -> FaceAnalysis:
        """As FaceRecognitionEngine.analyze, computed in the child process."""
        result: FaceAnalysis = self._call("analyze", image)
        return result

    def landmarks(self, image: npt.NDArray[np.uint8]) -> Landmarks | None:
        """As FaceRecognitionEngine.landmarks, computed in the child process."""
        result: Landmarks | None = self._call("landmarks", image)
        return result

    def _stop_child(self) -> None:
        if self._conn is not None:
            try:
                self._conn.send(None)
            except (OSError, BrokenPipeError):
                pass
            self._conn.close()
            self._conn = None
        if self._proc is not None:
            self._proc.join(2)
            if self._proc.is_alive():
                self._proc.terminate()
            self._proc = None

    def close(self) -> None:
        """Stop the child process."""
        with self._lock:
            self._stop_child()
