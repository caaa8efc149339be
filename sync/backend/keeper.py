"""Commits a worker's batch; a message the store cannot take is found and kept as a dead letter, never a crash."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from sync.backend.store import EventStore, Received, StoreUnavailable
from sync.schema import Ack

log = logging.getLogger(__name__)
T = TypeVar("T")
RETRY_FIRST_S = 0.5
RETRY_MAX_S = 10.0


class BatchKeeper:
    """Stores judged messages for one worker: retries while the database is away, isolates a message it refuses."""

    def __init__(self, store: EventStore, name: str, stopping: threading.Event) -> None:
        self.store, self.name, self.stopping = store, name, stopping
        self.dead_lettered = 0

    def keep(self, items: Sequence[Received]) -> list[Ack | None] | None:
        """The answer to each item (None: no ack to send), or None when asked to stop before it was stored."""
        try:
            return self._retrying(lambda: self.store.ingest(items, self.name), len(items))
        except Exception as err:  # noqa: BLE001 - a message the store cannot take: find which, store the others
            if len(items) == 1:
                return self._dead_letter(items[0], err)
            log.warning("%s: a batch of %d was refused (%s: %s); storing its messages one by one", self.name,
                        len(items), type(err).__name__, err)
        answers: list[Ack | None] = []
        for item in items:
            try:
                got = self._retrying(lambda: self.store.ingest([item], self.name), 1)  # noqa: B023 - called at once
            except Exception as err:  # noqa: BLE001 - this one cannot be stored: kept aside, the rest go on
                got = self._dead_letter(item, err)
            if got is None:
                return None
            answers.extend(got)
        return answers

    def bury(self, items: Sequence[Received], err: BaseException) -> None:
        """Keep every message of a batch that failed outside the store (a bug): nothing lost, the worker goes on."""
        for item in items:
            self._dead_letter(item, err)

    def _dead_letter(self, item: Received, err: BaseException) -> list[Ack | None] | None:
        event_id = item.envelope.id if item.envelope is not None else item.event_id
        error = f"{type(err).__name__}: {err}"
        log.error("%s: event %s from %s cannot be stored (%s): kept in dead_letters, not answered", self.name,
                  event_id or "(no id)", item.terminal, error)
        def keep() -> bool:
            self.store.dead_letter(item.terminal, event_id, error, item.payload)
            return True
        try:
            done = self._retrying(keep, 1)
        except Exception as again:  # noqa: BLE001 - the log is then the only copy: it holds the payload
            log.critical("%s: event %s from %s could not be kept in dead_letters either (%s); its payload: %s",
                         self.name, event_id or "(no id)", item.terminal, again, item.payload)
            return [None]
        self.dead_lettered += 1
        return None if done is None else [None]

    def _retrying(self, work: Callable[[], T], size: int) -> T | None:
        """work() until it returns, waiting while the store is unavailable; None when asked to stop meanwhile."""
        delay = RETRY_FIRST_S
        while True:
            try:
                return work()
            except StoreUnavailable as err:
                log.error("%s: %d message(s) not stored, retrying in %.1f s: %s", self.name, size, delay, err)
            if self.stopping.wait(delay):
                return None
            delay = min(delay * 2, RETRY_MAX_S)
