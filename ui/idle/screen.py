"""The idle screen: the shop's name, the time and "Tap to start"; a touch goes back to where the kiosk was."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.properties import StringProperty

from terminal.app.bootstrap import Terminal
from ui.common import PosScreen, load_common_kv, load_kv


class IdleScreen(PosScreen):
    """Shown after a while without a touch; any touch returns to `return_to` (the shift screen with no shift)."""

    shop_name = StringProperty("")
    time_text = StringProperty("")
    return_to = StringProperty("sale")

    def __init__(self, terminal: Terminal, **kwargs: Any) -> None:
        load_common_kv()
        load_kv(Path(__file__).with_name("screen.kv"))
        super().__init__(terminal, **kwargs)
        self.shop_name = terminal.config.shop_name
        self._event: Any = None
        self._tick(0)

    def on_pre_enter(self, *_args: Any) -> None:
        """Show the time now and keep it current while idle."""
        self._tick(0)
        if self._event is None:
            self._event = Clock.schedule_interval(self._tick, 1.0)

    def on_leave(self, *_args: Any) -> None:
        """Stop the clock while another screen is shown."""
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def _tick(self, _dt: float) -> None:
        self.time_text = datetime.now(self.terminal.config.timezone).strftime("%H:%M")  # the shop's clock

    def on_touch_down(self, touch: Any) -> bool:
        """Any touch wakes the kiosk; the touch itself goes no further."""
        self.wake()
        return True

    def wake(self) -> None:
        """Back to the screen the kiosk was on (the shift screen when no shift is open)."""
        target = self.return_to or "sale"
        if target == "sale" and self.terminal.shifts.current is None:
            target = "shift"
        self.go(target)
