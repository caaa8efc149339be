"""Enrolment capture in a worker thread: camera frames analysed for quality until enough good ones of one face."""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from terminal.errors import EdgeposError
from terminal.members.service import MIN_CAMERA_FRAMES
from ui.dispatch import run_on_ui
from ui.errors_text import error_text
from ui.face_services import FaceServices, preview_pixels, to_rgb
from ui.facepay.texts import face_hint
from ui.i18n import tr

SAME_FACE = 0.5  # every good frame is within this face distance of the first: one person, not two taking turns


def feedback(status: str, good: int, needed: int) -> str:
    """What the cashier and the customer read under the preview for one analysed frame."""
    count = tr._("{n}/{total} good frames").format(n=good, total=needed)
    return count if status == "ok" else f"{face_hint(status, tr._)} · {count}"


class EnrolCapture:
    """Reads frames until `needed` good ones of one face, then stores them; callbacks run on the UI thread.

    on_frame(pixels, text, good) per analysed frame; on_done(templates stored) or on_error(text) at the end.
    """

    def __init__(self, services: FaceServices, member_id: str, on_frame: Callable[[Any, str, int], None],
                 on_done: Callable[[int], None], on_error: Callable[[str], None],
                 needed: int = MIN_CAMERA_FRAMES) -> None:
        self.services, self.member_id, self.needed = services, member_id, needed
        self.on_frame, self.on_done, self.on_error = on_frame, on_done, on_error
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="edgepos-enrol", daemon=True)

    def start(self) -> None:
        """Start the capture thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop capturing (nothing is stored)."""
        self._stop.set()

    def _send(self, fn: Callable[..., None], *args: Any) -> None:
        run_on_ui(lambda: None if self._stop.is_set() else fn(*args))

    def _run(self) -> None:
        try:
            stored = self._capture()
        except EdgeposError as err:
            self._send(self.on_error, error_text(err, tr._))
            return
        if stored:
            self._send(self.on_done, stored)

    def _capture(self) -> int:
        if not self.services.camera.configured:
            raise EdgeposError(tr._("No camera is configured ([devices] camera)."))
        identifier = self.services.identifier()
        engine, members = identifier.engine, identifier.members
        good: list[Any] = []
        seq = 0
        while not self._stop.is_set() and len(good) < self.needed:
            got = self.services.camera.wait_frame(seq, timeout=1.0)
            if got is None:
                if self.services.camera.error:
                    raise EdgeposError(self.services.camera.error)
                continue
            seq, frame, _arrived = got
            analysis = engine.analyze(to_rgb(frame.image))
            status = analysis.status
            if analysis.ok:
                if good and float(np.linalg.norm(good[0] - analysis.encoding)) > SAME_FACE:
                    good, status = [], "other_face"
                else:
                    good.append(analysis.encoding)
            self._send(self.on_frame, preview_pixels(frame.image), feedback(status, len(good), self.needed),
                       len(good))
        if self._stop.is_set():
            return 0
        stored = int(members.enroll_templates(self.member_id, good))
        self.services.reload_gallery()
        return stored
