"""The members screen through its widgets: add with and without face consent, enrol from the camera with live
quality feedback (the real engine on simulator frames), find by phone and by card, attach, delete with confirm."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from face_frames import camera_frame, write_camera
from test_facepay_screen import with_camera

pytestmark = pytest.mark.ui
PHONE = "+12025550143"


def until(kiosk: Any, check: Callable[[], Any], seconds: float = 30) -> None:
    """Pump frames until check() is true (Kiosk.until, with this module's wait)."""
    kiosk.until(check, seconds)


@pytest.fixture
def members_kiosk(make_kiosk: Callable[..., Any], tmp_path: Path) -> Any:
    """A kiosk whose camera shows obama2 (looping), on the members screen."""
    frames = [camera_frame("obama2", close_up_y=None)] * 4
    source = write_camera(tmp_path / "camera", frames)
    kiosk = make_kiosk(cashier="Lan", configure=with_camera(source))
    kiosk.tap(kiosk.screen("sale").ids.members_button)
    assert kiosk.current == "members"
    return kiosk


def add(kiosk: Any, name: str, phone: str, face: bool) -> None:
    screen = kiosk.screen("members")
    kiosk.tap(screen.ids.nav_add)
    assert screen.section == "add" and "encrypted" in screen.ids.consent_label.text   # the consent in full
    kiosk.type(screen.ids.name_input, name)
    kiosk.type(screen.ids.phone_input, phone)
    if face:
        screen.ids.face_consent._do_press()      # a finger on a toggle button (tap() only sends press/release)
        kiosk.pump()
        assert screen.ids.face_consent.state == "down"
    kiosk.tap(screen.ids.add_button)


def test_enrol_needs_consent_then_captures_three_good_frames(members_kiosk: Any) -> None:
    kiosk, screen = members_kiosk, members_kiosk.screen("members")
    members = kiosk.app.terminal.members
    add(kiosk, "Barack Obama", PHONE, face=False)
    assert screen.member is not None and "Barack" in screen.ids.member_label.text
    assert "****0143" in screen.ids.member_label.text and PHONE not in screen.ids.member_label.text
    kiosk.tap(screen.ids.enrol_button)
    assert screen.status_error and "refused" in screen.ids.status.text and "agreed" in screen.ids.status.text
    assert not screen.enrolling and members.store.template_count() == 0

    add(kiosk, "Michelle Obama", "+12025550199", face=True)
    kiosk.tap(screen.ids.enrol_button)
    assert screen.section == "enrol" and screen.enrolling
    feedback: list[str] = []
    screen.bind(enrol_text=lambda _w, text: feedback.append(text))
    until(kiosk, lambda: not screen.enrolling)
    assert not screen.status_error, screen.ids.status.text
    assert "1/3 good frames" in feedback and "3/3 good frames" in feedback, feedback
    assert "Enrolled: 3 face templates" in screen.ids.enrol_label.text
    assert screen.preview is not None and members.store.template_count(screen.member.id) == 3
    assert "Face templates: 3" in screen.member_text


def test_feedback_names_the_quality_problem() -> None:
    from ui.members.enrol import feedback

    assert feedback("face_too_small", 1, 3) == "Come closer · 1/3 good frames"
    assert feedback("multiple_faces", 0, 3).startswith("One face only")
    assert feedback("blurred", 2, 3).startswith("Hold still")
    assert feedback("ok", 3, 3) == "3/3 good frames"
    from ui.facepay.texts import face_hint  # face-pay shows the same advice, from the step's face status

    assert face_hint("face_too_small") == "Come closer" and face_hint("other words") == "other words"


def test_find_by_phone_and_card_attach_and_delete(members_kiosk: Any) -> None:
    kiosk, screen = members_kiosk, members_kiosk.screen("members")
    term = kiosk.app.terminal
    barack = term.members.add("Barack Obama", PHONE, face_consent=True)
    term.members.enroll_templates(barack.id, [[0.01] * 128])
    kiosk.tap(screen.ids.nav_find)
    kiosk.enter(screen.ids.find_input, "12025550143")                 # no country code: refused with why
    assert screen.status_error and "country code" in screen.ids.status.text
    kiosk.enter(screen.ids.find_input, "+1 202 555 0143")
    assert screen.member is not None and screen.member.id == barack.id
    assert "Barack  ·  ****0143" in screen.ids.member_label.text and "0 points" in screen.ids.member_label.text
    kiosk.enter(screen.ids.find_input, "+12025550000")
    assert screen.member is None and "No member" in screen.ids.status.text

    kiosk.app.deliver_scan(barack.card)                                # the member's card, from the scanner
    kiosk.pump(4)
    assert kiosk.current == "members" and screen.member is not None and screen.member.id == barack.id
    kiosk.tap(screen.ids.attach_button)
    assert kiosk.current == "sale" and term.till.sale is not None and term.till.sale.member_id == barack.id

    kiosk.tap(kiosk.screen("sale").ids.members_button)
    kiosk.app.deliver_scan(barack.card)
    kiosk.pump(4)
    kiosk.tap(screen.ids.delete_button)
    assert screen.confirm_delete and term.members.store.template_count(barack.id) == 1    # asks first
    kiosk.tap(screen.ids.keep_button)
    assert not screen.confirm_delete and term.members.find_by_phone(PHONE) is not None
    kiosk.tap(screen.ids.delete_button)
    kiosk.tap(screen.ids.confirm_delete_button)
    assert "deleted with 1 face templates" in screen.ids.status.text
    assert term.members.find_by_phone(PHONE) is None and term.members.store.template_count() == 0
    assert screen.member is None


def test_a_card_scanned_at_the_sale_attaches_the_member(make_kiosk: Callable[..., Any]) -> None:
    kiosk = make_kiosk(cashier="Lan")
    term = kiosk.app.terminal
    barack = term.members.add("Barack Obama", PHONE, face_consent=False)
    kiosk.app.deliver_scan(barack.card)
    kiosk.pump(4)
    sale = kiosk.screen("sale")
    assert "Member Barack ****0143 attached" in sale.ids.status.text and term.till.sale.member_id == barack.id
