"""The cashier's members screen: find by phone or card, show and attach, add with consent, enrol a face, delete."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from terminal.app.bootstrap import Terminal
from terminal.members.service import MIN_CAMERA_FRAMES, Member, MemberService
from terminal.scanning.capture import clean_text, is_member_code
from ui.common import PosScreen, load_common_kv, load_kv
from ui.i18n import tr
from ui.members.enrol import EnrolCapture
from ui.members.topup import MemberTopUps

FACE_CONSENT = ("Face-pay keeps a template of your face (numbers computed from camera pictures, not the pictures) "
                "encrypted on this terminal, to recognise you when you pay by face. It is used for nothing else, "
                "never shared, and deleted with your membership or when you withdraw this consent at the counter.")


class MembersScreen(PosScreen, MemberTopUps):
    """Sections: find (and the member found), add (with the consent text), enrol (camera capture)."""

    section = StringProperty("find")
    member = ObjectProperty(None, allownone=True)
    member_text = StringProperty("")
    confirm_delete = BooleanProperty(False)
    code_topup = BooleanProperty(False)   # the next payment code scanned tops up the member shown
    enrolling = BooleanProperty(False)
    enrol_text = StringProperty("")
    preview = ObjectProperty(None, allownone=True)

    def __init__(self, terminal: Terminal, **kwargs: Any) -> None:
        load_common_kv()
        load_kv(Path(__file__).with_name("screen.kv"))
        super().__init__(terminal, **kwargs)
        self.app: Any = None          # the EdgeposApp: its face services
        self._capture: EnrolCapture | None = None
        self._camera_held = False

    @property
    def members(self) -> MemberService:
        """The terminal's member service."""
        assert self.terminal.members is not None
        return self.terminal.members

    def consent_text(self) -> str:
        """The face-data consent, in full, in the kiosk's language."""
        return tr._(FACE_CONSENT)

    def on_leave(self, *_args: Any) -> None:
        """Stop any capture; forget the member shown and any pending delete."""
        self.stop_enrol()
        self.confirm_delete = False

    def show_section(self, name: str) -> None:
        """Switch between find, add and enrol."""
        if name != "enrol":
            self.stop_enrol()
        self.section = name
        self.ids.sections.current = name

    def show(self, member: Member | None) -> None:
        """Show one member: first name, masked phone, points, face data (never the whole phone)."""
        self.member, self.confirm_delete = member, False
        if member is None:
            self.code_topup = False
        if member is None:
            self.member_text = ""
            return
        faces = self.members.store.template_count(member.id)
        consent = tr._("face consent given") if member.face_consent else tr._("no face consent")
        self.member_text = "\n".join([member.display_name + "  ·  " + member.masked_phone,
                                      tr._("{points} points").format(points=member.points),
                                      self.balance_text(member.id),
                                      tr._("Face templates: {n} ({consent})").format(n=faces, consent=consent)])

    def find_phone(self, text: str) -> None:
        """Find by the typed phone (with its country code)."""
        if not text.strip():
            return
        ok, member = self.attempt(self.members.find_by_phone, text)
        if ok:
            self.show(member)
            self.say(tr._("Member found.") if member else tr._("No member has this phone."), error=member is None)

    def show_card(self, token: str) -> None:
        """A scanned member card: show its member (a forged or revoked card says why)."""
        self.show_section("find")
        ok, member = self.attempt(self.members.find_by_card, token)
        self.show(member if ok else None)
        if ok:
            self.say(tr._("Member found."))

    def deliver_scan(self, code: str) -> None:
        """A scanned code while this screen is shown: a member card is looked up, anything else is refused."""
        if self.deliver_topup_code(clean_text(code)):
            return
        if is_member_code(clean_text(code)):
            self.show_card(clean_text(code))
        else:
            self.show(None)
            self.say(tr._("Not a member card: scan the member's card, or type their phone."), error=True)

    def attach_to_sale(self) -> None:
        """The member earns the current sale's points; back to the sale."""
        if self.member is not None and self.attempt(self.terminal.till.attach_member, self.member)[0]:
            name = self.member.display_name
            self.go("sale")
            self.manager.get_screen("sale").say(tr._("Member {name} attached to the sale.").format(name=name))

    def add_member(self) -> None:
        """Add from the form; face consent only when 'I agree' is on, marketing separately."""
        ids = self.ids
        ok, member = self.attempt(self.members.add, ids.name_input.text, ids.phone_input.text,
                                  ids.face_consent.state == "down", ids.marketing_consent.state == "down")
        if ok:
            ids.name_input.text = ids.phone_input.text = ""
            ids.face_consent.state = ids.marketing_consent.state = "normal"
            self.show(member)
            self.show_section("find")
            self.say(tr._("Member {name} added.").format(name=member.display_name))

    def start_enrol(self) -> None:
        """Capture good frames of the member's face; refused without recorded face consent."""
        member = self.member
        if member is None:
            self.say(tr._("Find or add the member first."), error=True)
            return
        if not member.face_consent:
            self.say(tr._("Enrolment refused: {name} has not agreed to face data. Record the consent first.")
                     .format(name=member.display_name), error=True)
            return
        self.show_section("enrol")
        if self.enrolling:
            return
        self.enrolling, self.preview = True, None
        self.enrol_text = tr._("Look at the camera") + " · " + tr._("{n}/{total} good frames").format(
            n=0, total=MIN_CAMERA_FRAMES)
        self.app.face.camera.acquire()
        self._camera_held = True
        self._capture = EnrolCapture(self.app.face, member.id, self._frame, self._enrolled, self._enrol_failed)
        self._capture.start()

    def stop_enrol(self) -> None:
        """Stop a capture in progress (nothing is stored) and let go of the camera."""
        if self._capture is not None:
            self._capture.stop()
            self._capture = None
        if self._camera_held:
            self.app.face.camera.release()
            self._camera_held = False
        self.enrolling = False

    def _frame(self, pixels: tuple[int, int, bytes], text: str, _good: int) -> None:
        width, height, data = pixels
        texture = self.preview
        if texture is None or tuple(texture.size) != (width, height):
            texture = Texture.create(size=(width, height), colorfmt="rgb")
            texture.flip_vertical()
        texture.blit_buffer(data, colorfmt="bgr", bufferfmt="ubyte")
        self.preview, self.enrol_text = texture, text
        self.ids.enrol_preview.canvas.ask_update()

    def _enrolled(self, stored: int) -> None:
        self._capture = None
        self.stop_enrol()
        member = self.members.get(self.member.id) if self.member is not None else None
        self.show(member)
        self.enrol_text = tr._("Enrolled: {n} face templates stored.").format(n=stored)
        self.say(self.enrol_text)

    def _enrol_failed(self, text: str) -> None:
        self._capture = None
        self.stop_enrol()
        self.enrol_text = text
        self.say(tr._("Enrolment failed: {error}").format(error=text), error=True)

    def ask_delete(self) -> None:
        """First tap on Delete: ask to confirm."""
        if self.member is not None:
            self.confirm_delete = True

    def delete_member(self) -> None:
        """Confirmed: the member and every face template of theirs are removed."""
        member = self.member
        if member is None or not self.confirm_delete:
            return
        ok, removed = self.attempt(self.members.delete, member.id)
        if ok:
            self.app.face.reload_gallery()
            self.show(None)
            self.say(tr._("Member deleted with {n} face templates.").format(n=removed))

    def back(self) -> None:
        """Back to the sale."""
        self.go("sale")
