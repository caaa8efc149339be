"""Opening, cash moves, X and Z reports, closing: the cashier's shift."""
from __future__ import annotations

import uuid

from terminal.errors import ShiftError, Term
from terminal.link.events import MAX_TEXT, rfc3339
from terminal.ports import Clock
from terminal.sales.money import Money
from terminal.sales.sale import PaymentMethod
from terminal.shift.model import PersonLine, Shift, ShiftReport, TopUpLine, method_line
from terminal.store.balance import BalanceStore
from terminal.store.db import Database
from terminal.store.outbox import OutboxStore
from terminal.store.shifts import ShiftStore

MAX_CASHIER = MAX_TEXT     # the backend refuses a shift/1 event with a longer name


class ShiftService:
    """Keeps exactly one shift open at a time and reports on it."""

    def __init__(self, db: Database, store: ShiftStore, outbox: OutboxStore, clock: Clock, currency: str) -> None:
        self._db, self._store, self._outbox = db, store, outbox
        self._clock, self.currency = clock, currency

    @property
    def current(self) -> Shift | None:
        """The open shift, if any."""
        return self._store.current()

    def require_open(self) -> Shift:
        """The open shift, or ShiftError telling the cashier to open one."""
        shift = self._store.current()
        if shift is None:
            raise ShiftError.text("no shift is open: open a shift (count the float) before selling")
        return shift

    def _check_amount(self, amount: Money, what: Term, allow_zero: bool = False) -> None:
        if amount.currency != self.currency:
            raise ShiftError.text("{what} must be in {currency}, not {other}",
                                  what=what, currency=self.currency, other=amount.currency)
        if amount.minor < 0 and allow_zero:
            raise ShiftError.text("{what} must be zero or more", what=what)
        if amount.minor < 0 or (amount.is_zero and not allow_zero):
            raise ShiftError.text("{what} must be more than zero", what=what)

    def open(self, cashier: str, opening_float: Money) -> Shift:
        """Open a shift with the cash float counted into the drawer."""
        if not cashier.strip():
            raise ShiftError.text("enter the cashier's name to open a shift")
        if len(cashier.strip()) > MAX_CASHIER:
            raise ShiftError.text("the cashier's name is {length} characters, at most {limit}",
                                  length=len(cashier.strip()), limit=MAX_CASHIER)
        self._check_amount(opening_float, Term("the opening float"), allow_zero=True)
        if self._store.current() is not None:
            raise ShiftError.text("a shift is already open: close it first")
        now = self._clock.now()
        shift = Shift(uuid.uuid4().hex, cashier.strip(), opening_float, rfc3339(now))
        with self._db.transaction() as tx:
            self._store.insert(tx, shift)
            self._outbox.enqueue(tx, "shift/1", {"event": "open", "shift_id": shift.id, "cashier": shift.cashier,
                                                 "float": opening_float.minor, "currency": self.currency}, now)
        return shift

    def cash_move(self, direction: str, amount: Money, reason: str, staff_id: str | None = None) -> None:
        """Put cash into the drawer ('in') or take it out ('out'), with a reason and who did it."""
        shift = self.require_open()
        if direction not in ("in", "out"):
            raise ShiftError.text("a cash move is 'in' or 'out'")
        self._check_amount(amount, Term("the amount"))
        if not reason.strip():
            raise ShiftError.text("give a reason for the cash move")
        if direction == "out":
            cash = self.report().method(PaymentMethod.CASH).expected
            if amount > cash:
                raise ShiftError.text("only {cash} should be in the drawer; cannot take out {amount}",
                                      cash=cash, amount=amount)
        with self._db.transaction() as tx:
            self._store.add_cash_move(tx, uuid.uuid4().hex, shift.id, direction, amount, reason.strip(),
                                      rfc3339(self._clock.now()), staff_id)

    def report(self, counted: dict[str, Money] | None = None, kind: str = "X",
               shift: Shift | None = None) -> ShiftReport:
        """The X report of the open shift (or a Z with counts), expected vs counted per method."""
        shift = shift or self.require_open()
        f = self._store.figures(shift.id)
        cur = self.currency
        methods = sorted(set(f["taken"]) | set(f["refunded"]) | {PaymentMethod.CASH})
        cash_in, cash_out = Money(f["moves"].get("in", 0), cur), Money(f["moves"].get("out", 0), cur)
        lines = []
        for m in methods:
            sales, taken = f["taken"].get(m, (0, 0))
            refunded = Money(f["refunded"].get(m, (0, 0))[1], cur)
            expected = Money(taken, cur) - refunded
            if m == PaymentMethod.CASH:
                expected = expected + shift.opening_float + cash_in - cash_out
            lines.append(method_line(m, sales, Money(taken, cur), refunded, expected,
                                     None if counted is None else counted.get(m, expected)))
        people = tuple(PersonLine(p["staff_id"], p["name"], p["sales"], Money(p["total"], cur), p["refunds"],
                                  Money(p["refunded"], cur), Money(p["in"], cur), Money(p["out"], cur))
                       for p in self._store.people(shift.id))
        topups = tuple(TopUpLine(tender, n, Money(amount, cur))
                       for tender, (n, amount) in sorted(BalanceStore(self._db).topups_of_shift(shift.id).items()))
        return ShiftReport(kind, shift, f["paid"], f["voided"], sum(n for n, _ in f["refunded"].values()),
                           Money(f["total"], cur), Money(f["tax"], cur), cash_in, cash_out, tuple(lines), people,
                           topups)

    def close(self, counted_cash: Money, counted_other: dict[str, Money] | None = None) -> ShiftReport:
        """Close the shift with the counted cash; returns the Z report."""
        shift = self.require_open()
        self._check_amount(counted_cash, Term("the counted cash"), allow_zero=True)
        counted = dict(counted_other or {})
        for amount in counted.values():
            self._check_amount(amount, Term("a counted amount"), allow_zero=True)
        counted[PaymentMethod.CASH] = counted_cash
        now = rfc3339(self._clock.now())
        closed = Shift(shift.id, shift.cashier, shift.opening_float, shift.opened_at, now)
        report = self.report(counted, "Z", closed)
        with self._db.transaction() as tx:
            self._store.close(tx, shift.id, now, report)
            self._outbox.enqueue(tx, "shift/1", {"event": "close", "shift_id": shift.id, "report": report.as_lines()},
                                 self._clock.now())
        return report
