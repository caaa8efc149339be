"""The one place where work from other threads is handed to Kivy's main thread (and where workers start)."""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock


def on_ui_thread() -> bool:
    """True when called on the thread that runs Kivy's event loop (the main thread)."""
    return threading.current_thread() is threading.main_thread()


def run_on_ui(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run fn(*args, **kwargs) on Kivy's main thread at the next frame; safe to call from any thread."""
    Clock.schedule_once(lambda _dt: fn(*args, **kwargs), 0)


def ui_callback(fn: Callable[..., Any]) -> Callable[..., None]:
    """Wrap fn so that calling the wrapper from a worker thread runs fn on the main thread."""
    def wrapper(*args: Any, **kwargs: Any) -> None:
        run_on_ui(fn, *args, **kwargs)
    wrapper.__name__ = getattr(fn, "__name__", "ui_callback")
    wrapper.__doc__ = fn.__doc__
    return wrapper


def run_in_background(work: Callable[[], Any], on_done: Callable[[Any], None],
                      on_error: Callable[[Exception], None], name: str = "edgepos-worker") -> threading.Thread:
    """Run work() in a daemon thread; its result (or the exception it raised) is handed to the main thread."""
    def run() -> None:
        try:
            result = work()
        except Exception as err:  # noqa: BLE001 - any failure is the screen's to show, never the worker's to swallow
            run_on_ui(on_error, err)
            return
        run_on_ui(on_done, result)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread
