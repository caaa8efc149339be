"""The customer's face-pay screen: live preview, look / blink prompts, phone-digit keypad, charge and result."""
from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.graphics.texture import Texture
from kivy.properties import NumericProperty, ObjectProperty, StringProperty

from terminal.app.bootstrap import Terminal
from terminal.errors import EdgeposError
from terminal.face.pay import FacePaySession, FacePayStep, FaceStep
from terminal.payments.outcome import OutcomeStatus
from terminal.sales.sale import PaymentMethod
from terminal.sales.till import Completed
from ui.common import PosScreen, load_common_kv, load_kv
from ui.dispatch import run_in_background, ui_callback
from ui.errors_text import error_text
from ui.facepay.texts import face_hint, refusal_text
from ui.facepay.worker import FacePayWorker, Pixels
from ui.i18n import tr
from ui.sale.refusals import payment_refusal_text

Finish = Callable[[Completed | None, str], None]


class Stage(StrEnum):
    """What the face-pay screen shows: the session's steps, then the charge and its result."""

    STARTING = "starting"
    IDENTIFY = "identify"
    LIVENESS = "liveness"
    DIGITS = "digits"
    CHARGING = "charging"
    APPROVED = "approved"
    FAILED = "failed"


LOOKING = (Stage.STARTING, Stage.IDENTIFY, Stage.LIVENESS, Stage.DIGITS)   # the timeout still applies
SETTLED = (Stage.CHARGING, Stage.APPROVED, Stage.FAILED)                   # no session step changes these


