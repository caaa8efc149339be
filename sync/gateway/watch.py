"""The watch of reversed trades: queried for a while, a late success is told to its terminal to refund."""
from __future__ import annotations

import logging
import threading
import time

from sync.gateway.notify_http import Tell
from sync.gateway.provider import Provider, ProviderName
from sync.gateway.store import GatewayStore
from terminal.payments.acquirer import AcquirerStatus

log = logging.getLogger(__name__)


class Watcher:
    """Every `interval_s`, queries each trade under watch (see Router._reverse); stops when stopped."""

    def __init__(self, providers: dict[ProviderName, Provider], store: GatewayStore, tell: Tell,
                 interval_s: float) -> None:
        self.providers, self.store, self.tell, self.interval_s = providers, store, tell, interval_s
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="gateway-watch", daemon=True)

    def start(self) -> None:
        """Start watching (the watches a previous run left in the store included)."""
        self.thread.start()

    def stop(self) -> None:
        """Stop after the current pass."""
        self._stop.set()
        self.thread.join(10)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.check_once()
            except Exception:   # a database or provider hiccup must not end the watch
                log.exception("watch: this pass failed; trying again in %.1f s", self.interval_s)

    def check_once(self) -> None:
        """One pass over the watched trades."""
        now = time.time()
        self.store.end_watches(now)
        for trade in self.store.watched(now):
            provider = next((p for n, p in self.providers.items() if n == trade.provider), None)
            if provider is None or self._stop.is_set():
                continue
            try:
                answer = provider.query(trade.out_trade_no)
            except Exception as err:  # noqa: BLE001 - one trade's failure must not stop the others' watch
                log.warning("watch: query of %s failed: %s", trade.out_trade_no, type(err).__name__)
                continue
            if answer.status != AcquirerStatus.SUCCESS:
                continue
            before = self.store.mark_paid(trade.out_trade_no, answer.trade_no, "paid after the cancellation")
            if before is not None:
                log.warning("late success for reversed trade %s: told to %s to refund", trade.out_trade_no,
                            trade.terminal or "the backend")
                self.tell(before, AcquirerStatus.SUCCESS, answer.trade_no,
                          "the customer's payment arrived after the cancellation")
