"""Camera frames of the fixture faces for the kiosk's camera simulator, with a synthesized blink.

A blink is painted on the real picture: each eye (located by the real engine's landmarks) is covered
with the skin colour from just under it and crossed by a dark lid line. The real engine then reads
closed eyes (EAR 0.18 against 0.35 open on obama2), so open x N, closed x 3, open x N passes the real
blink check with no fake anywhere in the pipeline.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

FACES = Path(__file__).resolve().parents[1] / "fixtures" / "faces"
SIZE = (640, 480)


def camera_frame(name: str, close_up_y: float | None = None) -> npt.NDArray[np.uint8]:
    """The fixture photo centred on a grey 640x480 RGB frame, scaled to fit without distortion; with
    close_up_y, a 4:3 window of the photo's full width centred at that height (a fraction) fills the frame."""
    image = cv2.cvtColor(cv2.imread(str(FACES / f"{name}.jpg"), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    w, h = SIZE
    if close_up_y is not None:
        rows = image.shape[1] * h // w
        top = min(max(0, int(image.shape[0] * close_up_y) - rows // 2), image.shape[0] - rows)
        image = image[top:top + rows]
    scale = min(w / image.shape[1], h / image.shape[0])
    small = cv2.resize(image, (round(image.shape[1] * scale), round(image.shape[0] * scale)),
                       interpolation=cv2.INTER_AREA)
    frame = np.full((h, w, 3), 90, np.uint8)
    y, x = (h - small.shape[0]) // 2, (w - small.shape[1]) // 2
    frame[y:y + small.shape[0], x:x + small.shape[1]] = small
    return frame


def close_eyes(frame: npt.NDArray[np.uint8], landmarks: dict[str, tuple[tuple[float, float], ...]],
               grow: float = 2.0, line: int = 2) -> npt.NDArray[np.uint8]:
    """The frame with both eyes painted shut: skin over the eye, a dark lid line from corner to corner."""
    out = frame.astype(np.float32)
    for eye in ("left_eye", "right_eye"):
        pts = np.array(landmarks[eye], np.float32)
        (x0, y0), (x1, y1) = pts.min(0), pts.max(0)
        w, h = x1 - x0, max(y1 - y0, 1.0)
        skin = np.median(frame[int(y1 + h * 0.5):int(y1 + h * 1.2), int(x0):int(x1)].reshape(-1, 3), 0)
        mask = np.zeros(frame.shape[:2], np.uint8)
        cv2.ellipse(mask, (int((x0 + x1) / 2), int((y0 + y1) / 2)), (int(w * 0.5 * grow), int(h * 0.5 * grow)),
                    0, 0, 360, 255, -1)
        alpha = (cv2.GaussianBlur(mask, (0, 0), 1.5) / 255.0)[..., None]
        out = out * (1 - alpha) + skin * alpha
    shut = out.clip(0, 255).astype(np.uint8)
    for eye in ("left_eye", "right_eye"):
        pts = np.array(landmarks[eye], np.float32)
        h = max(float(np.ptp(pts[:, 1])), 1.0)
        t = np.linspace(0, 1, 20)
        xs = pts[0, 0] + (pts[3, 0] - pts[0, 0]) * t
        ys = pts[0, 1] + (pts[3, 1] - pts[0, 1]) * t + h * 0.25 * np.sin(np.pi * t)
        cv2.polylines(shut, [np.stack([xs, ys], 1).astype(np.int32)], False, (40, 25, 20), line, cv2.LINE_AA)
    return shut


def write_camera(out: Path, frames: list[npt.NDArray[np.uint8]]) -> str:
    """Write RGB frames as the camera simulator's image sequence; returns the camera_source to configure."""
    from simulators.camera import camera_source, write_frames

    write_frames((cv2.cvtColor(f, cv2.COLOR_RGB2BGR) for f in frames), out)
    return camera_source(out)


def blink_sequence(engine: object, name: str = "obama2", open_frames: int = 8,
                   closed_frames: int = 3) -> list[npt.NDArray[np.uint8]]:
    """open x N, closed x 3, open x N of one fixture face (the engine finds the eyes to paint)."""
    frame = camera_frame(name)
    landmarks = engine.landmarks(frame)  # type: ignore[attr-defined]
    assert landmarks is not None, f"no face in {name}"
    shut = close_eyes(frame, landmarks)
    return [frame] * open_frames + [shut] * closed_frames + [frame] * open_frames
