"""`edgepos kiosk`: run the kiosk app, on a virtual display (Xvfb) when the machine has none."""
from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from terminal.app.bootstrap import Terminal
from terminal.errors import EdgeposError

DEFAULT_SIZE = (1280, 800)
SCREENSHOT_DELAY = 2.5


class DisplayError(EdgeposError):
    """No display, and no virtual display could be started."""


def _die_with_parent() -> None:
    """In the child: ask Linux for SIGTERM when the process that started us dies (even by SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the finally in run_kiosk still stops it on a normal exit


def start_xvfb(width: int, height: int, timeout: float = 15.0) -> tuple[subprocess.Popen[bytes], str]:
    """Start Xvfb on a free display number; returns the process and the DISPLAY value (':N')."""
    exe = shutil.which("Xvfb")
    if exe is None:
        raise DisplayError("there is no display and Xvfb is not installed: run `sudo apt-get install xvfb` "
                           "(or start the kiosk from a desktop session)")
    read_fd, write_fd = os.pipe()
    # Its own session, so a Ctrl-C or a `timeout` sent to our group does not pull the display away
    # while Kivy is still closing; it dies with us through PDEATHSIG instead.
    proc = subprocess.Popen([exe, "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x24",
                             "-nolisten", "tcp"], pass_fds=(write_fd,), start_new_session=True,
                            preexec_fn=_die_with_parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    number, deadline = b"", time.monotonic() + timeout
    try:
        while not number.endswith(b"\n"):
            ready, _, _ = select.select([read_fd], [], [], max(deadline - time.monotonic(), 0))
            chunk = os.read(read_fd, 16) if ready else b""
            if not chunk:
                proc.kill()
                raise DisplayError(f"Xvfb did not start within {timeout:.0f} s (exit code {proc.poll()})")
            number += chunk
    finally:
        os.close(read_fd)
    return proc, f":{number.decode().strip()}"


def deliver_code(text: str) -> None:
    """A scanner's or camera's code, from its thread, to the running kiosk (dropped before it runs)."""
    from kivy.app import App

    app = App.get_running_app()
    if app is not None:
        app.deliver_scan(text)


def report_device_error(text: str) -> None:
    """A device problem, from its thread, shown to the cashier on the status line."""
    from kivy.app import App

    app = App.get_running_app()
    if app is not None:
        app.device_error(text)


def default_screenshot_path(data_dir: Path) -> Path:
    """Where the kiosk saves its screenshot: <data_dir>/screenshots/kiosk-<time>.png."""
    return data_dir / "screenshots" / f"kiosk-{datetime.now().strftime('%Y%m%d-%H%M%S')}.png"


def save_screenshot(path: Path) -> Path:
    """Save what the window shows (opaque, as drawn) to exactly this path."""
    from kivy.core.window import Window

    path.parent.mkdir(parents=True, exist_ok=True)
    written = Window.screenshot(name=str(path.with_name(path.stem + "-tmp.png")))
    if not written:
        raise DisplayError(f"could not read the window to save {path}")
    os.replace(written, path)
    return path


def configure_kivy(size: tuple[int, int], fullscreen: bool) -> None:
    """Kivy's window settings; call before the window opens (before importing kivy.core.window)."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")  # the edgepos CLI's arguments are not Kivy's
    from kivy.config import Config

    Config.set("graphics", "width", str(size[0]))
    Config.set("graphics", "height", str(size[1]))
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "borderless", "1" if fullscreen else "0")
    Config.set("graphics", "show_cursor", "0" if fullscreen else "1")
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,multitouch_on_demand")


def _run_app(terminal: Terminal, size: tuple[int, int], screenshot: Path | None, exit_after: float | None) -> int:
    configure_kivy(size, terminal.config.fullscreen)
    from kivy.clock import Clock
    from kivy.core.window import Window

    from ui.app import EdgeposApp

    if not terminal.config.fullscreen and tuple(Window.size) != size:
        Window.size = size
    app = EdgeposApp(terminal)

    def shoot(_dt: float) -> None:
        assert screenshot is not None
        try:
            print(f"edgepos kiosk: screenshot saved to {save_screenshot(screenshot)}", flush=True)
        except (OSError, EdgeposError) as err:
            print(f"edgepos kiosk: screenshot failed: {err}", file=sys.stderr, flush=True)

    def stop(*_args: Any) -> None:
        Clock.schedule_once(lambda _dt: app.stop(), 0)

    if screenshot is not None:
        delay = SCREENSHOT_DELAY if exit_after is None else min(SCREENSHOT_DELAY, exit_after / 2)
        Clock.schedule_once(shoot, delay)
    if exit_after is not None:
        Clock.schedule_once(lambda _dt: app.stop(), exit_after)
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        app.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def virtual_display_if_needed(width: int, height: int) -> subprocess.Popen[bytes] | None:
    """Start Xvfb and point DISPLAY at it when there is no display; None when there is one already."""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    xvfb, display = start_xvfb(width, height)
    os.environ["DISPLAY"] = display
    return xvfb


def stop_display(xvfb: subprocess.Popen[bytes] | None) -> None:
    """Stop the Xvfb started by virtual_display_if_needed (nothing to do for a real display)."""
    if xvfb is None:
        return
    xvfb.terminate()
    try:
        xvfb.wait(timeout=5)
    except subprocess.TimeoutExpired:
        xvfb.kill()


def run_kiosk(terminal: Terminal, *, size: tuple[int, int] | None = None, screenshot: Path | None = None,
              exit_after: float | None = None) -> int:
    """Run the kiosk until killed (or for exit_after seconds); starts Xvfb when there is no display."""
    width, height = size or DEFAULT_SIZE
    # Kivy's own settings and logs live with the terminal's data, not in the user's home.
    os.environ.setdefault("KIVY_HOME", str(terminal.data_dir / "kivy"))
    try:
        xvfb = virtual_display_if_needed(width, height)
    except DisplayError as err:
        print(f"edgepos kiosk: {err}", file=sys.stderr)
        return 2
    if xvfb is not None:
        screenshot = screenshot or default_screenshot_path(terminal.data_dir)
        print(f"edgepos kiosk: no display found, running on virtual display {os.environ['DISPLAY']} "
              f"(Xvfb {width}x{height}); a screenshot will be saved to {screenshot}", flush=True)
    try:
        return _run_app(terminal, (width, height), screenshot, exit_after)
    finally:
        stop_display(xvfb)
