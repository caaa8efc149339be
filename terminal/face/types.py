"""What a FaceEngine (terminal/ports.py) returns: plain frozen values, no face library needed to read them."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from terminal.errors import EdgeposError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

FaceStatus = Literal["ok", "no_face", "multiple_faces", "face_too_small", "partial_face", "blurred"]

Point = tuple[float, float]
"""An (x, y) pixel position in the full-resolution frame."""

Landmarks = Mapping[str, tuple[Point, ...]]
"""dlib's 68 points grouped as face_recognition names them: 'left_eye' and 'right_eye' (6 points each), 'chin', ..."""

Box = tuple[int, int, int, int]
"""top, right, bottom, left in full-resolution pixels, clipped to the frame."""

ENCODING_SIZE = 128

REASONS: dict[FaceStatus, str] = {
    "ok": "Face found.",
    "no_face": "No face found: please look at the camera.",
    "multiple_faces": "More than one face in view: only the paying customer should face the camera.",
    "face_too_small": "Face too far away: please come closer to the camera.",
    "partial_face": "Face partly outside the picture: please move to the centre of the screen.",
    "blurred": "The picture is blurred: please hold still for a moment.",
}


class FaceEngineError(EdgeposError):
    """The face engine could not run: its library is missing or broken, or the image is not an RGB frame."""


@dataclass(frozen=True, eq=False)
class FaceAnalysis:
    """One frame analysed: `status` says whether a usable face was found, `reason` says it in words.

    `encoding` (128 float32, read-only) is set only when status is 'ok'. `blur` is the variance of the
    Laplacian of the face normalised to 150 px (lower is blurrier; None when no face was chosen);
    `face_px` is the chosen face's box height in full-resolution pixels (0 when none).
    """

    status: FaceStatus
    reason: str
    encoding: npt.NDArray[np.float32] | None = None
    box: Box | None = None
    landmarks: Landmarks | None = None
    blur: float | None = None
    face_px: int = 0

    @property
    def ok(self) -> bool:
        """True when the frame gave one usable face with its encoding."""
        return self.status == "ok" and self.encoding is not None
