"""The reference backend as a service: N ingest worker processes, stats, and pushing retained terminal settings."""
from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from multiprocessing.connection import wait
from typing import Any

from sync.backend.ingest import Flag, IngestWorker
from sync.backend.push import push_config
from sync.backend.store import BackendError, EventStore
from sync.mqtt import BrokerSettings

__all__ = ["cloud_stats", "push_config", "run_cloud", "start_worker", "worker_settings"]
log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1
STOP_TIMEOUT_S = 15.0
WATCH_S = 0.5              # how often the service looks for a worker to restart (a death wakes it at once)
RESTART_FIRST_S = 1.0      # a dead worker is restarted after this long...
RESTART_MAX_S = 60.0       # ...doubling while it keeps dying young, up to this
HEALTHY_AFTER_S = 60.0     # a worker that ran this long before dying starts again from RESTART_FIRST_S


def worker_settings(settings: BrokerSettings, index: int) -> BrokerSettings:
    """Ingest worker `index`'s (1-based) login: user `<backend user>-<index>`, same password.

    Mosquitto's `use_username_as_clientid` makes the client id the username, so clients sharing one user take
    each other's session over: every worker has its own user (provisioned as edgepos-backend-1..N) and the
    plain backend user is left to tools such as push_config.
    """
    return replace(settings, username=f"{settings.username}-{index}")


def _die_with_parent(parent: int) -> None:
    """Ask Linux to SIGTERM this process when its parent dies; exit now if it already has."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):
        pass                                 # not Linux: the worker then outlives a SIGKILLed parent
    if os.getppid() != parent:
        os._exit(0)


def _worker_main(settings: BrokerSettings, store_url: str, secrets: dict[str, bytes], name: str,
                 die_after_commit: int | None, parent: int, ready: Flag | None = None,
                 clock_window: timedelta | None = None) -> None:
    """Entry point of a worker process: run one IngestWorker until SIGTERM/SIGINT."""
    _die_with_parent(parent)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format=f"%(asctime)s {name} %(levelname)s %(name)s: %(message)s")
    worker = IngestWorker(settings, store_url, secrets, name, die_after_commit=die_after_commit, ready=ready,
                          clock_window=clock_window)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: worker.stop())
    try:
        worker.run()
    except BackendError as err:
        log.error("%s", err)
        sys.exit(2)


def start_worker(settings: BrokerSettings, store_url: str, secrets: dict[str, bytes], name: str, *,
                 die_after_commit: int | None = None, ready: Flag | None = None,
                 clock_window: timedelta | None = None) -> multiprocessing.process.BaseProcess:
    """Start one ingest worker in its own (spawned) process that dies with this one; `ready` is set on SUBACK."""
    context = multiprocessing.get_context("spawn")
    process = context.Process(target=_worker_main, name=name, daemon=False,
                              args=(settings, store_url, secrets, name, die_after_commit, os.getpid(), ready,
                                    clock_window))
    process.start()
    return process


def _exit_code(process: multiprocessing.process.BaseProcess) -> int:
    code = process.exitcode or 0
    return 128 - code if code < 0 else code


class _Slot:
    """One worker position: its current process, when it started, and the wait before its next restart."""

    def __init__(self, index: int, start: Callable[[int, bool], multiprocessing.process.BaseProcess]) -> None:
        self.index, self._start = index, start
        self.backoff = RESTART_FIRST_S
        self.restart_at: float | None = None
        self.process = self._spawn(first=True)

    def _spawn(self, first: bool = False) -> multiprocessing.process.BaseProcess:
        self.started = time.monotonic()
        process = self._start(self.index, first)
        log.info("worker %s started (pid %s)", process.name, process.pid)
        return process

    def ended(self) -> None:
        """The process exited on its own: schedule its restart, later each time it dies young."""
        if time.monotonic() - self.started >= HEALTHY_AFTER_S:
            self.backoff = RESTART_FIRST_S
        log.error("worker %s (pid %s) exited with status %d: restarting it in %.0f s", self.process.name,
                  self.process.pid, _exit_code(self.process), self.backoff)
        self.restart_at = time.monotonic() + self.backoff
        self.backoff = min(self.backoff * 2, RESTART_MAX_S)

    def restart_if_due(self) -> None:
        """Start the replacement once its backoff has passed."""
        if self.restart_at is not None and time.monotonic() >= self.restart_at:
            self.restart_at = None
            self.process = self._spawn()


def run_cloud(settings: BrokerSettings, store_url: str, secrets: dict[str, bytes], workers: int = 1,
              die_after_commit: int | None = None, forwarder: BrokerSettings | None = None,
              clock_window: timedelta | None = None) -> int:
    """Run `workers` ingest processes until SIGTERM/SIGINT, restarting any that dies; the exit code to return.

    `die_after_commit` (a fault for tests) applies to each worker's first process only, not to its replacements.
    """
    if workers < 1:
        raise BackendError("workers must be at least 1")
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    store = EventStore(store_url)
    try:
        store.create()
    finally:
        store.close()

    def start(index: int, first: bool) -> multiprocessing.process.BaseProcess:
        return start_worker(worker_settings(settings, index), store_url, secrets, f"{settings.username}-{index}",
                            die_after_commit=die_after_commit if first else None, clock_window=clock_window)

    slots = [_Slot(i, start) for i in range(1, workers + 1)]
    asked = threading.Event()                                  # a signal asked us to stop
    forwarding = None
    if forwarder is not None:                                  # offline payments to the acquirer
        from sync.backend.forwarder import Forwarder
        forwarding = Forwarder(forwarder, store_url)
        threading.Thread(target=forwarding.run, name="forwarder", daemon=True).start()

    def signal_all(signum: int) -> None:
        for slot in slots:
            if slot.process.pid is not None and slot.process.exitcode is None:
                os.kill(slot.process.pid, signum)

    def on_signal(signum: int, _frame: Any) -> None:
        asked.set()
        signal_all(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not asked.is_set():
            running = [s for s in slots if s.restart_at is None]
            wait([s.process.sentinel for s in running], timeout=WATCH_S)
            for slot in running:
                if slot.process.exitcode is not None and not asked.is_set():
                    slot.ended()
            for slot in slots:
                if not asked.is_set():
                    slot.restart_if_due()
        for slot in slots:
            slot.process.join(STOP_TIMEOUT_S)
            if slot.process.exitcode is None:
                log.error("worker %s did not stop within %.0f s: killing it", slot.process.name, STOP_TIMEOUT_S)
                slot.process.kill()
                slot.process.join()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if forwarding is not None:
            forwarding.stop()
    # A worker ended by the signal we relayed (one still starting up has no handler yet) stopped as asked.
    codes = [0 if s.process.exitcode in (-signal.SIGTERM, -signal.SIGINT) else _exit_code(s.process)
             for s in slots if s.restart_at is None]
    return max(codes, default=0)                                 # 0 when every worker stopped cleanly


def cloud_stats(store_url: str) -> dict[str, Any]:
    """Stored, duplicate and rejected counts per terminal (and schema), and totals."""
    store = EventStore(store_url)
    try:
        store.create()          # a store no worker has written to yet has no tables: zero counts, not an error
        return store.stats()
    finally:
        store.close()
