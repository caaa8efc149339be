"""The face-pay worker thread: latest camera frame -> FacePaySession.frame -> the step and the preview to the UI."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from terminal.errors import EdgeposError
from terminal.face.pay import FacePayStep
from ui.dispatch import run_on_ui
from ui.errors_text import error_text
from ui.face_services import FaceServices, preview_pixels, to_rgb
from ui.i18n import tr

log = logging.getLogger(__name__)
Pixels = tuple[int, int, bytes]


class FacePayWorker:
    """One thread per face-pay: builds the session (loading the engine), then feeds it frames while it looks.

    `on_ready(session)`, `on_step(step)`, `on_preview(pixels)` and `on_error(text)` run on the UI thread.
    Only one preview waits for the UI at a time, so a slow frame never queues up work on the main thread.
    """

    def __init__(self, services: FaceServices, make_session: Callable[[Any], Any], on_ready: Callable[[Any], None],
                 on_step: Callable[[Any], None], on_preview: Callable[[Pixels], None],
                 on_error: Callable[[str], None]) -> None:
        self.services, self.make_session = services, make_session
        self.on_ready, self.on_step, self.on_preview, self.on_error = on_ready, on_step, on_preview, on_error
        self._stop = threading.Event()
        self._preview_pending = threading.Event()
        self._thread = threading.Thread(target=self._run, name="edgepos-facepay", daemon=True)

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to end (it ends after the frame in hand; nothing it sends afterwards is shown)."""
        self._stop.set()

    @property
    def stopped(self) -> bool:
        """True once stop() was called."""
        return self._stop.is_set()

    def _send(self, fn: Callable[..., None], *args: Any) -> None:
        if not self._stop.is_set():
            run_on_ui(lambda: None if self._stop.is_set() else fn(*args))

    def _show(self, pixels: Pixels) -> None:
        self._preview_pending.clear()
        if not self._stop.is_set():
            self.on_preview(pixels)

    def _run(self) -> None:
        if not self.services.camera.configured:
            self._send(self.on_error, tr._("No camera is configured ([devices] camera)."))
            return
        try:
            session = self.make_session(self.services.identifier())
        except (EdgeposError, RuntimeError) as err:
            self._send(self.on_error, error_text(err, tr._))
            return
        self._send(self.on_ready, session)
        seq = 0
        while not self._stop.is_set():
            got = self.services.camera.wait_frame(seq, timeout=1.0)
            if got is None:
                if self.services.camera.error:
                    self._send(self.on_error, self.services.camera.error)
                    return
                continue
            seq, frame, arrived = got
            if not self._preview_pending.is_set():
                self._preview_pending.set()
                pixels = preview_pixels(frame.image)
                run_on_ui(self._show, pixels)
            if session.step.stage not in (FacePayStep.IDENTIFY, FacePayStep.LIVENESS):
                continue
            before = session.step
            try:
                step = session.frame(to_rgb(frame.image), arrived)
            except EdgeposError as err:
                log.warning("face-pay frame: %s", err)
                continue
            if step != before:
                self._send(self.on_step, step)
