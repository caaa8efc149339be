"""Signing in and a manager's approval on the kiosk, each through the PIN pad; the API other screens reuse.

- `ask_sign_in(staff, on_done)`: the pad asks "Sign in: enter your PIN"; `on_done(member)` once signed in.
- `sign_in_first(staff, then)`: True (and the pad asked, `then()` after it) when someone must sign in first.
- `signed_in_then(staff, then)`: run `then()` now when nobody needs to sign in, else after a sign-in.
- `ask_approval(staff, action, on_done)`: the pad asks a manager's PIN for `action` (an Approval).
- `with_approval(staff, run, done, failed)`: `run(None)`; on ApprovalNeeded ask a manager, then `run(manager)`.
- `run_approved(screen, run, done)`: with_approval showing errors on a PosScreen's status line.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from terminal.errors import ApprovalNeeded, EdgeposError
from terminal.staff.model import Approval, StaffMember
from terminal.staff.service import StaffService
from ui.dispatch import on_ui_thread, run_on_ui
from ui.errors_text import error_text
from ui.i18n import N_, tr
from ui.staff.pin_pad import PinPad

T = TypeVar("T")
ACTIONS: dict[str, str] = {
    Approval.REFUND: N_("a refund"),
    Approval.VOID_AFTER_TENDER: N_("taking items off after payment started"),
    Approval.DISCOUNT: N_("a discount over the cashier's limit"),
    Approval.NO_SALE: N_("opening the drawer without a sale"),
    Approval.OFFLINE_OVER_LIMIT: N_("accepting an offline payment over the limit"),
}


def action_words(action: str) -> str:
    """What a manager is asked to approve, in the cashier's language."""
    return tr._(ACTIONS[action]) if action in ACTIONS else action


def open_pad() -> PinPad | None:
    """The PIN pad on show, if any (a second one is never stacked on it)."""
    from kivy.core.window import Window  # importing it opens the window: only once the kiosk runs

    return next((w for w in Window.children if isinstance(w, PinPad)), None)


def ask_sign_in(staff: StaffService, on_done: Callable[[StaffMember], None],
                on_cancel: Callable[[], None] | None = None) -> PinPad:
    """Open the PIN pad to sign in (staff.sign_in); `on_done(member)` runs once someone has."""
    pad = PinPad(lambda: tr._("Sign in: enter your PIN"), staff.sign_in, on_done, on_cancel, staff.locked_for)
    pad.open()
    return pad


def sign_in_first(staff: StaffService, then: Callable[[], Any] | None = None,
                  on_cancel: Callable[[], None] | None = None) -> bool:
    """True when someone must sign in first: the sign-in pad is asked (unless a pad is already open) and
    `then()` runs after the sign-in; False when the terminal has no staff list or someone is signed in."""
    if staff.current is not None or not staff.has_staff():
        return False
    if open_pad() is None:
        ask_sign_in(staff, lambda _member: then() if then is not None else None, on_cancel)
    return True


def signed_in_then(staff: StaffService, then: Callable[[], Any], on_cancel: Callable[[], None] | None = None) -> None:
    """Run `then()` now when nobody needs to sign in, else once someone has."""
    if not sign_in_first(staff, then, on_cancel):
        then()


def ask_approval(staff: StaffService, action: str, on_done: Callable[[StaffMember], None],
                 on_cancel: Callable[[], None] | None = None) -> PinPad:
    """Open the PIN pad for a manager's approval of `action`; `on_done(manager)` runs once one approved."""
    approval = Approval(action)
    pad = PinPad(lambda: tr._("Manager approval: {action}").format(action=action_words(approval)),
                 lambda pin: staff.approve(pin, approval), on_done, on_cancel, staff.locked_for)
    pad.open()
    return pad


def with_approval(staff: StaffService, run: Callable[[StaffMember | None], T], done: Callable[[T], None],
                  failed: Callable[[EdgeposError], None], on_cancel: Callable[[], None] | None = None
                  ) -> PinPad | None:
    """Call `run(None)`; when it raises ApprovalNeeded, ask a manager's PIN and call `run(manager)`.
    `done(result)` gets the result, `failed(err)` any other EdgeposError; returns the pad when one opened."""
    try:
        result = run(None)
    except ApprovalNeeded as err:
        def approved(manager: StaffMember) -> None:
            try:
                again = run(manager)
            except EdgeposError as retry_err:
                failed(retry_err)
                return
            done(again)
        return ask_approval(staff, err.action, approved, on_cancel)
    except EdgeposError as err:
        failed(err)
        return None
    done(result)
    return None


def run_approved(screen: Any, run: Callable[[StaffMember | None], T], done: Callable[[T], None]) -> PinPad | None:
    """with_approval for a PosScreen: errors and a cancelled approval are said on its status line."""
    def failed(err: EdgeposError) -> None:
        screen.say(error_text(err, tr._), error=True)

    def cancelled() -> None:
        screen.say(tr._("Not approved: nothing was changed."), error=True)
    return with_approval(screen.terminal.staff, run, done, failed, cancelled)


def blocking_approval(staff: StaffService, action: Approval, timeout_s: float = 120.0
                      ) -> Callable[..., StaffMember | None]:
    """For a worker thread (a payment in progress): ask a manager's PIN on the main thread and wait for it.

    The returned callable gives the approving manager, or None when cancelled, unanswered, or when the terminal
    has no staff list (then nothing is asked and the caller refuses as it would without approvals).
    """
    def ask(*_args: Any) -> StaffMember | None:
        if on_ui_thread() or not staff.has_staff():
            return None
        answer: list[StaffMember] = []
        answered = threading.Event()

        def done(manager: StaffMember) -> None:
            answer.append(manager)
            answered.set()
        run_on_ui(ask_approval, staff, action, done, answered.set)
        answered.wait(timeout_s)
        return answer[0] if answer else None
    return ask
