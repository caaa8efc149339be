"""Face-pay steps carry codes the screen words: each refusal, and the frame status while identifying."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from terminal.face.pay import FacePayStep
from terminal.face.policy import FaceRefusal
from test_code_payments import shop  # noqa: F401  (the fixture: a terminal with its link running)
from test_face_pay import ENGINE, BlinkingEngine, blinked, member, photos, session  # noqa: F401  (fixtures)

pytestmark = pytest.mark.integration


def test_identifying_names_the_frame_problem_then_the_refusal(shop: Any, member: str,
                                                              photos: dict[str, Any]) -> None:
    term, _authorizer = shop
    term.till.add_item("TEA-002")                                         # 68.00
    pay = session(term, ENGINE)
    assert pay.step.stage is FacePayStep.IDENTIFY and pay.step.face is None and pay.step.refusal is None
    empty = pay.frame(np.zeros((480, 640, 3), np.uint8), 0.0)
    assert (empty.stage, empty.face, empty.refusal) == (FacePayStep.IDENTIFY, "no_face", None)
    stranger = pay.frame(photos["biden"], 0.1)
    assert (stranger.stage, stranger.refusal) == (FacePayStep.FAILED, FaceRefusal.NO_MATCH)
    capped = session(term, ENGINE, cap="50.00").frame(photos["obama2"], 0.0)
    assert (capped.stage, capped.refusal) == (FacePayStep.FAILED, FaceRefusal.DAILY_CAP)


def test_liveness_and_digits_refusals_have_their_codes(shop: Any, member: str,
                                                       photos: dict[str, Any]) -> None:
    term, _authorizer = shop
    term.till.add_item("TEA-001")
    still = session(term, ENGINE)
    assert still.frame(photos["obama2"], 0.0).stage is FacePayStep.LIVENESS
    steps = [still.frame(photos["obama2"], 0.5 * i) for i in range(1, 14)]
    assert steps[-1].refusal is FaceRefusal.NO_BLINK
    digits = blinked(term, photos["obama2"])
    wrong = [digits.digits(d) for d in ("1111", "2222", "3333")]
    assert [s.refusal for s in wrong] == [None, None, FaceRefusal.WRONG_DIGITS]
    swapped = session(term, BlinkingEngine(closed={3}))
    assert swapped.frame(photos["obama2"], 0.0).stage is FacePayStep.LIVENESS
    shown = [swapped.frame(photos["obama2"] if i < 5 else photos["biden"], 0.2 * i) for i in range(1, 6)]
    assert (shown[-1].stage, shown[-1].refusal) == (FacePayStep.FAILED, FaceRefusal.FACE_CHANGED), shown[-1]
