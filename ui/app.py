"""The kiosk App: fonts, window settings, and the screen manager with the shift and sale screens."""
from __future__ import annotations

import logging
from typing import Any

from kivy.app import App
from kivy.uix.screenmanager import NoTransition, ScreenManager

from terminal.bootstrap import Terminal
from ui.dispatch import run_on_ui
from ui.fonts import register_default_font
from ui.sale.screen import SaleScreen
from ui.shift.screen import ShiftScreen

log = logging.getLogger(__name__)


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

    def __init__(self, terminal: Terminal, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.terminal = terminal
        self.title = f"edgepos · {terminal.config.shop_name} · {terminal.config.terminal_id}"
        self.font_path: str | None = None

    def load_kv(self, filename: str | None = None) -> bool:
        """No app-level kv: each screen loads its own."""
        return True

    def build(self) -> ScreenManager:
        """Register the CJK font, set up the window and build both screens."""
        self.font_path = register_default_font()
        apply_kiosk_window(self.terminal.config.fullscreen)
        manager = ScreenManager(transition=NoTransition())
        manager.add_widget(ShiftScreen(self.terminal, name="shift"))
        manager.add_widget(SaleScreen(self.terminal, name="sale"))
        manager.current = "sale" if self.terminal.shifts.current is not None else "shift"
        return manager

    def screen(self, name: str) -> Any:
        """One of the app's screens ('sale', 'shift')."""
        return self.root.get_screen(name)

    def deliver_scan(self, code: str) -> None:
        """A scanned code from any thread: handled on the main thread by the sale screen."""
        run_on_ui(self._on_scan, code)

    def device_error(self, text: str) -> None:
        """A scanner or camera problem from any thread: shown on the sale screen's status line."""
        run_on_ui(lambda: self.root is not None and self.screen("sale").say(text, error=True))

    def _on_scan(self, code: str) -> None:
        if self.root is None:
            return
        if self.root.current != "sale":
            self.root.current = "sale"
        self.screen("sale").deliver_scan(code)
