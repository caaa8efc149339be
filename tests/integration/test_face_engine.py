"""The real face engine (face_recognition / dlib) on the fixture faces, with the gallery, policy and liveness."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from terminal.face.gallery import Gallery
from terminal.face.liveness import BlinkDetector
from terminal.face.policy import FacePolicy, decide
from terminal.face.types import REASONS, FaceEngineError
from terminal.ports import FaceEngine

pytestmark = pytest.mark.integration

FACES = Path(__file__).resolve().parent.parent / "fixtures" / "faces"


def load(name: str) -> np.ndarray:
    return np.asarray(Image.open(FACES / name).convert("RGB"))


@pytest.fixture(scope="module")
def engine() -> FaceEngine:
    pytest.importorskip("face_recognition_models")
    from drivers.face_engine import FaceRecognitionEngine
    return FaceRecognitionEngine()


@pytest.fixture(scope="module")
def gallery(engine: FaceEngine) -> Gallery:
    enrolled = engine.analyze(load("obama.jpg"))
    assert enrolled.ok and enrolled.encoding is not None and enrolled.encoding.shape == (128,)
    assert enrolled.encoding.dtype == np.float32
    gallery = Gallery()
    gallery.add("obama", [enrolled.encoding])
    return gallery


def test_engine_satisfies_the_port(engine: FaceEngine) -> None:
    assert isinstance(engine, FaceEngine)


def test_another_photo_of_the_enrolled_member_matches(engine: FaceEngine, gallery: Gallery) -> None:
    probe = engine.analyze(load("obama2.jpg"))
    assert probe.status == "ok" and probe.encoding is not None and probe.face_px >= 80
    assert probe.landmarks is not None and len(probe.landmarks["left_eye"]) == 6
    match = gallery.best_two(probe.encoding)
    assert match.member_id == "obama" and match.distance <= 0.5
    assert decide(match).decision == "match"


def test_someone_else_is_no_match(engine: FaceEngine, gallery: Gallery) -> None:
    probe = engine.analyze(load("biden.jpg"))
    assert probe.ok and probe.encoding is not None
    decision = decide(gallery.best_two(probe.encoding))
    assert decision.decision == "no_match" and decision.distance > 0.6


def test_a_face_cut_by_the_frame_edge_is_refused_with_a_reason(engine: FaceEngine) -> None:
    result = engine.analyze(load("obama_partial_face.jpg"))
    assert result.status == "partial_face" and result.encoding is None
    assert result.reason == REASONS["partial_face"] and "centre" in result.reason


def test_an_image_without_a_face_is_no_face(engine: FaceEngine) -> None:
    gradient = np.zeros((480, 640, 3), np.uint8)
    gradient[:] = np.linspace(0, 255, 640, dtype=np.uint8)[None, :, None]
    result = engine.analyze(gradient)
    assert result.status == "no_face" and result.encoding is None and result.reason
    assert engine.landmarks(gradient) is None


def _face_crop(engine: FaceEngine, name: str, size: int = 300) -> Image.Image:
    """The fixture's face with a margin, scaled so every crop shows its face at the same size."""
    box = engine.analyze(load(name)).box
    assert box is not None
    top, right, bottom, left = box
    pad = (bottom - top) // 2
    image = Image.open(FACES / name).convert("RGB")
    return image.crop((left - pad, top - pad, right + pad, bottom + pad)).resize((size, size))


def test_two_faces_of_the_same_size_are_multiple_faces(engine: FaceEngine) -> None:
    both = Image.new("RGB", (600, 300), (128, 128, 128))
    both.paste(_face_crop(engine, "obama.jpg"), (0, 0))
    both.paste(_face_crop(engine, "biden.jpg"), (300, 0))
    result = engine.analyze(np.asarray(both))
    assert result.status == "multiple_faces" and result.encoding is None and "one" in result.reason


def test_a_clearly_closer_face_is_taken_among_several(engine: FaceEngine, gallery: Gallery) -> None:
    scene = Image.new("RGB", (640, 480), (128, 128, 128))
    scene.paste(_face_crop(engine, "obama2.jpg", 300), (20, 90))
    scene.paste(_face_crop(engine, "biden.jpg", 170), (420, 150))
    result = engine.analyze(np.asarray(scene))
    assert result.status == "ok" and result.encoding is not None
    assert gallery.best_two(result.encoding).member_id == "obama"


def test_a_small_face_is_too_small(engine: FaceEngine) -> None:
    scene = Image.new("RGB", (640, 480), (128, 128, 128))
    scene.paste(_face_crop(engine, "obama.jpg", 128), (256, 176))  # the face is ~65 px tall
    result = engine.analyze(np.asarray(scene))
    assert result.status == "face_too_small" and 0 < result.face_px < 80


def test_a_blurred_face_is_refused(engine: FaceEngine) -> None:
    import cv2
    result = engine.analyze(np.asarray(cv2.GaussianBlur(load("obama.jpg"), (0, 0), 3), np.uint8))
    assert result.status == "blurred" and result.blur is not None and result.blur < 20


def test_a_still_photo_replayed_for_five_seconds_fails_liveness(engine: FaceEngine) -> None:
    photo = load("obama.jpg")
    detector = BlinkDetector(window_s=FacePolicy().blink_window_s)
    statuses = []
    for i in range(12):  # one frame every 0.5 s from t=0 to t=5.5 s; the engine runs on a real frame each time
        landmarks = engine.landmarks(photo)
        assert landmarks is not None
        statuses.append(detector.update(i * 0.5, landmarks).status)
    assert statuses[:-1] == ["pending"] * 11 and statuses[-1] == "failed"
    assert detector.result.reason == "no blink within 5 s"


def test_a_frame_that_is_not_rgb_is_a_clear_error(engine: FaceEngine) -> None:
    with pytest.raises(FaceEngineError, match="RGB uint8"):
        engine.analyze(np.zeros((480, 640), np.uint8))
