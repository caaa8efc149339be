"""Face-pay decisions, pure: is the nearest member close enough and clearly nearer than anyone else; phone digits."""
from __future__ import annotations

import hmac
import math
from dataclasses import dataclass
from enum import StrEnum

from terminal.face.gallery import Match


class Decision(StrEnum):
    """What a gallery match means for face-pay."""

    MATCH = "match"
    NO_MATCH = "no_match"
    AMBIGUOUS = "ambiguous"


class DigitsState(StrEnum):
    """Where the phone-digits confirmation stands."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    LOCKED = "locked"


class FaceRefusal(StrEnum):
    """Why face-pay stopped: the customer's screen turns this code, never the message, into words."""

    NO_MATCH = "no_match"          # nobody enrolled is close enough
    AMBIGUOUS = "ambiguous"        # two members too close to tell apart
    NO_BLINK = "no_blink"          # no blink within the liveness window
    FACE_CHANGED = "face_changed"  # the face jumped or became someone else during the blink check
    WRONG_DIGITS = "wrong_digits"  # the phone's last 4 digits were wrong too many times
    DAILY_CAP = "daily_cap"        # paying would take the member past today's face-pay limit
    UNAVAILABLE = "unavailable"    # another domain error: its message says what

# Distances are sums of float32 products: a margin that is 0.08 on paper can come out as 0.0799999.
_EPS = 1e-9


@dataclass(frozen=True)
class FacePolicy:
    """The face-pay thresholds: tolerance (stricter than the library's 0.6), margin, blink window, digit tries."""

    tolerance: float = 0.5
    margin: float = 0.08
    blink_window_s: float = 5.0
    digit_tries: int = 3

    def __post_init__(self) -> None:
        if not 0 < self.tolerance < 2 or not 0 <= self.margin < 2:
            raise ValueError(f"face tolerance must be in (0, 2) and margin in [0, 2), got "
                             f"{self.tolerance} and {self.margin}")
        if self.blink_window_s <= 0 or self.digit_tries < 1:
            raise ValueError("the blink window must be positive and at least one digit try allowed")


@dataclass(frozen=True)
class FaceDecision:
    """What to do with a match: `member_id` is set only on 'match'; `reason` is for the cashier."""

    decision: Decision
    member_id: str | None
    distance: float
    second_distance: float
    reason: str


def decide(match: Match, tolerance: float = 0.5, margin: float = 0.08) -> FaceDecision:
    """Accept the nearest member only if within tolerance and the nearest other member is farther by margin."""
    best, second = match.distance, match.second_distance
    if match.member_id is None or best > tolerance:
        reason = "no enrolled member" if match.member_id is None else \
            f"nearest member at {best:.3f}, above the tolerance {tolerance:g}"
        return FaceDecision(Decision.NO_MATCH, None, best, second, reason)
    if second - best >= margin - _EPS:
        gap = "no other member" if math.isinf(second) else f"next member at {second:.3f}"
        return FaceDecision(Decision.MATCH, match.member_id, best, second, f"distance {best:.3f}, {gap}")
    return FaceDecision(Decision.AMBIGUOUS, None, best, second,
                        f"two members too close: {best:.3f} and {second:.3f} (margin {margin:g})")


def decide_with(match: Match, policy: FacePolicy) -> FaceDecision:
    """decide() with a policy's tolerance and margin."""
    return decide(match, policy.tolerance, policy.margin)


@dataclass(frozen=True)
class DigitsResult:
    """After one entry: the state, tries left, and a sentence for the customer."""

    state: DigitsState
    tries_left: int
    reason: str


class DigitsCheck:
    """The customer confirms the last 4 digits of the member's phone; after `tries` wrong entries it locks."""

    def __init__(self, phone: str, tries: int = 3) -> None:
        digits = "".join(c for c in phone if c.isascii() and c.isdigit())
        if len(digits) < 4:
            raise ValueError("the member's phone has fewer than 4 digits")
        if tries < 1:
            raise ValueError("allow at least one try")
        self._expected = digits[-4:].encode("ascii")  # only these four are kept, never the whole number
        self.tries_left = tries
        self.state = DigitsState.PENDING

    def __repr__(self) -> str:
        return f"DigitsCheck(state={self.state.value!r}, tries_left={self.tries_left})"

    def submit(self, entry: str) -> DigitsResult:
        """Check one entry (a malformed one counts as a wrong try); a finished check stays as it is."""
        if self.state is not DigitsState.PENDING:
            return self._result()
        given = entry.strip().encode("ascii", "replace")
        # compare_digest takes the same time wherever the first wrong digit is
        if len(given) == 4 and given.isdigit() and hmac.compare_digest(given, self._expected):
            self.state = DigitsState.CONFIRMED
        else:
            self.tries_left -= 1
            if self.tries_left == 0:
                self.state = DigitsState.LOCKED
        return self._result()

    def _result(self) -> DigitsResult:
        if self.state is DigitsState.CONFIRMED:
            return DigitsResult(DigitsState.CONFIRMED, self.tries_left, "Phone digits confirmed.")
        if self.state is DigitsState.LOCKED:
            return DigitsResult(DigitsState.LOCKED, 0,
                                "Wrong digits too many times: face-pay cancelled, please pay another way.")
        plural = "try" if self.tries_left == 1 else "tries"
        return DigitsResult(DigitsState.PENDING, self.tries_left, f"Wrong digits: {self.tries_left} {plural} left.")
