"""FaceEngine on face_recognition (dlib): HOG detection on a downscaled frame, 68 landmarks, 128-d encoding.

Blocking and CPU-bound (~0.13 s a frame with a face, ~0.03 s for landmarks only): the caller runs it in
a worker thread, never on the UI thread. dlib calls are serialised by one lock (the models are shared
by the process). face_recognition is imported on first use, so importing this module is cheap.

Choices (measured with bench/face.py on a 2-core x86 box, 640x480 frames):
- detection: HOG without upsampling on a copy whose longer side is 320 px (~7 ms). dlib's HOG finds
  faces from ~80 px at the scale it scans, i.e. ~145 px in a 640x480 frame. A second pass follows only
  when needed: at up to 640 px (~28 ms, faces from ~72 px) when the first found nothing, so a customer
  too far back hears "come closer" rather than "no face"; or, just fine enough to see any face that the
  largest would not dominate (e.g. ~400 px, ~10 ms, for a 190 px face), so "several faces" is not
  missed because a second face was too small for the first pass.
- the 68-point landmark model ("large"): the eyes' 6 points each are what the blink check needs, and
  the same shape aligns the face for the encoder (the 5-point model aligns the same way; encodings
  differ by ~0.01), so one predictor pass serves both. Encodings are made at full resolution.
- several faces: the largest (by area inside the frame) is taken only if at least twice the next.
- a face box lying more than 15% outside the frame (by area) is "partial_face": half a face still
  encodes close to its owner (obama_partial_face.jpg is at 0.2 from obama.jpg), so it must not be
  identified, and "come closer" would be the wrong advice. Size is checked first: min 80 px tall.
- blur: variance of the Laplacian of the face resized to 150 px (the encoder's chip size), refused
  below 20 (sharp fixture faces score 86-380; a Gaussian blur of sigma 2 at that size scores ~10 and
  moves the encoding by ~0.25).
"""
from __future__ import annotations

import itertools
import math
import threading
import time
import warnings
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from terminal.face.images import DEFAULT_MAX_IMAGE_PIXELS, ImageTooLarge, check_pixels
from terminal.face.types import REASONS, Box, FaceAnalysis, FaceEngineError, FaceStatus, Landmarks

_HOG_MIN_PX = 80  # dlib's HOG window: the smallest face box it reports, in pixels of the image it scans
_Raw = tuple[float, float, float, float]  # top, right, bottom, left, full-res, not clipped
_GROUPS = {"chin": range(17), "left_eyebrow": range(17, 22), "right_eyebrow": range(22, 27),
           "nose_bridge": range(27, 31), "nose_tip": range(31, 36), "left_eye": range(36, 42),
           "right_eye": range(42, 48), "top_lip": (48, 49, 50, 51, 52, 53, 54, 64, 63, 62, 61, 60),
           "bottom_lip": (54, 55, 56, 57, 58, 59, 48, 60, 67, 66, 65, 64)}  # face_recognition's names
_models_lock = threading.Lock()
_models: tuple[Any, Any, Any, Any] | None = None
_dlib_lock = threading.Lock()  # the detector, predictor and network are process-wide and keep scratch state


def _load_models() -> tuple[Any, Any, Any, Any]:
    """dlib, and face_recognition's detector, 68-point predictor and encoder (loaded once per process)."""
    global _models
    with _models_lock:
        if _models is None:
            try:
                # face_recognition calls quit() when this import fails: import it first to get the error;
                # its pkg_resources deprecation warning is for its authors, not for the cashier's console
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    import face_recognition_models  # type: ignore[import-untyped, unused-ignore]  # noqa: F401
                import dlib  # type: ignore[import-untyped, unused-ignore]
                from face_recognition import api  # type: ignore[import-untyped, unused-ignore]
            except (ImportError, SystemExit) as err:
                raise FaceEngineError("the face engine needs face_recognition, face_recognition_models and dlib "
                                      "(and setuptools<81 for pkg_resources): reinstall with `make run`; "
                                      f"import failed: {err!r}") from err
            _models = (dlib, api.face_detector, api.pose_predictor_68_point, api.face_encoder)
        return _models


