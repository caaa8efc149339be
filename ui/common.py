"""What every kiosk screen shares: the terminal, a status line, and turning domain errors into words."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.screenmanager import Screen

from terminal.app.bootstrap import Terminal
from terminal.errors import EdgeposError
from ui.errors_text import error_text
from ui.i18n import tr

_loaded: set[str] = set()


def load_kv(path: Path) -> None:
    """Load a .kv file once per process (screens call this before their first instance)."""
    key = str(path.resolve())
    if key not in _loaded:
        Builder.load_file(key)
        _loaded.add(key)


def load_common_kv() -> None:
    """Load the shared widget rules (buttons, labels, inputs, status line)."""
    load_kv(Path(__file__).with_name("common.kv"))


class PosScreen(Screen):
    """A screen with the terminal and a status line that shows domain errors in red."""

    status_text = StringProperty("")
    status_error = BooleanProperty(False)

    def __init__(self, terminal: Terminal, **kwargs: Any) -> None:
        self.terminal = terminal
        super().__init__(**kwargs)

    def say(self, text: str, error: bool = False) -> None:
        """Show a message on the status line (red when it is an error)."""
        self.status_text = text
        self.status_error = error

    def attempt(self, fn: Callable[..., Any], *args: Any) -> tuple[bool, Any]:
        """Call a terminal service; an EdgeposError is shown to the cashier instead of raised."""
        try:
            return True, fn(*args)
        except EdgeposError as err:
            self.say(error_text(err, tr._), error=True)
            return False, None

    def go(self, name: str) -> None:
        """Switch to another screen by name."""
        if self.manager is not None:
            self.manager.current = name
