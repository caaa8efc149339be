"""The kiosk App: fonts, window settings, the screens, the idle timeout and where scanned codes go."""
from __future__ import annotations

import logging
import time
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import NumericProperty
from kivy.uix.modalview import ModalView
from kivy.uix.screenmanager import NoTransition, ScreenManager

from terminal.app.bootstrap import Terminal
from ui.dispatch import run_on_ui
from ui.face_services import FaceServices
from ui.facepay.screen import FacePayScreen
from ui.fonts import register_default_font
from ui.i18n import tr
from ui.idle.screen import IdleScreen
from ui.members.screen import MembersScreen
from ui.sale.screen import SaleScreen
from ui.shift.screen import ShiftScreen
from ui.technician.screen import TechnicianScreen

log = logging.getLogger(__name__)
IDLE_TIMEOUT_S = 120.0
FACEPAY_TIMEOUT_S = 30.0


def apply_kiosk_window(fullscreen: bool) -> None:
    """Fullscreen, borderless and no cursor on the device; a normal window on a desk."""
    from kivy.core.window import Window  # importing it opens the window: only when building

    Window.clearcolor = (0.11, 0.13, 0.16, 1)
    if fullscreen:
        Window.borderless = True
        Window.fullscreen = "auto"
        Window.show_cursor = False


class EdgeposApp(App):
    """The point-of-sale kiosk around a ready-built Terminal."""

    idle_timeout = NumericProperty(IDLE_TIMEOUT_S)  # seconds without a touch, key or scan before the idle screen
    facepay_timeout = NumericProperty(FACEPAY_TIMEOUT_S)  # face-pay not confirmed by then: back to the sale

    def __init__(self, terminal: Terminal, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.terminal = terminal
        self.title = f"edgepos · {terminal.config.shop_name} · {terminal.config.terminal_id}"
        self.font_path: str | None = None
        self.last_activity = time.monotonic()
        self._idle_event: Any = None
        self.face: FaceServices | None = None   # the face screens' camera and identifier (built in build)

    def load_kv(self, filename: str | None = None) -> bool:
        """No app-level kv: each screen loads its own."""
        return True

    def build(self) -> ScreenManager:
        """Register the CJK font, set up the window, build the screens and start watching for idleness."""
        from kivy.core.window import Window

        self.font_path = register_default_font()
        tr.load(self.terminal.data_dir)
        apply_kiosk_window(self.terminal.config.fullscreen)
        manager = ScreenManager(transition=NoTransition())
        self.face = FaceServices(self.terminal)
        for screen in (ShiftScreen, SaleScreen, IdleScreen, TechnicianScreen, FacePayScreen, MembersScreen):
            name = screen.__name__.removesuffix("Screen").lower()
            manager.add_widget(screen(self.terminal, name=name))
        for face_screen in ("facepay", "members"):
            manager.get_screen(face_screen).app = self
        manager.current = "sale" if self.terminal.shifts.current is not None else "shift"
        Window.bind(on_touch_down=self.note_activity, on_key_down=self.note_activity)
        self._idle_event = Clock.schedule_interval(self._check_idle, 1.0)
        return manager

    def on_stop(self) -> None:
        """Stop the timers and let go of the window's events."""
        from kivy.core.window import Window

        Window.unbind(on_touch_down=self.note_activity, on_key_down=self.note_activity)
        if self._idle_event is not None:
            self._idle_event.cancel()
            self._idle_event = None
        if self.root is not None:
            self.screen("sale").stop()
            self.screen("members").stop_enrol()
            self.screen("facepay").stop()
        if self.face is not None:
            self.face.close()

    def screen(self, name: str) -> Any:
        """One of the app's screens ('sale', 'shift', 'idle', 'technician', 'facepay', 'members')."""
        return self.root.get_screen(name)

    def note_activity(self, *_args: Any) -> None:
        """A touch, a key or a scan: the kiosk is in use (returns None so the event goes on)."""
        self.last_activity = time.monotonic()

    def _check_idle(self, _dt: float) -> None:
        root = self.root
        if root is None or root.get_root_window() is None or root.current == "idle":
            return
        if any(isinstance(w, ModalView) for w in root.get_root_window().children):
            self.note_activity()  # a payment panel is open: a customer may be paying
            return
        if time.monotonic() - self.last_activity >= self.idle_timeout:
            self.go_idle()

    def go_idle(self) -> None:
        """Show the idle screen; a touch on it returns to the screen shown now. Whoever was signed in is signed
        out: the kiosk was left alone, so the next person to touch it gives their PIN (the shift stays open)."""
        self.terminal.staff.sign_out()
        idle = self.screen("idle")
        idle.return_to = self.root.current
        self.root.current = "idle"

    def deliver_scan(self, code: str) -> None:
        """A scanned code from any thread: handled on the main thread by the sale screen."""
        run_on_ui(self._on_scan, code)

    def device_error(self, text: str) -> None:
        """A scanner or camera problem from any thread: shown on the sale screen's status line."""
        run_on_ui(lambda: self.root is not None and self.screen("sale").say(text, error=True))

    def _on_scan(self, code: str) -> None:
        if self.root is None:
            return
        self.note_activity()
        technician = self.screen("technician")
        if self.root.current == "technician" and technician.unlocked:
            technician.show_scan(code)  # the scanner test
            return
        if self.root.current == "facepay":
            return  # the customer's screen: a scan must not pull the sale from under them
        if self.root.current == "members":
            self.screen("members").deliver_scan(code)
            return
        if self.root.current != "sale":
            self.root.current = "sale"
        self.screen("sale").deliver_scan(code)
