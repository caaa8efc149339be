"""Where recovery runs: the kiosk and `sync run` until stopped; other commands one bounded sweep in the background."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from terminal.config.settings import Config
from terminal.payments.code_payment import CodeAuthorizer
from terminal.payments.ownership import process_owner
from terminal.payments.recovery import Recovery
from terminal.store.sync_store import SyncStore

if TYPE_CHECKING:
    from sync.link import SyncLink
    from terminal.app.bootstrap import Kiosk, Terminal

CONNECT_WAIT_S = 5.0   # a one-shot command waits this long for the link before sweeping


def recovery_for(terminal: Terminal, authorizer: CodeAuthorizer, *, announce: bool = False) -> Recovery:
    """The recovery of this terminal, on this process's owner token (its lock is taken here if not yet)."""
    qr = terminal.qr_payments
    return Recovery(authorizer, terminal.till, terminal.db, process_owner(terminal.data_dir),
                    qr_window_s=qr.window_s if qr is not None else 120.0, announce=announce)


@dataclass
class Background:
    """A running recovery thread and how to stop it."""

    stop: threading.Event
    thread: threading.Thread

    def close(self, timeout: float = 3.0) -> None:
        """Stop the sweeps (the one in progress finishes its current step or is abandoned at exit)."""
        self.stop.set()
        self.thread.join(timeout)


def run_in_background(terminal: Terminal, authorizer: CodeAuthorizer, *, announce: bool = False) -> Background:
    """Recovery until stopped: the kiosk (announcing to the cashier) and `edgepos sync run`."""
    stop = threading.Event()
    return Background(stop, recovery_for(terminal, authorizer, announce=announce).start(stop))


def start_sync_recovery(terminal: Terminal, link: SyncLink) -> Background:
    """`edgepos sync run`: wallet payments on its link (late results heard too) and recovery until stopped."""
    from terminal.app.bootstrap import build_payments
    authorizer, _qr = build_payments(terminal, link)
    return run_in_background(terminal, authorizer)


def another_link_runs(data_dir: Path) -> bool:
    """True while a kiosk or `sync run` holds this terminal's broker connection (and recovers itself)."""
    from terminal.store.db import Database
    db = Database(data_dir / "terminal.db")
    try:
        return SyncStore(db).status().link.running
    finally:
        db.close()


class OnePass:
    """A command that opens the till: its own link, one recovery sweep in the background, bounded."""

    def __init__(self, kiosk: Kiosk) -> None:
        self.kiosk = kiosk
        self.link_thread = kiosk.link.start_thread()
        self.done = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> OnePass:
        """Begin the sweep once the link is up (or give up waiting after CONNECT_WAIT_S)."""
        authorizer = self.kiosk.terminal.code_payments
        assert authorizer is not None
        recovery = recovery_for(self.kiosk.terminal, authorizer)

        def sweep() -> None:
            deadline = time.monotonic() + CONNECT_WAIT_S
            while not authorizer.acquirer.reachable() and time.monotonic() < deadline:
                time.sleep(0.05)
            try:
                recovery.pass_once()
            finally:
                self.done.set()
        self.thread = threading.Thread(target=sweep, name="edgepos-recovery-pass", daemon=True)
        self.thread.start()
        return self

    def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` s for the sweep; False if it is still going (it is safe to exit anyway)."""
        return self.done.wait(timeout)

    def close(self) -> None:
        """Stop the link (the outbox events the sweep wrote are sent by the next link run)."""
        self.kiosk.link.stop()
        self.link_thread.join(3)

    def finish(self, wait_s: float, stop_link: bool = False) -> None:
        """At a command's end: wait up to wait_s; a finished sweep is closed with its terminal. One still going
        is left to the exit (every step is recorded first), its link stopped too when `stop_link`."""
        done = self.wait(wait_s)
        if done or stop_link:
            self.close()
        if done:
            self.kiosk.terminal.close()


def nothing_open(data_dir: Path) -> bool:
    """True when no wallet attempt is left to resolve (then a command needs no link for recovery)."""
    from terminal.store.attempt_claims import ClaimStore
    from terminal.store.db import Database
    if not (data_dir / "terminal.db").exists():
        return True   # a first start: nothing was ever attempted (and nothing is created here)
    db = Database(data_dir / "terminal.db")
    try:
        return not ClaimStore(db).unresolved()
    finally:
        db.close()


def sweep_in_background(config: Config, data_dir: Path) -> OnePass | None:
    """For a command that opens the till: one sweep with its own link, or None when there is nothing to resolve
    or another process (kiosk, `sync run`) holds the link and resolves them itself. `wait` bounds the join."""
    if nothing_open(data_dir):
        return None
    return open_with_recovery(config, data_dir)


def open_with_recovery(config: Config, data_dir: Path) -> OnePass | None:
    """The terminal with its link and a sweep started, or None when another process holds the link."""
    if another_link_runs(data_dir):
        return None
    from terminal.app.bootstrap import build_kiosk
    return OnePass(build_kiosk(config, data_dir)).start()
