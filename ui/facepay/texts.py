"""What the face-pay screen says for a step's codes: the refusal's title and advice, the frame-quality hint."""
from __future__ import annotations

from collections.abc import Callable

from terminal.face.pay import FaceStep
from terminal.face.policy import FaceRefusal
from ui.translations import N_

Translate = Callable[[str], str]

_NOT_RECOGNISED = (N_("Face not recognised"), N_("Please pay another way, or join as a member."))
_PAY_ANOTHER_WAY = N_("Please pay another way.")

REFUSALS: dict[FaceRefusal, tuple[str, str]] = {
    FaceRefusal.NO_MATCH: _NOT_RECOGNISED,
    FaceRefusal.AMBIGUOUS: _NOT_RECOGNISED,
    FaceRefusal.NO_BLINK: (N_("Liveness check failed"), N_("No blink was seen in time. Please pay another way.")),
    FaceRefusal.FACE_CHANGED: (N_("Liveness check failed"), N_("The face changed. Please pay another way.")),
    FaceRefusal.WRONG_DIGITS: (N_("Too many wrong digits"), _PAY_ANOTHER_WAY),
    FaceRefusal.DAILY_CAP: (N_("Face-pay limit reached for today"), _PAY_ANOTHER_WAY),
}
"""Title and advice per refusal; a cap never shows the member's spending. UNAVAILABLE shows what the domain said."""

FACE_HINTS: dict[str, str] = {
    "no_face": N_("Look at the camera"), "face_too_small": N_("Come closer"),
    "multiple_faces": N_("One face only"), "blurred": N_("Hold still"),
    "partial_face": N_("Move to the centre"), "other_face": N_("One face only"),
}
"""The short advice for a frame the engine could not use, by its status (enrolment shows the same)."""


def _same(text: str) -> str:
    return text


def refusal_text(step: FaceStep, tr: Translate = _same) -> tuple[str, str]:
    """A failed step's title and the detail safe to show, from its refusal code (never from its message)."""
    texts = REFUSALS.get(step.refusal) if step.refusal is not None else None
    if texts is None:
        return tr("Face-pay stopped"), step.message
    return tr(texts[0]), tr(texts[1])


def face_hint(status: str | None, tr: Translate = _same) -> str:
    """The advice for an unusable frame's status ("" when the frame was fine or no face status was given)."""
    if status is None or status == "ok":
        return ""
    hint = FACE_HINTS.get(status)
    return tr(hint) if hint is not None else status
