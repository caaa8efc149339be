"""Adding staff, signing in with a PIN, and a manager's approval; wrong PINs lock the pad as the technician's do."""
from __future__ import annotations

import logging
import math
import uuid

from terminal.errors import ApprovalNeeded, ApprovalRefused, PinRefused, StaffError
from terminal.link.events import rfc3339
from terminal.ports import Clock
from terminal.staff.model import Approval, Role, StaffMember
from terminal.staff.pins import check_pin_format, hash_pin, verify_pin
from terminal.store.staff import StaffStore
from terminal.technician.pin_lock import LOCK_S, MAX_TRIES

log = logging.getLogger(__name__)
MAX_NAME = 40


def need_approval(action: Approval, approver: StaffMember | None) -> None:
    """Raise ApprovalNeeded unless `approver` is a manager (the kiosk then asks for a manager's PIN)."""
    if approver is None or not approver.is_manager:
        err = ApprovalNeeded.text("a manager's PIN is needed to approve this ({action})", action=action.value)
        err.action = action
        raise err


class StaffService:
    """The staff of this terminal and who is signed in on its till."""

    def __init__(self, store: StaffStore, clock: Clock, max_tries: int = MAX_TRIES, lock_s: float = LOCK_S) -> None:
        self._store, self._clock, self.max_tries, self.lock_s = store, clock, max_tries, lock_s
        self.current: StaffMember | None = None

    def add(self, name: str, role: Role | str, pin: str) -> StaffMember:
        """Add a cashier or manager; names are unique and so are PINs (a PIN alone says who signs in)."""
        name = " ".join(name.split())
        if not name or len(name) > MAX_NAME or not name.isprintable():
            raise StaffError.text("a staff name is 1 to {limit} printable characters", limit=MAX_NAME)
        try:
            role = Role(role)
        except ValueError:
            raise StaffError.text("role must be cashier or manager, got {role}", role=repr(role)) from None
        check_pin_format(pin)
        if self._store.by_name(name) is not None:
            raise StaffError.text("{name} is already on the staff list", name=name)
        if self._owner(pin) is not None:
            raise StaffError.text("that PIN is already someone's: choose another")
        member = StaffMember(uuid.uuid4().hex, name, role)
        self._store.insert(member, hash_pin(pin), rfc3339(self._clock.now()))
        log.info("staff member %s added as %s", member.id[:8], role.value)
        return member

    def list(self) -> list[tuple[StaffMember, bool, str]]:
        """Everyone on the staff list: (member, active, added at)."""
        return self._store.all()

    def has_staff(self) -> bool:
        """True once anyone is on the staff list: the kiosk then asks who is working."""
        return self._store.active_count() > 0

    def name_of(self, staff_id: str | None) -> str:
        """A staff member's name for a report or a receipt ('' when unknown or None)."""
        return self._store.names([staff_id]).get(staff_id, "") if staff_id else ""

    def _owner(self, pin: str) -> StaffMember | None:
        for member, stored in self._store.active():
            if verify_pin(pin, stored):
                return member
        return None

    def locked_for(self) -> float:
        """Seconds until the PIN pad takes a PIN again (0 when it does)."""
        return max(self._store.pad()[1] - self._clock.now().timestamp(), 0.0)

    def identify(self, pin: str) -> StaffMember:
        """Whose PIN this is; wrong PINs count, and the pad locks after max_tries of them in a row."""
        wait = self.locked_for()
        if wait > 0:
            err = PinRefused.text("too many wrong PINs: try again in {seconds} s", seconds=math.ceil(wait))
            err.locked_for_s = wait
            raise err
        member = self._owner(pin) if pin.isascii() and pin.isdigit() else None
        failures, _ = self._store.pad()
        if member is not None:
            if failures:
                self._store.set_pad(0, 0.0)
            return member
        failures += 1
        if failures >= self.max_tries:
            self._store.set_pad(0, self._clock.now().timestamp() + self.lock_s)
            log.warning("PIN pad locked for %.0f s after %d wrong PINs", self.lock_s, failures)
            err = PinRefused.text("wrong PIN, {tries} times: the PIN pad is locked for {seconds} s",
                                  tries=failures, seconds=math.ceil(self.lock_s))
            err.locked_for_s = self.lock_s
            raise err
        self._store.set_pad(failures, 0.0)
        err = PinRefused.text("wrong PIN: {tries} tries left", tries=self.max_tries - failures)
        err.tries_left = self.max_tries - failures
        raise err

    def sign_in(self, pin: str) -> StaffMember:
        """Sign in on this till (switching cashier does not close the shift)."""
        self.current = self.identify(pin)
        log.info("staff %s signed in", self.current.id[:8])
        return self.current

    def sign_out(self) -> None:
        """Nobody is signed in until the next PIN."""
        self.current = None

    def approve(self, pin: str, action: Approval) -> StaffMember:
        """The manager whose PIN this is, approving `action`; a cashier's PIN is refused."""
        if not self._store.active_count(Role.MANAGER):
            raise ApprovalRefused.text("no manager is set up on this terminal: add one with "
                                       "'edgepos staff add --role manager'")
        member = self.identify(pin)
        if not member.is_manager:
            raise ApprovalRefused.text("{name} is a cashier: a manager must enter their PIN", name=member.name)
        log.info("manager %s approved %s", member.id[:8], action.value)
        return member
