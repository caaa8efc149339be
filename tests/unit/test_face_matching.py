"""Face-pay logic without a face library: the gallery matcher, the decision policy, phone digits, blink liveness."""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest

from terminal.face.gallery import Gallery, Match
from terminal.face.liveness import BlinkDetector, eye_aspect_ratio, face_ear
from terminal.face.policy import DigitsCheck, FacePolicy, decide, decide_with
from terminal.face.types import Landmarks


def unit(rng: np.random.Generator) -> np.ndarray:
    v = rng.normal(size=128)
    return (v / np.linalg.norm(v)).astype(np.float32)


def brute_force(templates: list[tuple[str, np.ndarray]], probe: np.ndarray) -> list[tuple[float, str]]:
    best: dict[str, float] = {}
    for member, enc in templates:
        d = float(np.linalg.norm(enc.astype(np.float64) - probe.astype(np.float64)))
        best[member] = min(best.get(member, math.inf), d)
    return sorted((d, m) for m, d in best.items())


def test_best_two_agrees_with_brute_force_and_a_member_may_have_several_templates() -> None:
    rng = np.random.default_rng(3)
    templates = [(f"M{i % 40}", unit(rng)) for i in range(100)]  # 40 members, 2-3 templates each
    gallery = Gallery.from_templates(templates)
    assert len(gallery) == 40 and gallery.template_count() == 100 and gallery.template_count("M0") == 3
    for _ in range(20):
        probe = unit(rng)
        expected = brute_force(templates, probe)
        match = gallery.best_two(probe)
        assert (match.member_id, match.second_member_id) == (expected[0][1], expected[1][1])
        assert match.distance == pytest.approx(expected[0][0], abs=1e-6)
        assert match.second_distance == pytest.approx(expected[1][0], abs=1e-6)


def test_second_best_is_another_member_not_the_same_members_other_template() -> None:
    rng = np.random.default_rng(5)
    alice, bob = unit(rng), unit(rng)
    gallery = Gallery()
    gallery.add("alice", [alice, alice + 0.01])  # two near-identical templates of one member
    gallery.add("bob", [bob])
    match = gallery.best_two(alice)
    assert match.member_id == "alice" and match.distance == pytest.approx(0.0, abs=1e-6)
    assert match.second_member_id == "bob"
    assert match.second_distance == pytest.approx(float(np.linalg.norm(alice - bob)), abs=1e-6)


def test_add_and_remove_rebuild_the_matrix_lazily() -> None:
    rng = np.random.default_rng(9)
    a, b, c = unit(rng), unit(rng), unit(rng)
    gallery = Gallery()
    assert gallery.best_two(a) == Match(None, math.inf)
    gallery.add("a", [a])
    only = gallery.best_two(a)
    assert only.member_id == "a" and only.second_member_id is None and math.isinf(only.second_distance)
    gallery.add("b", [b])
    gallery.add("a", [c])  # a second template for a, added later
    assert gallery.best_two(c).member_id == "a" and gallery.template_count("a") == 2
    assert gallery.remove("a") == 2 and "a" not in gallery
    assert gallery.best_two(c).member_id == "b"
    assert gallery.remove("nobody") == 0


def test_malformed_encodings_are_refused() -> None:
    gallery = Gallery()
    with pytest.raises(ValueError):
        gallery.add("x", [np.zeros(64)])
    with pytest.raises(ValueError):
        gallery.add("x", [np.full(128, np.nan)])
    with pytest.raises(ValueError):
        gallery.best_two(np.zeros(127))


@pytest.mark.parametrize("best, second, expected", [
    (0.35, 0.80, "match"),
    (0.35, math.inf, "match"),          # only one member enrolled
    (0.50, 0.58, "match"),              # both bounds inclusive, despite float rounding
    (0.42, 0.47, "ambiguous"),          # within tolerance but another member is nearly as close
    (0.30, 0.32, "ambiguous"),
    (0.51, 0.90, "no_match"),
    (0.84, math.inf, "no_match"),
])
def test_decide(best: float, second: float, expected: str) -> None:
    decision = decide(Match("m1", best, "m2", second))
    assert decision.decision == expected
    assert decision.member_id == ("m1" if expected == "match" else None)
    assert decision.reason


def test_decide_with_an_empty_gallery_and_a_policy() -> None:
    assert decide(Match(None, math.inf)).decision == "no_match"
    strict = FacePolicy(tolerance=0.4, margin=0.1)
    assert decide_with(Match("m1", 0.45, "m2", 0.9), strict).decision == "no_match"
    with pytest.raises(ValueError):
        FacePolicy(tolerance=0)