def build_flags() -> dict[str, bool]:
    """How dlib was built: without BLAS its encoder (the slowest stage) runs several times slower."""
    dlib = _load_models()[0]
    return {"dlib_blas": bool(getattr(dlib, "DLIB_USE_BLAS", False)),
            "dlib_avx": bool(getattr(dlib, "USE_AVX_INSTRUCTIONS", False))}


def _dlib(call: Any, *args: Any) -> Any:
    """Run one dlib call under the lock; its errors (RuntimeError) become FaceEngineError."""
    with _dlib_lock:
        try:
            return call(*args)
        except RuntimeError as err:
            raise FaceEngineError(f"the face engine failed on this frame: {err}") from err


def _scale_back(rect: Any, scale: float) -> _Raw:
    return rect.top() / scale, rect.right() / scale, rect.bottom() / scale, rect.left() / scale


def _area(raw: _Raw) -> float:
    return max(0.0, raw[1] - raw[3]) * max(0.0, raw[2] - raw[0])


def _clip(raw: _Raw, height: int, width: int) -> Box:
    # int(): numpy 1.x rounds its own floats to floats
    top, right, bottom, left = (int(round(v)) for v in raw)  # noqa: RUF046
    return max(top, 0), min(right, width), min(bottom, height), max(left, 0)


