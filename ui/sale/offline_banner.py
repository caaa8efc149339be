"""The red offline banner on the cashier's sale screen; what it says comes from terminal/link/offline_banner.py."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.properties import ObjectProperty
from kivy.uix.label import Label

from terminal.errors import EdgeposError
from terminal.link.offline_banner import read_banner_facts
from ui.common import load_kv

log = logging.getLogger(__name__)
REFRESH_S = 5.0


class OfflineBanner(Label):
    """Shows banner_text(facts) in red; hidden (no height, transparent) when that text is empty."""

    facts = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs: Any) -> None:
        load_kv(Path(__file__).with_name("offline_banner.kv"))
        super().__init__(**kwargs)
        self.terminal: Any = None
        self._event: Any = None

    def refresh(self, *_args: Any) -> None:
        """Read the outbox and link state again (the screen calls this after each sale)."""
        if self.terminal is None:
            return
        try:
            self.facts = read_banner_facts(self.terminal.db)
        except EdgeposError as err:
            log.warning("offline banner not refreshed: %s", err)

    def _tick(self, _dt: float) -> None:
        if self.get_root_window() is not None:  # a kiosk taken off the window (tests) keeps quiet
            self.refresh()

    def start(self, terminal: Any) -> None:
        """Refresh now and every REFRESH_S seconds while the screen is shown."""
        self.terminal = terminal
        if self._event is None:
            self._event = Clock.schedule_interval(self._tick, REFRESH_S)
        self.refresh()

    def stop(self) -> None:
        """Stop refreshing (the screen is left)."""
        if self._event is not None:
            self._event.cancel()
            self._event = None


Factory.register("OfflineBanner", cls=OfflineBanner)
