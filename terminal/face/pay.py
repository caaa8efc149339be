"""Face-pay: identify the customer 1:N, check a blink, confirm the phone's last 4 digits, then charge the sale."""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from terminal.errors import EdgeposError, MemberError, SaleError
from terminal.face.funding import fund_face_pay
from terminal.face.gallery import Gallery
from terminal.face.liveness import BlinkDetector, LivenessStatus
from terminal.face.policy import Decision, DigitsCheck, DigitsState, FacePolicy, FaceRefusal, decide_with
from terminal.face.types import FaceStatus
from terminal.ports import FaceEngine
from terminal.sales.money import Money
from terminal.sales.sale import SaleState

if TYPE_CHECKING:
    from terminal.members.service import MemberService
    from terminal.payments.code_payment import CodeAuthorizer, Progress
    from terminal.payments.outcome import CodeOutcome
    from terminal.sales.till import Completed, Till



class FacePayStep(StrEnum):
    """The stage of a face-pay session: look (identify), blink (liveness), digits, confirmed, or failed."""

    IDENTIFY = "identify"
    LIVENESS = "liveness"
    DIGITS = "digits"
    CONFIRMED = "confirmed"
    FAILED = "failed"


@dataclass(frozen=True)
class Identification:
    """What one frame says about who this is: `decision` is match, no_match, ambiguous or a face status.

    `face` is the engine's status for the frame ('ok' when a face was usable).
    """

    decision: str
    member_id: str | None
    distance: float | None
    second_distance: float | None
    reason: str
    face: FaceStatus = "ok"

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of `edgepos face identify` (infinite distances as null)."""
        def finite(value: float | None) -> float | None:
            return None if value is None or math.isinf(value) else round(value, 4)
        return {"member_id": self.member_id, "distance": finite(self.distance),
                "second_distance": finite(self.second_distance), "decision": self.decision, "reason": self.reason}


class FaceIdentifier:
    """The gallery of opted-in members' templates (loaded once, reloaded after enrolments) and the policy."""

    def __init__(self, engine: FaceEngine, members: MemberService, policy: FacePolicy) -> None:
        self.engine, self.members, self.policy = engine, members, policy
        self._gallery: Gallery | None = None
        self._lock = threading.Lock()

    def gallery(self) -> Gallery:
        """The gallery; a key that does not open the templates raises FaceKeyError (never an empty gallery)."""
        with self._lock:
            if self._gallery is None:
                ids, matrix = self.members.all_templates()
                self._gallery = Gallery.from_templates(zip(ids, matrix, strict=True))
            return self._gallery

    def reload(self) -> None:
        """Forget the gallery: the next identification reads the templates again."""
        with self._lock:
            self._gallery = None

    def identify(self, image: npt.NDArray[np.uint8]) -> Identification:
        """Who is in this frame, by the policy's tolerance and margin."""
        analysis = self.engine.analyze(image)
        if not analysis.ok or analysis.encoding is None:
            return Identification(analysis.status, None, None, None, analysis.reason, analysis.status)
        decision = decide_with(self.gallery().best_two(analysis.encoding), self.policy)
        return Identification(decision.decision, decision.member_id, decision.distance, decision.second_distance,
                              decision.reason)


@dataclass(frozen=True)
class FaceStep:
    """Where a face-pay session stands: codes for the customer's screen, `message` in English for logs and the CLI.

    `refusal` is set when the stage is FAILED; `face` is the engine's frame status while identifying (why a
    frame was not usable, None when it was). Neither ever carries another member's data.
    """

    stage: FacePayStep
    message: str
    tries_left: int = 0
    refusal: FaceRefusal | None = None
    face: FaceStatus | None = None


