"""The staff PIN pad: masked digits, what is asked, the error in the cashier's language, the lockout counted down."""
from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.modalview import ModalView

from terminal.errors import EdgeposError, PinRefused
from terminal.staff.model import StaffMember
from ui.common import load_common_kv, load_kv
from ui.errors_text import error_text
from ui.i18n import tr

MAX_PIN = 8


def _never_locked() -> float:
    return 0.0


class PinPad(ModalView):
    """Asks for a PIN. `check(pin)` returns whose it is or raises EdgeposError (shown, the pad stays open);
    on success the pad closes and `on_done(member)` runs; Cancel closes it and runs `on_cancel()`.
    `prompt()` gives what is asked in the current language; `locked_for()` the seconds the pad is still locked."""

    prompt_text = StringProperty("")
    entry = StringProperty("")
    message = StringProperty("")
    locked_s = NumericProperty(0)     # whole seconds until the pad takes a PIN again (0: it does)

    def __init__(self, prompt: Callable[[], str], check: Callable[[str], StaffMember],
                 on_done: Callable[[StaffMember], None], on_cancel: Callable[[], None] | None = None,
                 locked_for: Callable[[], float] = _never_locked, **kwargs: Any) -> None:
        load_common_kv()
        load_kv(Path(__file__).with_name("pin_pad.kv"))
        self._prompt, self._check, self._locked_for = prompt, check, locked_for
        self.on_done, self.on_cancel = on_done, on_cancel
        self._tick_event: Any = None
        super().__init__(**kwargs)
        self.prompt_text = prompt()
        tr.bind(lang=self._retranslate)
        self._tick(0)
        if self.locked_s:
            self._start_countdown()

    def _retranslate(self, *_args: Any) -> None:
        self.prompt_text = self._prompt()
        if self.locked_s:
            self._tick(0)

    def press_key(self, key: str) -> None:
        """One key: a digit, 'Del' (backspace), 'C' (clear) or 'OK'."""
        if self.locked_s:
            return
        if key == "OK":
            self.submit()
        elif key == "Del":
            self.entry = self.entry[:-1]
        elif key == "C":
            self.entry = ""
        elif key.isdigit() and len(self.entry) < MAX_PIN:
            self.entry += key

    def submit(self) -> None:
        """Check the PIN entered: close and hand on whose it is, or show why not (and lock when locked)."""
        pin, self.entry = self.entry, ""
        if not pin:
            return
        try:
            member = self._check(pin)
        except EdgeposError as err:
            self.message = error_text(err, tr._)
            if isinstance(err, PinRefused) and err.locked_for_s > 0:
                self._tick(0)
                self._start_countdown()
            return
        self._close()
        self.on_done(member)

    def cancel(self) -> None:
        """Close without a PIN."""
        self._close()
        if self.on_cancel is not None:
            self.on_cancel()

    def _close(self) -> None:
        self.dismiss(animation=False)  # gone at once: what runs next may open another pad

    def on_dismiss(self) -> None:
        """However the pad goes away: no more countdown or retranslation."""
        self._stop_countdown()
        tr.unbind(lang=self._retranslate)

    def _start_countdown(self) -> None:
        self._stop_countdown()
        self._tick_event = Clock.schedule_interval(self._tick, 0.5)

    def _stop_countdown(self) -> None:
        if self._tick_event is not None:
            self._tick_event.cancel()
            self._tick_event = None

    def _tick(self, _dt: float) -> None:
        seconds = math.ceil(self._locked_for())
        was_locked, self.locked_s = self.locked_s, seconds
        if seconds > 0:
            self.entry = ""
            self.message = tr._("Locked: try again in {s} s").format(s=seconds)
        elif was_locked:
            self.message = ""
            self._stop_countdown()