def test_digits_confirmed_on_the_last_four_of_the_phone() -> None:
    check = DigitsCheck("+86 138-0013-8000")
    assert check.submit("1234").state == "pending"
    result = check.submit("8000")
    assert result.state == "confirmed" and result.tries_left == 2
    assert "8000" not in repr(check)


def test_three_wrong_digit_entries_lock_the_payment() -> None:
    check = DigitsCheck("+8613800138000", tries=FacePolicy().digit_tries)
    assert [check.submit(d).tries_left for d in ("1111", "80a0", "800")] == [2, 1, 0]
    assert check.state == "locked"
    assert check.submit("8000").state == "locked"  # the right digits come too late
    with pytest.raises(ValueError):
        DigitsCheck("123")


def eyes(ear: float, dx: float = 0.0) -> Landmarks:
    """Landmarks whose two eyes have exactly this EAR (eye 30 px wide), shifted by dx."""
    h = ear * 30 / 2

    def eye(x0: float) -> tuple[tuple[float, float], ...]:
        return ((x0, 100.0), (x0 + 10, 100 - h), (x0 + 20, 100 - h), (x0 + 30, 100.0), (x0 + 20, 100 + h),
                (x0 + 10, 100 + h))
    return {"left_eye": eye(200 + dx), "right_eye": eye(260 + dx), "chin": ((190 + dx, 60.0), (300 + dx, 200.0))}


def feed(detector: BlinkDetector, ears: Sequence[float | None], fps: float = 10.0, start: float = 100.0) -> str:
    status = "pending"
    for i, ear in enumerate(ears):
        status = detector.update(start + i / fps, None if ear is None else eyes(ear)).status
    return status


def test_eye_aspect_ratio() -> None:
    assert eye_aspect_ratio(eyes(0.3)["left_eye"]) == pytest.approx(0.3)
    assert face_ear(eyes(0.18)) == pytest.approx(0.18)
    assert face_ear({"chin": ((0.0, 0.0),)}) is None


def test_a_blink_within_the_window_passes() -> None:
    ears = [0.31, 0.30, None, 0.32, 0.19, 0.12, 0.23, 0.30]
    assert feed(BlinkDetector(), ears) == "passed"


def test_narrow_eyes_blink_too() -> None:
    # obama.jpg's open eyes measure 0.234, under the textbook 0.25-0.3 "open" level
    assert feed(BlinkDetector(), [0.234, 0.236, 0.231, 0.16, 0.12, 0.22, 0.235]) == "passed"
    assert feed(BlinkDetector(), [0.234, 0.236, 0.231, 0.19, 0.20, 0.235]) == "pending"  # 0.19 is not 25% less


def test_no_blink_fails_after_five_seconds() -> None:
    detector = BlinkDetector()
    assert feed(detector, [0.30] * 50) == "pending"
    assert feed(detector, [0.30], start=105.01) == "failed"
    assert detector.result.reason == "no blink within 5 s"
    assert feed(BlinkDetector(), [None] * 52) == "failed"  # no face at all for 5 s


def test_a_still_photo_replayed_for_five_seconds_fails() -> None:
    detector = BlinkDetector(window_s=FacePolicy().blink_window_s)
    assert feed(detector, [0.27] * 60) == "failed"  # 6 s at 10 fps of the same EAR


def test_a_blink_after_five_seconds_fails() -> None:
    ears = [0.30] * 52 + [0.15, 0.15, 0.30]
    assert feed(BlinkDetector(), ears) == "failed"


def test_eyes_closed_from_the_start_or_landmark_jitter_is_not_a_blink() -> None:
    assert feed(BlinkDetector(), [0.15, 0.15, 0.30, 0.30]) == "pending"  # closed eyes first, then open
    jitter = 0.23 + 0.02 * np.random.default_rng(1).uniform(-1, 1, 45)  # a still photo with noisy landmarks
    assert feed(BlinkDetector(), [float(e) for e in jitter]) == "pending"


def test_a_face_swap_between_frames_fails() -> None:
    detector = BlinkDetector()
    detector.update(0.0, eyes(0.30))
    detector.update(0.1, eyes(0.30, dx=5))
    assert detector.update(0.2, eyes(0.15, dx=200)).status == "failed"
    assert detector.result.reason == "the face changed during the blink check"
