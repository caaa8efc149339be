"""Blink liveness: the eye aspect ratio (EAR) over consecutive frames must go open -> closed -> open in time.

EAR (Soukupova and Cech, 2016) on dlib's 6 points per eye p1..p6: (|p2-p6| + |p3-p5|) / (2 |p1-p4|).
Open eyes measure 0.23-0.37 on the fixture faces (narrow eyes sit well below the textbook 0.3), closed
ones under 0.2. So "closed" is both absolute and relative to the person: EAR <= 0.21 *and* at least 25%
under their own open level (the median EAR of their last 5 frames with eyes not closed); "open again"
is back to 85% of that level. Landmark jitter on a still photo is a few hundredths: it never makes a
25% drop, and a photo's EAR is otherwise constant, so a photo held to the camera never blinks.
"""
from __future__ import annotations

import math
import statistics
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from terminal.face.policy import FaceRefusal
from terminal.face.types import Landmarks, Point


class LivenessStatus(StrEnum):
    """Where the blink check stands: still watching, a blink was seen, or it failed."""

    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"


def eye_aspect_ratio(eye: Sequence[Point]) -> float:
    """EAR of one eye from its 6 landmarks in dlib order (corner, top, top, corner, bottom, bottom)."""
    if len(eye) != 6:
        raise ValueError(f"an eye has 6 landmarks, got {len(eye)}")
    p1, p2, p3, p4, p5, p6 = eye
    width = math.dist(p1, p4)
    if width == 0:
        return 0.0
    return (math.dist(p2, p6) + math.dist(p3, p5)) / (2.0 * width)


def face_ear(landmarks: Landmarks) -> float | None:
    """Mean EAR of both eyes, or None when the landmarks have no usable eyes."""
    try:
        return (eye_aspect_ratio(landmarks["left_eye"]) + eye_aspect_ratio(landmarks["right_eye"])) / 2.0
    except (KeyError, ValueError):
        return None


def landmark_box(landmarks: Landmarks) -> tuple[float, float, float, float]:
    """Centre x, centre y, width, height of all landmark points."""
    xs = [p[0] for points in landmarks.values() for p in points]
    ys = [p[1] for points in landmarks.values() for p in points]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2, max(xs) - min(xs), max(ys) - min(ys)


@dataclass(frozen=True)
class LivenessResult:
    """Where the check stands after a frame; `reason` says why it failed (`refusal` as a code); `ear` is its EAR."""

    status: LivenessStatus
    reason: str = ""
    ear: float | None = None
    refusal: FaceRefusal | None = None


class BlinkDetector:
    """Fed (timestamp, landmarks or None) per frame; passes on one blink within `window_s` of the first frame.

    A face whose landmark box jumps between two seen frames (centre moved by more than `max_jump` of the
    face width, or size changed by more than that fraction) fails the check: a different face, or a photo
    swapped in, is not the face that was identified.
    """

    def __init__(self, window_s: float = 5.0, closed_ear: float = 0.21, min_drop: float = 0.25,
                 reopen_ratio: float = 0.85, min_closed_frames: int = 1, max_jump: float = 0.5) -> None:
        if not (window_s > 0 and closed_ear > 0 and 0 < min_drop < 1 and 1 - min_drop < reopen_ratio <= 1
                and min_closed_frames >= 1 and max_jump > 0):
            raise ValueError("need window_s > 0, closed_ear > 0, 0 < min_drop < 1, "
                             "1 - min_drop < reopen_ratio <= 1, min_closed_frames >= 1, max_jump > 0")
        self.window_s, self.closed_ear = window_s, closed_ear
        self.min_drop, self.reopen_ratio = min_drop, reopen_ratio
        self.min_closed_frames, self.max_jump = min_closed_frames, max_jump
        self._start: float | None = None
        self._last_t: float | None = None
        self._last_box: tuple[float, float, float, float] | None = None
        self._open: deque[float] = deque(maxlen=5)  # EARs of the latest frames with the eyes not closed
        self._closed_frames = 0
        self.result = LivenessResult(LivenessStatus.PENDING)

    def update(self, timestamp_s: float, landmarks: Landmarks | None) -> LivenessResult:
        """Take one frame (landmarks None when no face was found); returns the state after it."""
        if self.result.status is not LivenessStatus.PENDING:
            return self.result
        if self._last_t is not None and timestamp_s < self._last_t:
            raise ValueError("frames must come in time order")
        self._last_t = timestamp_s
        if self._start is None:
            self._start = timestamp_s
        if timestamp_s - self._start > self.window_s:
            return self._finish(LivenessStatus.FAILED, f"no blink within {self.window_s:g} s",
                                refusal=FaceRefusal.NO_BLINK)
        ear = face_ear(landmarks) if landmarks else None
        if landmarks is None or ear is None:
            return self.result
        if self._jumped(landmark_box(landmarks)):
            return self._finish(LivenessStatus.FAILED, "the face changed during the blink check", ear,
                                FaceRefusal.FACE_CHANGED)
        level = statistics.median(self._open) if self._open else None
        if level is not None and ear <= self.closed_ear and ear <= level * (1 - self.min_drop):
            self._closed_frames += 1
        else:
            if level is not None and ear >= level * self.reopen_ratio:
                if self._closed_frames >= self.min_closed_frames:
                    return self._finish(LivenessStatus.PASSED, "", ear)
                self._closed_frames = 0
            self._open.append(ear)
        self.result = LivenessResult(LivenessStatus.PENDING, "", ear)
        return self.result

    def _jumped(self, box: tuple[float, float, float, float]) -> bool:
        last, self._last_box = self._last_box, box
        if last is None or last[2] <= 0 or box[2] <= 0:
            return False
        moved = math.dist(box[:2], last[:2]) / last[2]
        resized = abs(box[2] - last[2]) / last[2]
        return moved > self.max_jump or resized > self.max_jump

    def _finish(self, status: LivenessStatus, reason: str, ear: float | None = None,
                refusal: FaceRefusal | None = None) -> LivenessResult:
        self.result = LivenessResult(status, reason, ear, refusal)
        return self.result
