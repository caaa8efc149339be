"""Shift values and the X/Z report: expected vs counted per payment method."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, tzinfo

from terminal.sales.clock_text import stored_time_text
from terminal.sales.money import Money


def readable_time(stamp: str, zone: tzinfo = UTC) -> str:
    """A stored RFC 3339 UTC time as a report shows it, to the second, in zone (UTC for what is stored or sent)."""
    return stored_time_text(stamp, zone, seconds=True)


@dataclass(frozen=True)
class Shift:
    """A cashier's shift on this terminal."""

    id: str
    cashier: str
    opening_float: Money
    opened_at: str
    closed_at: str | None = None


@dataclass(frozen=True)
class MethodLine:
    """One payment method's figures in a report; counted and difference only when counted."""

    method: str
    sales: int
    taken: Money
    refunded: Money
    expected: Money
    counted: Money | None
    difference: Money | None


@dataclass(frozen=True)
class PersonLine:
    """One staff member's part of a shift (name '' = nobody was signed in): the lines add up to the shift."""

    staff_id: str | None
    name: str
    sales: int
    taken: Money
    refunds: int
    refunded: Money
    cash_in: Money
    cash_out: Money


@dataclass(frozen=True)
class TopUpLine:
    """Members' balance top-ups of a shift paid one way (cash or code): how many and their sum."""

    tender: str
    count: int
    amount: Money


@dataclass(frozen=True)
class ShiftReport:
    """An X report (mid-shift, nothing closed) or a Z report (the shift closed with counts)."""

    kind: str  # "X" | "Z"
    shift: Shift
    sales_count: int
    voided_count: int
    refunds_count: int
    gross_sales: Money
    tax: Money
    cash_in: Money
    cash_out: Money
    methods: tuple[MethodLine, ...]
    people: tuple[PersonLine, ...] = ()
    topups: tuple[TopUpLine, ...] = ()   # members' prepaid balance top-ups: not sales (cash ones are in cash in)

    def method(self, name: str) -> MethodLine:
        """The line of one payment method (KeyError when absent)."""
        for line in self.methods:
            if line.method == name:
                return line
        raise KeyError(name)

    def as_lines(self, zone: tzinfo = UTC) -> list[str]:
        """The report as text lines, times in zone: UTC (default) for what is stored and sent, the shop's to show."""
        s = self.shift
        out = [f"{self.kind} REPORT", f"Shift {s.id[:12]}  cashier {s.cashier}",
               f"Opened {readable_time(s.opened_at, zone)}"]
        if s.closed_at:
            out.append(f"Closed {readable_time(s.closed_at, zone)}")
        out += [f"Sales {self.sales_count}  voided {self.voided_count}  refunds {self.refunds_count}",
                f"Gross sales {self.gross_sales}", f"Tax {self.tax}",
                f"Opening float {s.opening_float}", f"Cash in {self.cash_in}", f"Cash out {self.cash_out}"]
        for m in self.methods:
            out.append(f"[{m.method}] sales {m.sales} taken {m.taken} refunded {m.refunded}")
            out.append(f"  expected {m.expected}")
            if m.counted is not None and m.difference is not None:
                sign = "+" if m.difference.minor > 0 else ""
                out.append(f"  counted  {m.counted}  difference {sign}{m.difference.amount_str()}")
        for t in self.topups:
            out.append(f"[top-ups {t.tender}] {t.count} member top-ups {t.amount} (not sales)")
        for p in self.people:
            out.append(f"[staff {p.name or s.cashier}] sales {p.sales} taken {p.taken} refunds {p.refunds}"
                       f" refunded {p.refunded} cash in {p.cash_in} cash out {p.cash_out}")
        return out


def method_line(method: str, sales: int, taken: Money, refunded: Money, expected: Money,
                counted: Money | None) -> MethodLine:
    """A report line, with the difference computed when a count was given."""
    difference = None if counted is None else counted - expected
    return MethodLine(method, sales, taken, refunded, expected, counted, difference)
