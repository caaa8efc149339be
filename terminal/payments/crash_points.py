"""Named crash points for the crash tests: EDGEPOS_CRASH_AT=<name>[,<name>] SIGKILLs the process at that step.

  attempt_written          the attempt (and the sale's tender) is stored, the pay request has not left
  pay_sent                 the pay request left and its answer came back, before the answer is recorded
  approved_before_commit   the payment is approved and recorded, the sale is not stored yet
  reversal_sent            a reversal is recorded as in progress and its request was answered, not recorded
  qr_waiting               a merchant QR order was created and is shown; the customer has not paid yet

Nothing happens when the variable is unset; a real deployment never sets it.
"""
from __future__ import annotations

import os
import signal
from enum import StrEnum

ENV = "EDGEPOS_CRASH_AT"


class CrashPoint(StrEnum):
    """The steps of a wallet payment where a test can kill the terminal."""

    ATTEMPT_WRITTEN = "attempt_written"
    PAY_SENT = "pay_sent"
    APPROVED_BEFORE_COMMIT = "approved_before_commit"
    REVERSAL_SENT = "reversal_sent"
    QR_WAITING = "qr_waiting"


def armed() -> frozenset[str]:
    """The crash points named in the environment."""
    return frozenset(name.strip() for name in os.environ.get(ENV, "").split(",") if name.strip())


def crash_at(point: CrashPoint) -> None:
    """SIGKILL this process now if `point` is armed (no cleanup, exactly like a power cut)."""
    if point in armed():
        os.kill(os.getpid(), signal.SIGKILL)
