"""Recovery at start: every wallet attempt left open by a dead process is claimed and resolved, in the background.

An attempt is not final while it is sent, reversing, reverse_unconfirmed, or approved with no stored sale (a
waiting QR order is one that was sent). Each is claimed from its dead owner with one atomic UPDATE (see
ownership.py), then resolved step by step (recovery_steps.py); what happened is stored for the cashier.
"""
from __future__ import annotations

import logging
import threading

from terminal.errors import EdgeposError
from terminal.payments.code_payment import CodeAuthorizer, nobody_listens
from terminal.payments.ownership import ProcessOwner
from terminal.payments.recovery_sale import SaleCompleter
from terminal.payments.recovery_steps import AttemptResolver
from terminal.payments.recovery_texts import attention_text
from terminal.sales.till import Till
from terminal.store.attempt_claims import SETTLED_OPEN, AttentionStatus, ClaimStore
from terminal.store.attempts import Attempt
from terminal.store.db import Database
from terminal.store.tenders import TenderStore

log = logging.getLogger(__name__)
QR_WINDOW_S = 120.0   # a merchant QR order waits this long for the customer (QrPayments' own window)
IDLE_S = 5.0          # how often a long-running recovery looks again when nothing is open


class Recovery:
    """Claims and resolves open attempts; `pass_once` is one sweep, `run` sweeps until stopped."""

    def __init__(self, authorizer: CodeAuthorizer, till: Till, db: Database, owner: ProcessOwner, *,
                 qr_window_s: float = QR_WINDOW_S, announce: bool = False) -> None:
        self.auth, self.owner, self.announce = authorizer, owner, announce
        self.claims, tenders = ClaimStore(db), TenderStore(db)
        self.resolver = AttemptResolver(authorizer, self.claims, tenders, SaleCompleter(till, tenders,
                                                                                        authorizer.clock),
                                        qr_window_s)
        self._claimed: set[str] = set()   # attempts this process took over (its own checkout's are not in it)
        self._lock = threading.Lock()     # one sweep at a time in this process

    def _mine(self, attempt: Attempt) -> bool:
        """True when this process may act on the attempt now (claiming it from a dead owner if needed)."""
        me = self.owner.token
        if attempt.owner == me:
            # This process's own checkout is running it, unless recovery took it or the checkout gave up on it.
            return attempt.out_trade_no in self._claimed or attempt.status in SETTLED_OPEN
        if self.owner.alive(attempt.owner):
            return False   # a live process is paying it right now: never stolen
        if not self.claims.claim(attempt.out_trade_no, attempt.owner, me):
            return False   # another process claimed it first
        log.info("claimed payment attempt %s from %s", attempt.out_trade_no, attempt.owner or "an older edgepos")
        self._claimed.add(attempt.out_trade_no)
        return True

    def pass_once(self) -> int:
        """One sweep over the open attempts; returns how many are still open (any owner)."""
        with self._lock:
            for attempt in self.claims.unresolved():
                if not self.auth.acquirer.reachable():
                    break   # nothing can be asked now: claim nothing, the next sweep tries again
                if not self.resolver.due(attempt) or not self._mine(attempt):
                    continue
                try:
                    self.resolver.step(attempt)
                except EdgeposError as err:   # e.g. the database is busy: the attempt stays open, tried again
                    log.warning("recovery of %s stopped at a step: %s", attempt.out_trade_no, err)
            left = self.claims.unresolved()
            self.owner.sweep({a.owner for a in left})
            if self.announce:
                self._announce()
            return len(left)

    def _announce(self) -> None:
        """Show each recovered item once on the kiosk (through on_attention), then mark it seen."""
        if self.auth.on_attention is nobody_listens:
            return   # the sale screen is not up yet: keep them for the next sweep
        for attempt in self.claims.needing_attention():
            if attempt.recovered and attempt.attention:
                self.auth.on_attention(attention_text(AttentionStatus(attempt.attention), attempt))
                self.claims.acknowledge(attempt.out_trade_no)

    def run(self, stop: threading.Event) -> None:
        """Sweep until `stop` is set: often while something is open, now and then otherwise."""
        while not stop.is_set():
            try:
                left = self.pass_once()
            except EdgeposError as err:
                log.warning("payment recovery sweep failed: %s", err)
                left = 1
            stop.wait(self.auth.timings.query_interval_s if left else IDLE_S)

    def start(self, stop: threading.Event) -> threading.Thread:
        """Run in a daemon thread until `stop` is set."""
        thread = threading.Thread(target=self.run, args=(stop,), name="edgepos-recovery", daemon=True)
        thread.start()
        return thread
