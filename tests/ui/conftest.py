"""A real Kivy window under Xvfb, a real terminal on a temp data dir, and a driver that taps widgets."""
from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("KIVY_NO_ARGS", "1")  # before any kivy import
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="edgepos-kivy-home-"))
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")

from terminal.app.bootstrap import Terminal, build_terminal
from terminal.config.settings import Config, ensure_config, load_config
from terminal.ports import Printer
from ui.launcher import start_xvfb

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"

pytestmark = pytest.mark.ui


@pytest.fixture(scope="session")
def display() -> Iterator[str]:
    """DISPLAY of the session: the caller's, or an Xvfb we start on a free display number."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    proc, name = start_xvfb(1280, 800)
    os.environ["DISPLAY"] = name
    try:
        yield name
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        del os.environ["DISPLAY"]


@pytest.fixture(scope="session")
def window(display: str) -> Any:
    """The one Kivy window of the test process, 1280x800 to start with."""
    from kivy.config import Config

    Config.set("graphics", "width", "1280")
    Config.set("graphics", "height", "800")
    Config.set("kivy", "exit_on_escape", "0")
    from kivy.base import EventLoop

    EventLoop.ensure_window()
    from kivy.core.window import Window

    return Window


def make_terminal(tmp_path: Path, printer: Printer | None = None,
                  configure: Callable[[Config], Config] | None = None) -> Terminal:
    """A terminal built from a temp copy of the default config, as the CLI builds it (`configure` edits it)."""
    config_path = tmp_path / "edgepos.toml"
    ensure_config(config_path)
    config = load_config(config_path)
    return build_terminal(configure(config) if configure else config, tmp_path / "data", printer=printer)


class Kiosk:
    """Drives the running app through its widgets, advancing Kivy's clock between steps."""

    def __init__(self, app: Any, window: Any) -> None:
        self.app, self.window = app, window

    def pump(self, frames: int = 4) -> None:
        """Let Kivy run a few frames (layout, clock callbacks, drawing)."""
        from kivy.base import EventLoop

        for _ in range(frames):
            EventLoop.idle()

    def until(self, check: Callable[[], Any], seconds: float, what: str = "timed out") -> None:
        """Pump frames until check() is true; fail with `what` after `seconds`."""
        deadline = time.monotonic() + seconds
        while not check():
            assert time.monotonic() < deadline, what
            self.pump(2)
            time.sleep(0.01)

    def screen(self, name: str) -> Any:
        """A screen of the app by name."""
        return self.app.root.get_screen(name)

    @property
    def current(self) -> str:
        """Name of the screen on show."""
        return str(self.app.root.current)

    def tap(self, button: Any) -> None:
        """Press and release a button, as a finger would."""
        assert not button.disabled, f"{button.text!r} is disabled"
        button.dispatch("on_press")
        button.dispatch("on_release")
        self.pump()

    def enter(self, field: Any, text: str) -> None:
        """Type into a text field and press Enter."""
        field.text = text
        self.pump(1)
        field.dispatch("on_text_validate")
        self.pump()

    def type(self, field: Any, text: str) -> None:
        """Type into a text field."""
        field.text = text
        self.pump(1)

    def modal(self) -> Any:
        """The cash panel (a ModalView on the window), or None."""
        from ui.sale.cash_panel import CashPanel

        panels = [w for w in self.window.children if isinstance(w, CashPanel)]
        return panels[0] if panels else None

    def resize(self, width: int, height: int) -> None:
        """Resize the window and let the layout settle."""
        self.window.size = (width, height)
        self.pump(8)


def start_kiosk(window: Any, term: Terminal) -> Iterator[Kiosk]:
    """Build the app on the test window; remove it (and any open panel) afterwards."""
    from kivy.uix.modalview import ModalView

    from ui.app import EdgeposApp

    app = EdgeposApp(term)
    app.root = app.build()
    window.add_widget(app.root)
    kiosk = Kiosk(app, window)
    kiosk.pump(6)
    try:
        yield kiosk
    finally:
        for widget in list(window.children):
            if isinstance(widget, ModalView):
                widget.dismiss(animation=False)
        kiosk.pump(2)
        app.dispatch("on_stop")  # its timers and window bindings (app.stop() would end the test's event loop)
        for widget in list(window.children):
            window.remove_widget(widget)
        kiosk.resize(1280, 800)


@pytest.fixture
def make_kiosk(window: Any, tmp_path: Path) -> Iterator[Callable[..., Kiosk]]:
    """A factory: make_kiosk(printer=None, cashier=None, configure=None, terminal=None) starts the app on a fresh
    terminal (or on `terminal`, built by the test; it is closed at teardown all the same)."""
    started: list[tuple[Iterator[Kiosk], Terminal]] = []

    def make(printer: Printer | None = None, cashier: str | None = None,
             configure: Callable[[Config], Config] | None = None, terminal: Terminal | None = None) -> Kiosk:
        term = terminal or make_terminal(tmp_path / f"t{len(started)}", printer, configure)
        if cashier is not None:
            term.shifts.open(cashier, term.till.money("200.00"))
        run = start_kiosk(window, term)
        started.append((run, term))
        return next(run)

    yield make
    for run, term in reversed(started):
        for _ in run:  # runs the cleanup after the yield
            pass
        term.close()


@pytest.fixture
def kiosk(make_kiosk: Callable[..., Kiosk]) -> Kiosk:
    """The kiosk app with no shift open (it starts on the shift screen)."""
    return make_kiosk()


@pytest.fixture
def selling(make_kiosk: Callable[..., Kiosk]) -> Kiosk:
    """The kiosk app with a shift open by Lan (float 200.00), on the sale screen."""
    return make_kiosk(cashier="Lan")