class FacePaySession:
    """One customer's face-pay for the sale in tender; feed it frames, then digits, then charge."""

    def __init__(self, identifier: FaceIdentifier, till: Till, daily_cap: Money,
                 balance_cap: Money | None = None) -> None:
        self.identifier, self.till, self.daily_cap = identifier, till, daily_cap
        # offline, a member's daily spending from the prepaid balance ([members] balance_offline_cap; None: none)
        self.balance_cap = balance_cap if balance_cap is not None else Money.zero(daily_cap.currency)
        self.member_id: str | None = None
        self._blink = BlinkDetector(identifier.policy.blink_window_s)
        self._digits: DigitsCheck | None = None
        self.step = FaceStep(FacePayStep.IDENTIFY, "Look at the camera")

    def _due(self) -> Money:
        sale = self.till.sale
        if sale is None or sale.state is not SaleState.TENDERING:
            sale = self.till.start_tender()
        return sale.due

    def _refuse(self, refusal: FaceRefusal, message: str) -> FaceStep:
        self.step = FaceStep(FacePayStep.FAILED, message, refusal=refusal)
        return self.step

    def frame(self, image: npt.NDArray[np.uint8], timestamp_s: float) -> FaceStep:
        """Identify in this frame, or look for the blink in it, depending on the stage."""
        if self.step.stage is FacePayStep.IDENTIFY:
            return self._identify(image)
        if self.step.stage is FacePayStep.LIVENESS:
            result = self._blink.update(timestamp_s, self.identifier.engine.landmarks(image))
            if result.status is LivenessStatus.PASSED and self.identifier.identify(image).member_id != self.member_id:
                # the blink check follows landmarks only: a face swapped in smoothly must still be the member
                return self._refuse(FaceRefusal.FACE_CHANGED,
                                    "Face-pay cancelled: the face changed. Please pay another way.")
            if result.status is LivenessStatus.PASSED:
                self.step = FaceStep(FacePayStep.DIGITS, "Enter the last 4 digits of your phone",
                                     self.identifier.policy.digit_tries)
            elif result.status is LivenessStatus.FAILED:
                return self._refuse(result.refusal or FaceRefusal.NO_BLINK,
                                    f"Face-pay cancelled: {result.reason}. Please pay another way.")
        return self.step

    def _identify(self, image: npt.NDArray[np.uint8]) -> FaceStep:
        found = self.identifier.identify(image)
        if found.face != "ok":
            self.step = FaceStep(FacePayStep.IDENTIFY, found.reason, face=found.face)
            return self.step
        if found.decision != Decision.MATCH or found.member_id is None:
            refusal = FaceRefusal.AMBIGUOUS if found.decision == Decision.AMBIGUOUS else FaceRefusal.NO_MATCH
            return self._refuse(refusal, "Face not recognised: please pay another way, or join as a member.")
        try:
            member = self.identifier.members.get(found.member_id)
            due = self._due()
        except EdgeposError as err:
            return self._refuse(FaceRefusal.UNAVAILABLE, str(err))
        try:
            self.identifier.members.check_face_cap(member.id, due, self.daily_cap)
        except MemberError as err:
            return self._refuse(FaceRefusal.DAILY_CAP, str(err))
        except EdgeposError as err:
            return self._refuse(FaceRefusal.UNAVAILABLE, str(err))
        self.member_id = member.id
        self._digits = DigitsCheck(member.phone, self.identifier.policy.digit_tries)
        self.step = FaceStep(FacePayStep.LIVENESS, "Please blink")
        return self.step

    def digits(self, entry: str) -> FaceStep:
        """Check the last 4 phone digits; three wrong entries cancel the face payment."""
        if self.step.stage is not FacePayStep.DIGITS or self._digits is None:
            return self.step
        result = self._digits.submit(entry)
        if result.state is DigitsState.CONFIRMED:
            self.step = FaceStep(FacePayStep.CONFIRMED, "Confirmed: paying…")
        elif result.state is DigitsState.LOCKED:
            return self._refuse(FaceRefusal.WRONG_DIGITS, result.reason)
        else:
            self.step = FaceStep(FacePayStep.DIGITS, result.reason, result.tries_left)
        return self.step

    def charge(self, authorizer: CodeAuthorizer, progress: Progress = lambda _m: None
               ) -> tuple[CodeOutcome, Completed | None]:
        """Charge the confirmed member (balance, else agreement, else refused: code or QR); points come too."""
        if self.step.stage is not FacePayStep.CONFIRMED or self.member_id is None:
            raise SaleError("face-pay needs a recognised face, a blink and the phone digits before paying")
        members = self.identifier.members
        member = members.get(self.member_id)
        self.till.attach_member(member)
        sale = self.till.sale
        assert sale is not None
        due = self._due()
        members.check_face_cap(member.id, due, self.daily_cap)   # again: another sale may have paid meanwhile
        return fund_face_pay(self.till, authorizer, member, due, sale.id, progress, self.balance_cap)
