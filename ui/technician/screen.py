"""The technician screen: PIN pad, then device checks, tests, queue status, recent logs and the language."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.properties import BooleanProperty, StringProperty

from terminal.app import technician
from terminal.app.bootstrap import Terminal
from terminal.link.offline_banner import format_age
from terminal.sales.clock_text import stored_time_text
from terminal.store.sync_store import LinkState
from terminal.technician.pin_lock import PinLock
from ui.common import PosScreen, load_common_kv, load_kv
from ui.i18n import LANGUAGES, N_, tr
from ui.technician.device_tests import CheckRow, DeviceTests

__all__ = ["CheckRow", "TechnicianScreen"]
MAX_PIN = 8
LINK_STATES: dict[str, str] = {
    LinkState.CONNECTING: N_("connecting"), LinkState.ONLINE: N_("online"), LinkState.OFFLINE: N_("offline"),
    LinkState.REFUSED: N_("refused"), LinkState.STOPPED: N_("stopped"), LinkState.NEVER_STARTED: N_("never started"),
    LinkState.NOT_RUNNING: N_("not running"),
}


class TechnicianScreen(PosScreen, DeviceTests):
    """Locked until the PIN is entered; locks again whenever the screen is left."""

    unlocked = BooleanProperty(False)
    pin_entry = StringProperty("")
    pin_message = StringProperty("")
    pin_error = BooleanProperty(False)
    section = StringProperty("devices")
    queue_text = StringProperty("")
    log_text = StringProperty("")

    def __init__(self, terminal: Terminal, **kwargs: Any) -> None:
        load_common_kv()
        Factory.register("CheckRow", cls=CheckRow)
        load_kv(Path(__file__).with_name("screen.kv"))
        super().__init__(terminal, **kwargs)
        self.pin_lock = PinLock(terminal.config.technician_pin)
        self._unlock_event: Any = None
        self.pin_message = tr._("Enter the technician PIN")

    def on_leave(self, *_args: Any) -> None:
        """Lock again: the next visit asks for the PIN."""
        self.unlocked, self.pin_entry, self.pin_error = False, "", False
        self.pin_message = tr._("Enter the technician PIN")
        self.say("")

    def back(self) -> None:
        """Back to selling (the shift screen when no shift is open)."""
        self.go("sale" if self.terminal.shifts.current is not None else "shift")

    def press_key(self, key: str) -> None:
        """One PIN pad key: a digit, 'Del' or 'OK'."""
        if key == "OK":
            self.submit_pin()
        elif key == "Del":
            self.pin_entry = self.pin_entry[:-1]
        elif key.isdigit() and len(self.pin_entry) < MAX_PIN:
            self.pin_entry += key

    def submit_pin(self) -> None:
        """Check the entered PIN; three wrong ones lock the pad for 30 seconds."""
        verdict = self.pin_lock.check(self.pin_entry)
        self.pin_entry = ""
        if verdict.ok:
            self.unlocked, self.pin_error = True, False
            self.show_section(self.section)
            return
        self.pin_error = True
        if verdict.locked_for_s > 0:
            seconds = int(verdict.locked_for_s + 0.999)
            self.pin_message = tr._("Locked: try again in {s} s").format(s=seconds)
            if self._unlock_event is not None:
                self._unlock_event.cancel()
            self._unlock_event = Clock.schedule_once(self._lock_over, verdict.locked_for_s)
        else:
            self.pin_message = tr._("Wrong PIN: {n} tries left").format(n=verdict.tries_left)

    def _lock_over(self, _dt: float) -> None:
        if not self.unlocked and self.pin_lock.locked_for() <= 0:
            self.pin_error, self.pin_message = False, tr._("Enter the technician PIN")

    def show_section(self, name: str) -> None:
        """Switch the tools to one section: devices, tests, queue or language."""
        self.section = name
        self.ids.sections.current = name
        if name == "queue":
            self.refresh_queue()

    def refresh_queue(self) -> None:
        """Queue status and the last log lines, as `edgepos sync status` and the log file have them."""
        status = technician.queue_status(self.terminal)
        never = tr._("never")
        oldest = format_age(status.oldest_pending_age_s, tr._) if status.oldest_pending_age_s is not None else "-"
        state = tr._(LINK_STATES[status.link]) if status.link in LINK_STATES else status.link
        lines = [tr._("Link: {state}").format(state=state)
                 + (f" ({status.detail})" if status.detail else ""),
                 tr._("Pending events: {n}, oldest {age}").format(n=status.pending, age=oldest),
                 tr._("Rejected events: {n}").format(n=status.rejected),
                 tr._("Last ack: {at}").format(at=stored_time_text(status.last_ack_at, self.terminal.config.timezone,
                                                                   seconds=True) if status.last_ack_at else never)]
        self.queue_text = "\n".join(lines)
        log = technician.recent_log(self.terminal)
        self.log_text = "\n".join(log) if log else tr._("The log is empty.")

    def set_language(self, code: str) -> None:
        """Switch every screen to English, Chinese or Vietnamese, and remember it."""
        tr.switch(code, self.terminal.data_dir)
        self.pin_message = tr._("Enter the technician PIN")
        self.say(tr._("Language: {name}").format(name=LANGUAGES[code]))
        if self.section == "queue":
            self.refresh_queue()
