"""`edgepos sync run` in the foreground: the link on its thread, progress printed, and with --until-empty an end."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sync.link import SyncLink
from terminal.link.advice import refusal_fix, rejection_fix

POLL_S = 0.2
PROGRESS_EVERY_S = 1.0


@dataclass(frozen=True)
class Advice:
    """What the fixes need to name: this terminal, its broker user, its config and key files."""

    terminal_id: str
    username: str
    config_path: str
    key_path: str


def _plural(count: int) -> str:
    return f"{count} event{'' if count == 1 else 's'}"


class Drain:
    """Watches a running link from the main thread: prints what it did, decides when --until-empty is over."""

    def __init__(self, link: SyncLink, advice: Advice, say: Callable[[str], None]) -> None:
        self.link, self.advice, self.say = link, advice, say
        self._shown = (-1, -1, -1, -1)
        self._shown_at = 0.0
        self._problem = ""
        self._thread: threading.Thread | None = None

    def progress(self, force: bool = False) -> tuple[int, int, int, int]:
        """Print `sent, acked, rejected, pending` when it changed (at most once a second unless forced)."""
        counts = self.link.counts
        now = (counts.sent, counts.acked, counts.rejected, self.link.store.pending_count())
        if now != self._shown and (force or time.monotonic() - self._shown_at >= PROGRESS_EVERY_S):
            again = f" ({counts.resent} sent again: no ack in time)" if counts.resent else ""
            self.say(f"sent {now[0]}, acked {now[1]}, rejected {now[2]}, pending {now[3]}{again}")
            self._shown, self._shown_at = now, time.monotonic()
        return now

    def problem(self) -> str:
        """The link's current trouble (a refusal, or why it is offline); printed once each time it changes."""
        detail = self.link.refusal or self.link.store.state().get("detail", "")
        if detail and detail != self._problem:
            fix = refusal_fix(detail, self.advice.terminal_id, self.advice.username, self.advice.config_path)
            self.say(f"link: {detail}" + (f"\n  fix: {fix}" if fix else ""))
        self._problem = detail
        return detail

    def rejections(self) -> bool:
        """Print this run's rejections by reason with their fix; True when there were any."""
        for reason, count in self.link.counts.reasons.most_common():
            self.say(f"{_plural(count)} rejected by the backend and set aside: {reason}\n"
                     f"  fix: {rejection_fix(reason, self.advice.terminal_id, self.advice.key_path)}")
        return bool(self.link.counts.reasons)

    def watch(self, until_empty: bool, timeout: float) -> int:
        """Run until stopped (or, until_empty, until the outbox is empty or it cannot be); the exit status."""
        thread = self._thread = self.link.start_thread()
        last_change, last = time.monotonic(), self.progress(force=True)
        try:
            while thread.is_alive():
                time.sleep(POLL_S)
                current, problem = self.progress(), self.problem()
                if current != last:
                    last_change, last = time.monotonic(), current
                if not until_empty:
                    continue
                if current[3] == 0:
                    return self._finish("drained: the outbox is empty")
                if self.link.refusal:
                    self.problem()
                    return self._finish(f"cannot drain: {self.link.refusal}; {_plural(current[3])} still pending")
                if time.monotonic() - last_change > timeout:
                    why = problem or "no ack from the backend (is `edgepos cloud` running?)"
                    return self._finish(f"cannot drain: {_plural(current[3])} still pending, nothing moved for "
                                        f"{timeout:.0f} s: {why}")
            return 0
        finally:
            self.link.stop()
            thread.join(15)

    def _finish(self, verdict: str) -> int:
        self.link.stop()
        if self._thread is not None:
            self._thread.join(15)    # its last acks and rejections are counted before they are printed
        self.progress(force=True)
        rejected = self.rejections()
        drained = verdict.startswith("drained")
        self.say(verdict + (" (but events were set aside: see above)" if drained and rejected else ""))
        return 0 if drained and not rejected else 1
