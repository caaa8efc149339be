"""Face-pay end to end: the real face engine on the fixture faces, real MQTT 5 to the acquirer simulator.

Only the blink is scripted: a still fixture photo cannot blink, so `BlinkingEngine` (our own FaceEngine port)
passes analysis through to the real engine and closes the eyes of the real landmarks on chosen frames.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from drivers.face_engine import FaceRecognitionEngine
from terminal.app.bootstrap import Terminal
from terminal.app.face_cli import load_rgb
from terminal.errors import SaleError
from terminal.face.pay import FaceIdentifier, FacePaySession
from terminal.face.policy import FacePolicy
from terminal.face.types import FaceAnalysis, Landmarks
from terminal.payments.code_payment import CodeAuthorizer
from terminal.sales.money import Money
from terminal.sales.sale import SaleState
from test_code_payments import Acquirer, shop  # noqa: F401  (the fixture: a terminal with its link running)

pytestmark = pytest.mark.integration
FACES = Path(__file__).resolve().parents[1] / "fixtures" / "faces"
PHONE = "+12025550143"
ENGINE = FaceRecognitionEngine()


class BlinkingEngine:
    """The real engine, with the eyes of its landmarks shut on the frames listed in `closed`."""

    def __init__(self, closed: set[int]) -> None:
        self.closed, self.calls = closed, 0

    def analyze(self, image: npt.NDArray[np.uint8]) -> FaceAnalysis:
        return ENGINE.analyze(image)

    def landmarks(self, image: npt.NDArray[np.uint8]) -> Landmarks | None:
        points = ENGINE.landmarks(image)
        frame, self.calls = self.calls, self.calls + 1
        if points is None or frame not in self.closed:
            return points
        shut = dict(points)
        for eye in ("left_eye", "right_eye"):
            middle = sum(y for _x, y in points[eye]) / 6
            shut[eye] = tuple((x, middle + (y - middle) * 0.2) for x, y in points[eye])
        return shut


@pytest.fixture(scope="module")
def photos() -> dict[str, npt.NDArray[np.uint8]]:
    return {name: load_rgb(FACES / f"{name}.jpg") for name in ("obama", "obama2", "biden")}


@pytest.fixture
def member(shop: tuple[Terminal, CodeAuthorizer], photos: dict[str, Any]) -> str:
    term = shop[0]
    assert term.members is not None
    barack = term.members.add("Barack", PHONE, face_consent=True)
    term.members.enroll_templates(barack.id, [ENGINE.analyze(photos["obama"]).encoding])
    return barack.id


def session(term: Terminal, engine: Any, cap: str = "500.00") -> FacePaySession:
    assert term.members is not None
    identifier = FaceIdentifier(engine, term.members, FacePolicy())
    return FacePaySession(identifier, term.till, term.till.money(cap))


def blinked(term: Terminal, photo: npt.NDArray[np.uint8]) -> FacePaySession:
    """A face-pay session for an 18.00 or more sale, past identification and the blink, at the digits."""
    pay = session(term, BlinkingEngine(closed={3}))
    assert pay.frame(photo, 0.0).stage == "liveness"
    stages = [pay.frame(photo, 0.2 * i).stage for i in range(1, 6)]   # open, open, shut, open...
    assert stages[-1] == "digits", stages
    return pay


@pytest.fixture
def acquirer(deployment: Any, request: Any, member: str) -> Iterator[Acquirer]:
    """The acquirer simulator; the member signed a withholding agreement (face-pay without a prepaid balance)."""
    sim = Acquirer(deployment, "--script", getattr(request, "param", "approve"), "--agreement", member)
    yield sim
    sim.stop()


def test_face_pay_by_agreement_approved_earns_points(shop: Any, member: str, photos: dict[str, Any],
                                                     acquirer: Acquirer) -> None:
    term, authorizer = shop
    term.till.add_item("TEA-002")                                         # 68.00
    pay = blinked(term, photos["obama2"])
    assert pay.digits("0134").tries_left == 2
    assert pay.digits("0143").stage == "confirmed"
    outcome, done = pay.charge(authorizer)
    assert outcome.status == "approved" and done is not None
    assert done.payment.method == "face" and "0143" in done.payment.reference and PHONE not in done.payment.reference
    assert acquirer.methods() == ["pay"]
    text = done.receipt.as_text()
    assert "Points earned" in text and "+68" in text
    assert term.members is not None and term.members.get(member).points == 68


@pytest.mark.parametrize("acquirer", ["decline:insufficient_funds"], indirect=True)
def test_face_pay_declined_says_why_and_the_sale_waits(shop: Any, member: str,
                                                       photos: dict[str, Any], acquirer: Acquirer) -> None:
    term, authorizer = shop
    term.till.add_item("TEA-001")
    pay = blinked(term, photos["obama2"])
    pay.digits("0143")
    outcome, done = pay.charge(authorizer)
    assert outcome.status == "declined" and "insufficient_funds" in outcome.message and done is None
    assert term.till.sale is not None and term.till.sale.state is SaleState.TENDERING


def test_three_wrong_digits_abort_and_nothing_is_charged(shop: Any, member: str,
                                                         photos: dict[str, Any], acquirer: Acquirer) -> None:
    term, authorizer = shop
    term.till.add_item("TEA-001")
    pay = blinked(term, photos["obama2"])
    steps = [pay.digits(d) for d in ("1111", "2222", "3333")]
    assert [s.stage for s in steps] == ["digits", "digits", "failed"] and "Wrong digits" in steps[-1].message
    assert pay.digits("0143").stage == "failed"                           # locked: the right digits come too late
    with pytest.raises(SaleError):
        pay.charge(authorizer)
    assert acquirer.methods() == []


def test_a_still_photo_fails_liveness(shop: Any, member: str, photos: dict[str, Any]) -> None:
    term, _authorizer = shop
    term.till.add_item("TEA-001")
    pay = session(term, ENGINE)                                           # the real engine, no blink anywhere
    assert pay.frame(photos["obama2"], 0.0).stage == "liveness"
    steps = [pay.frame(photos["obama2"], 0.5 * i) for i in range(1, 14)]  # held up 6 s after "blink"
    assert steps[-1].stage == "failed" and "no blink within 5 s" in steps[-1].message


def test_strangers_and_the_daily_cap_are_refused(shop: Any, member: str, photos: dict[str, Any]) -> None:
    term, _authorizer = shop
    term.till.add_item("TEA-002")                                         # 68.00
    stranger = session(term, ENGINE).frame(photos["biden"], 0.0)
    assert stranger.stage == "failed" and "not recognised" in stranger.message and "Barack" not in stranger.message
    capped = session(term, ENGINE, cap="50.00").frame(photos["obama2"], 0.0)
    assert capped.stage == "failed" and "limit" in capped.message


def test_face_pay_offline_when_the_acquirer_is_unreachable(shop: Any, member: str,
                                                          photos: dict[str, Any], broker: Any) -> None:
    term, authorizer = shop
    term.till.add_item("TEA-001")
    pay = blinked(term, photos["obama2"])
    pay.digits("0143")
    broker.stop()                                                         # the link is down when the charge goes
    import time
    deadline = time.monotonic() + 10
    while authorizer.acquirer.reachable() and time.monotonic() < deadline:
        time.sleep(0.05)
    outcome, done = pay.charge(authorizer)
    assert outcome.status == "offline" and done is not None and done.payment.status == "offline"
    assert "OFFLINE" in done.receipt.as_text()
    row = term.db.query_one("SELECT envelope FROM outbox WHERE schema = 'payment/1' ORDER BY seq DESC LIMIT 1")
    assert row is not None
    forward = json.loads(row[0])["body"]["forward"]
    assert forward["scheme"] == "face" and forward["member_id"] == member and "auth_code" not in forward
    assert forward["funding"] == "agreement"                              # no balance: the agreement, charged later
    assert Money(1800, "CNY") == term.members.face_paid_today(member)     # type: ignore[union-attr]


def test_face_pay_is_funded_by_the_prepaid_balance_first_and_refunds_go_back(shop: Any, member: str,
                                                                             photos: dict[str, Any],
                                                                             deployment: Any) -> None:
    from support.staff_members import add_staff
    from terminal.members.topup import top_up_cash

    term, authorizer = shop
    sim = Acquirer(deployment, "--script", "approve")                    # no agreement: the balance must pay
    try:
        assert term.members is not None
        top_up_cash(term.till, member, Money(10000, "CNY"))
        term.till.add_item("TEA-002")                                     # 68.00
        pay = blinked(term, photos["obama2"])
        pay.digits("0143")
        outcome, done = pay.charge(authorizer)
        assert outcome.status == "approved" and done is not None and sim.methods() == []   # no acquirer call
        assert done.payment.method == "member_balance" and done.payment.reference.startswith("face:****0143:")
        text = done.receipt.as_text()
        assert "Member balance" in text and "Balance left" in text and "CNY 32.00" in text and "+68" in text
        assert term.members.balance.balance(member) == Money(3200, "CNY")
        assert term.members.face_paid_today(member) == Money(6800, "CNY")   # counts toward the daily face cap
        term.till.refund(done.sale.id, None, "changed mind", add_staff(term.data_dir, "Mai"))
        assert term.members.balance.balance(member) == Money(10000, "CNY") and sim.methods() == []
        term.till.add_item("TEA-002", 2)                                  # 136.00: more than the balance
        pay = blinked(term, photos["obama2"])
        pay.digits("0143")
        outcome, done = pay.charge(authorizer)                            # (b) no agreement -> (c) code or QR
        assert outcome.status == "refused" and outcome.refusal == "no_funding" and done is None
        assert "payment code" in outcome.message and "QR" in outcome.message
        assert sim.methods() == ["pay"] and sim.seen[0]["answer"] == "declined"
        assert term.till.sale is not None and term.till.sale.state is SaleState.TENDERING
        assert term.members.balance.balance(member) == Money(10000, "CNY")
    finally:
        sim.stop()