class FaceRecognitionEngine:
    """The FaceEngine port on face_recognition; `last_timings` holds the stage times (ms) of the last call."""

    def __init__(self, detect_long_side: int = 320, fallback_long_side: int | None = 640, min_face_px: int = 80,
                 max_outside: float = 0.15, min_blur: float = 20.0, dominance: float = 2.0,
                 num_jitters: int = 1, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> None:
        if detect_long_side < 80 or min_face_px < 1 or not 0 <= max_outside < 1 or num_jitters < 1:
            raise ValueError("detect_long_side >= 80, min_face_px >= 1, 0 <= max_outside < 1, num_jitters >= 1")
        self.detect_long_side, self.fallback_long_side = detect_long_side, fallback_long_side
        self.min_face_px, self.max_outside, self.min_blur = min_face_px, max_outside, min_blur
        self.dominance, self.num_jitters, self.max_pixels = dominance, num_jitters, max_pixels
        self.last_timings: dict[str, float] = {}

    def analyze(self, image: npt.NDArray[np.uint8]) -> FaceAnalysis:
        """The one usable face with its 128-d encoding, or a status and reason saying why there is none."""
        frame = self._check(image)
        dlib, _, predictor, encoder = _load_models()
        ticks = [time.perf_counter()]
        status, raw = self._choose(frame)
        ticks.append(time.perf_counter())
        self.last_timings = {"detect_ms": (ticks[1] - ticks[0]) * 1000}
        if raw is None:
            return FaceAnalysis(status, REASONS[status])
        height, width = frame.shape[:2]
        box, face_px = _clip(raw, height, width), int(round(raw[2] - raw[0]))  # noqa: RUF046 - numpy 1.x
        if status != "ok":
            return FaceAnalysis(status, REASONS[status], box=box, face_px=face_px)
        shape = _dlib(predictor, frame, dlib.rectangle(box[3], box[0], box[1], box[2]))
        ticks.append(time.perf_counter())
        blur = self._sharpness(frame, box)
        ticks.append(time.perf_counter())
        if blur < self.min_blur:
            return FaceAnalysis("blurred", REASONS["blurred"], None, box, self._group(shape), blur, face_px)
        encoding = np.asarray(_dlib(encoder.compute_face_descriptor, frame, shape, self.num_jitters), np.float32)
        ticks.append(time.perf_counter())
        encoding.setflags(write=False)
        ms = [(b - a) * 1000 for a, b in itertools.pairwise(ticks)]
        self.last_timings = {"detect_ms": ms[0], "landmarks_ms": ms[1], "blur_ms": ms[2], "encode_ms": ms[3]}
        return FaceAnalysis("ok", REASONS["ok"], encoding, box, self._group(shape), blur, face_px)

    def landmarks(self, image: npt.NDArray[np.uint8]) -> Landmarks | None:
        """The chosen face's 68 landmarks (no quality checks but size, no encoding); None when no face."""
        frame = self._check(image)
        dlib, _, predictor, _ = _load_models()
        status, raw = self._choose(frame)
        if raw is None or status == "face_too_small":
            return None
        top, right, bottom, left = _clip(raw, *frame.shape[:2])
        return self._group(_dlib(predictor, frame, dlib.rectangle(left, top, right, bottom)))

    def _check(self, image: Any) -> npt.NDArray[np.uint8]:
        if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
            raise FaceEngineError(f"the face engine takes an RGB uint8 image (H x W x 3), got "
                                  f"{getattr(image, 'shape', type(image).__name__)} {getattr(image, 'dtype', '')}")
        try:
            check_pixels(image.shape[1], image.shape[0], self.max_pixels, "the frame")
        except ImageTooLarge as err:
            raise FaceEngineError(str(err)) from None
        return np.ascontiguousarray(image)

    def _detect(self, frame: npt.NDArray[np.uint8]) -> list[_Raw]:
        """Face boxes in full-res pixels, unclipped: a small pass, then a finer one if it may have missed one."""
        longer = max(frame.shape[:2])
        side = min(self.detect_long_side, longer)
        faces = self._pass(frame, side)
        if not faces:
            finer = min(self.fallback_long_side or 0, longer)
            return self._pass(frame, finer) if finer > side else faces
        # A face not dominated by the largest is at least largest/sqrt(dominance) tall; this pass sees faces
        # from _HOG_MIN_PX at its scale. If such a face could be below that, look again just fine enough.
        tallest = max(f[2] - f[0] for f in faces)
        needed = math.ceil(_HOG_MIN_PX * math.sqrt(self.dominance) * longer / max(tallest, 1.0))
        return self._pass(frame, min(needed, longer)) if needed > side and side < longer else faces

    def _pass(self, frame: npt.NDArray[np.uint8], side: int) -> list[_Raw]:
        _, detector, _, _ = _load_models()
        height, width = frame.shape[:2]
        scale = side / max(height, width)
        small = frame if scale == 1 else cv2.resize(
            frame, (max(1, round(width * scale)), max(1, round(height * scale))), interpolation=cv2.INTER_AREA)
        return [_scale_back(r, scale) for r in _dlib(detector, small, 0)]

    def _choose(self, frame: npt.NDArray[np.uint8]) -> tuple[FaceStatus, _Raw | None]:
        """The status of the frame and the chosen face's unclipped box (None for no_face / multiple_faces)."""
        height, width = frame.shape[:2]
        faces = self._detect(frame)
        if not faces:
            return "no_face", None
        visible = sorted(((_area(self._visible(f, height, width)), f) for f in faces), reverse=True)
        if len(visible) > 1 and visible[0][0] < self.dominance * visible[1][0]:
            return "multiple_faces", None
        shown, raw = visible[0]
        if raw[2] - raw[0] < self.min_face_px:
            return "face_too_small", raw
        if _area(raw) > 0 and 1 - shown / _area(raw) > self.max_outside:
            return "partial_face", raw
        return "ok", raw

    @staticmethod
    def _visible(raw: _Raw, height: int, width: int) -> _Raw:
        return max(raw[0], 0), min(raw[1], width), min(raw[2], height), max(raw[3], 0)

    @staticmethod
    def _sharpness(frame: npt.NDArray[np.uint8], box: Box) -> float:
        top, right, bottom, left = box
        if bottom <= top or right <= left:
            return 0.0
        face = cv2.cvtColor(frame[top:bottom, left:right], cv2.COLOR_RGB2GRAY)
        shrink = face.shape[0] > 150
        face = cv2.resize(face, (150, 150), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
        return float(cv2.Laplacian(face, cv2.CV_64F).var())

    @staticmethod
    def _group(shape: Any) -> Landmarks:
        points = [(float(p.x), float(p.y)) for p in shape.parts()]
        return {name: tuple(points[i] for i in idx) for name, idx in _GROUPS.items()}