class FacePayScreen(PosScreen):
    """Stages: starting, identify, liveness, digits, charging, approved, failed; the sale stays in tender."""

    stage = StringProperty(Stage.STARTING)
    prompt = StringProperty("")
    hint = StringProperty("")
    due_text = StringProperty("")
    entry = StringProperty("")
    tries_left = NumericProperty(0)
    progress_text = StringProperty("")
    result_title = StringProperty("")
    result_text = StringProperty("")
    preview = ObjectProperty(None, allownone=True)

    def __init__(self, terminal: Terminal, **kwargs: Any) -> None:
        load_common_kv()
        load_kv(Path(__file__).with_name("screen.kv"))
        super().__init__(terminal, **kwargs)
        self.app: Any = None          # the EdgeposApp: its face services and facepay_timeout
        self.session: FacePaySession | None = None
        self._worker: FacePayWorker | None = None
        self._timeout: Any = None
        self._on_finish: Finish | None = None
        self._done: Completed | None = None

    def begin(self, on_finish: Finish) -> None:
        """Called by the sale screen before showing this one (the sale is in tender)."""
        self._on_finish = on_finish

    def on_enter(self, *_args: Any) -> None:
        """Start the camera and the face worker, and the timeout."""
        sale = self.terminal.till.sale
        self.due_text = tr._("To pay: {amount}").format(amount=sale.due.format()) if sale is not None else ""
        self.stage, self.entry, self.hint, self.preview, self._done = Stage.STARTING, "", "", None, None
        self.prompt, self.session = tr._("Starting the camera…"), None
        self.result_title = self.result_text = self.progress_text = ""
        services = self.app.face
        services.camera.acquire()
        daily_cap, balance_cap = self.terminal.config.face.daily_cap, self.terminal.config.members.balance_offline_cap
        self._worker = FacePayWorker(services, lambda ident: FacePaySession(ident, self.terminal.till, daily_cap,
                                                                            balance_cap),
                                     self._ready, self.show_step, self._show_preview, self._worker_failed)
        self._worker.start()
        self._timeout = Clock.schedule_once(self._timed_out, float(self.app.facepay_timeout))

    def on_leave(self, *_args: Any) -> None:
        """Stop the worker and the camera, forget the session."""
        self._stop_looking()
        self.app.face.camera.release()
        self.session = None

    def stop(self) -> None:
        """The app stops: no more face work or timeout."""
        self._stop_looking()

    def _stop_looking(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None
        if self._timeout is not None:
            self._timeout.cancel()
            self._timeout = None

    def _ready(self, session: FacePaySession) -> None:
        self.session = session
        self.show_step(session.step)

    def _show_preview(self, pixels: Pixels) -> None:
        width, height, data = pixels
        texture = self.preview
        if texture is None or tuple(texture.size) != (width, height):
            texture = Texture.create(size=(width, height), colorfmt="rgb")
            texture.flip_vertical()
        texture.blit_buffer(data, colorfmt="bgr", bufferfmt="ubyte")
        self.preview = texture
        self.ids.preview_image.canvas.ask_update()

    def show_step(self, step: FaceStep) -> None:
        """A step from the session (worker or keypad): prompt, keypad or result."""
        if self.stage in SETTLED:
            return
        if step.stage is FacePayStep.IDENTIFY:
            self.stage, self.prompt = Stage.IDENTIFY, tr._("Look at the camera")
            self.hint = face_hint(step.face, tr._)
        elif step.stage is FacePayStep.LIVENESS:
            self.stage, self.prompt, self.hint = Stage.LIVENESS, tr._("Please blink"), ""
        elif step.stage is FacePayStep.DIGITS:
            self.stage, self.tries_left = Stage.DIGITS, step.tries_left
            self.prompt = tr._("Enter the last 4 digits of your phone")
            if self._worker is not None:
                self._worker.stop()          # no more face work: only the keypad now
        elif step.stage is FacePayStep.CONFIRMED:
            self._charge()
        else:
            self._fail(*refusal_text(step, tr._))

    def press_key(self, key: str) -> None:
        """A keypad key: a digit, 'Del' or 'OK'."""
        if self.stage != Stage.DIGITS or self.session is None:
            return
        if key == "Del":
            self.entry = self.entry[:-1]
        elif key == "OK":
            if len(self.entry) == 4:
                entry, self.entry = self.entry, ""
                step = self.session.digits(entry)
                if step.stage is FacePayStep.DIGITS:
                    self.tries_left = step.tries_left
                    self.hint = tr._("Wrong digits: {n} tries left").format(n=step.tries_left)
                self.show_step(step)
        elif key.isdigit() and len(self.entry) < 4:
            self.entry += key

    def _charge(self) -> None:
        self._stop_looking()
        session, authorizer = self.session, self.terminal.code_payments
        if session is None or authorizer is None:
            self._fail(tr._("Face-pay needs the payment service"),
                       tr._("The terminal is not linked to the payment service: please pay another way."))
            return
        self.stage, self.prompt, self.hint = Stage.CHARGING, tr._("Paying…"), ""
        self.progress_text = tr._("Sending the payment…")
        progress = ui_callback(lambda text: setattr(self, "progress_text", text))
        members = self.terminal.members
        assert members is not None

        def work() -> tuple[Any, Completed | None, Any, str]:
            outcome, done = session.charge(authorizer, progress)
            award = members.award_for(done.sale.id) if done is not None else None
            return outcome, done, award, members.get(session.member_id or "").display_name

        run_in_background(work, self._charged, lambda err: self._fail(tr._("Not paid"), error_text(err, tr._)),
                          name="edgepos-facepay-charge")

    def _charged(self, result: tuple[Any, Completed | None, Any, str]) -> None:
        outcome, done, award, first_name = result
        if done is None:
            said = payment_refusal_text(outcome.refusal, outcome.message, tr._)
            self._fail(tr._("Not paid"), f"{said} " + tr._("The sale is waiting: please pay another way."))
            return
        self._done, self.stage = done, Stage.APPROVED
        self.prompt = tr._("Approved") if outcome.status == OutcomeStatus.APPROVED else tr._("Accepted offline")
        self.result_title = tr._("Thank you, {name}!").format(name=first_name)
        points, balance = (award.points, award.balance) if award is not None else (0, 0)
        self.result_text = (tr._("Paid {amount}").format(amount=done.payment.amount.format()) + "\n"
                            + tr._("+{points} points, balance {balance} points").format(points=points,
                                                                                        balance=balance))
        spent = self.terminal.members.balance.spent_by(done.sale.id) if self.terminal.members else None
        if done.payment.method == PaymentMethod.MEMBER_BALANCE and spent is not None:
            self.result_text += "\n" + tr._("Paid from your prepaid balance: {balance} left").format(
                balance=spent.balance.format())

    def _fail(self, title: str, detail: str) -> None:
        self._stop_looking()
        self.stage, self.prompt, self.hint = Stage.FAILED, title, ""
        self.result_title, self.result_text = title, detail

    def _worker_failed(self, text: str) -> None:
        self._fail(tr._("Face-pay is not available"), text)

    def _timed_out(self, _dt: float) -> None:
        self._timeout = None
        if self.stage in LOOKING:
            self.leave(tr._("Face-pay timed out: the sale waits for another way to pay."))

    def leave(self, note: str = "") -> None:
        """Back to the sale screen: paid, or with the sale unlocked for another payment method."""
        if self.stage == Stage.CHARGING:
            return                       # the charge runs to its end (query/reverse discipline)
        done, finish = self._done, self._on_finish
        if done is None:
            try:
                self.terminal.till.resume()
            except EdgeposError:
                pass                     # not in tender any more: nothing to unlock
            if not note and self.stage == Stage.FAILED:
                note = f"{tr._('Face-pay')}: {self.result_title}. {self.result_text}"
        self.go("sale")
        if finish is not None:
            finish(done, note or tr._("Face-pay cancelled."))
