"""Which units of which lines a refund gives back and how much: a pure function of the sale and earlier refunds.

A line's amount is what the customer paid for it (after line and cart discounts). q of its Q units are worth
floor(amount * q / Q); the refund that takes a line's last units gets the remainder, so refunding everything
returns exactly what was paid.
"""
from __future__ import annotations

from dataclasses import dataclass

from terminal.errors import RefundError
from terminal.sales.money import Money
from terminal.sales.sale import Sale
from terminal.store.refunds import RefundLine

Taken = dict[int, tuple[int, int]]   # line number -> (quantity, minor units) already refunded or waiting


@dataclass(frozen=True)
class LineState:
    """One sale line as a refund sees it: bought, paid, and what earlier refunds took."""

    line_no: int          # as printed, from 1
    sku: str
    name: str
    quantity: int
    amount: Money         # what the customer paid for the whole line
    refunded: int         # units refunded so far
    refunded_amount: Money
    waiting: int = 0      # units in a wallet refund still waiting for the acquirer's answer
    waiting_amount: Money | None = None

    @property
    def refundable(self) -> int:
        """Units that may still be refunded."""
        return max(self.quantity - self.refunded - self.waiting, 0)

    def value(self, units: int) -> Money:
        """What `units` more of this line give back."""
        taken = self.refunded + self.waiting
        if taken + units >= self.quantity:
            return self.amount - self.refunded_amount - (self.waiting_amount or Money.zero(self.amount.currency))
        return Money(self.amount.minor * units // self.quantity, self.amount.currency)


def line_states(sale: Sale, refunded: Taken, waiting: Taken | None = None) -> list[LineState]:
    """Every line of a stored sale with what was refunded (and is waiting) so far."""
    waiting = waiting or {}
    cur = sale.currency
    out = []
    for number, priced in enumerate(sale.totals.lines, start=1):
        q, a = refunded.get(number, (0, 0))
        wq, wa = waiting.get(number, (0, 0))
        out.append(LineState(number, priced.line.item.sku, priced.line.item.name, priced.line.quantity,
                             priced.amount, q, Money(a, cur), wq, Money(wa, cur)))
    return out


def asked_lines(states: list[LineState], lines: dict[int, int] | None) -> dict[int, int]:
    """The units asked per line: everything still refundable when `lines` is None; checked against what is left."""
    if lines is None:
        whole = {s.line_no: s.refundable for s in states if s.refundable > 0}
        if not whole:
            raise RefundError.text("everything in this sale has been refunded already (or waits for the wallet's"
                                   " answer): nothing is left to refund")
        return whole
    if not lines:
        raise RefundError.text("choose at least one line and quantity to refund")
    by_no = {s.line_no: s for s in states}
    for number, units in sorted(lines.items()):
        state = by_no.get(number)
        if state is None:
            raise RefundError.text("the sale has no line {line}: its lines are 1 to {count}",
                                   line=number, count=len(states))
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise RefundError.text("line {line}: refund a whole number of at least 1, not {quantity}",
                                   line=number, quantity=repr(units))
        if units > state.refundable:
            raise RefundError.text("line {line} ({name}): cannot refund {quantity}, only {left} of {bought} left"
                                   " to refund", line=number, name=state.name, quantity=units,
                                   left=state.refundable, bought=state.quantity)
    return dict(sorted(lines.items()))


def plan(states: list[LineState], asked: dict[int, int]) -> tuple[RefundLine, ...]:
    """The refund lines for checked units, each with its share of what was paid."""
    by_no = {s.line_no: s for s in states}
    return tuple(RefundLine(n, q, by_no[n].value(q)) for n, q in sorted(asked.items()))


def completes(states: list[LineState], refund: tuple[RefundLine, ...]) -> bool:
    """True when this refund takes the last refundable units of the sale."""
    asked = {ln.line_no: ln.quantity for ln in refund}
    return all(s.refunded + s.waiting + asked.get(s.line_no, 0) >= s.quantity for s in states)


def lines_by_sku(states: list[LineState], skus: dict[str, int]) -> dict[int, int]:
    """Quantities asked by sku as quantities per line (a sku on several lines fills them in order)."""
    out: dict[int, int] = {}
    for sku, units in skus.items():
        matching = [s for s in states if s.sku.lower() == sku.lower()]
        if not matching:
            raise RefundError.text("the sale has no line with sku {sku}", sku=sku)
        left = units
        for s in matching:
            take = min(left, s.refundable)
            if take > 0:
                out[s.line_no] = out.get(s.line_no, 0) + take
                left -= take
        if left > 0:   # more than is left: name the first line so the error says what is left
            first = matching[0].line_no
            out[first] = out.get(first, 0) + left
    return out
