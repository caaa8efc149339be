"""Running a refund for the kiosk: the manager's PIN (the staff PIN pad) and the refund itself off the UI thread
(a wallet refund waits up to the request timeout for the acquirer)."""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from terminal.sales.till import Till
from terminal.staff.model import Approval, StaffMember
from terminal.staff.service import StaffService
from terminal.store.refunds import Refund
from ui.dispatch import run_in_background
from ui.errors_text import error_text
from ui.history.texts import refund_result_text
from ui.i18n import tr
from ui.staff.approval import ask_approval


def ask_manager(staff: StaffService, on_done: Callable[[StaffMember], None], on_cancel: Callable[[], None]) -> None:
    """Ask a manager's PIN for a refund on the staff PIN pad; `on_done(manager)` once one approved."""
    ask_approval(staff, Approval.REFUND, on_done, on_cancel)


def run_refund(till: Till, sale_id: str, lines: dict[int, int] | None, reason: str, manager: StaffMember,
               refund_id: str | None, on_done: Callable[[Refund], None],
               on_error: Callable[[Exception], None]) -> threading.Thread:
    """till.refund in a worker thread; the Refund or the error is handed back on the UI thread."""
    return run_in_background(lambda: till.refund(sale_id, lines, reason, manager, refund_id), on_done, on_error,
                             name="edgepos-refund")


def retry_refund(screen: Any, sale_id: str, refund_id: str) -> None:
    """Ask the wallet again for a pending refund (same id) once a manager approved; the result on the status line."""
    if screen.busy:
        return

    def approved(manager: StaffMember) -> None:
        screen.busy = True
        screen.say(tr._("Asking the wallet again…"))
        run_refund(screen.terminal.till, sale_id, None, "", manager, refund_id, done, failed)

    def done(refund: Refund) -> None:
        screen.busy = False
        screen.reload_detail()
        screen.say(refund_result_text(refund))

    def failed(err: Exception) -> None:
        screen.busy = False
        screen.reload_detail()
        screen.say(error_text(err, tr._), error=True)

    ask_manager(screen.terminal.staff, approved,
                lambda: screen.say(tr._("Not approved: nothing was refunded."), error=True))
