"""Reconciliation (财务对账): each provider's bill for a day against the payments and refunds the gateway stored.

The day is the providers' billing day, Beijing time (UTC+8, no daylight saving). Our side is the gateway's
trade table (paid trades) and refund table (refunded ids), which hold exactly what went through the providers.
Each payment line also names the sale of the shop's books (the terminals' payment/1 events in the event store)
that the trade paid: a trade the provider charged with no sale is money to follow up (a refund still due, or a
terminal that has not synced yet).
"""
from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sync.gateway.provider import BillKind, Provider, ProviderName
from sync.gateway.store import GatewayStore
from terminal.link.events import rfc3339
from terminal.payments.acquirer import AcquirerStatus

BILL_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


class Match(StrEnum):
    """How one payment or refund compares."""

    MATCHED = "matched"
    MISSING_AT_PROVIDER = "missing_at_provider"   # we recorded it paid/refunded, the bill lacks it
    MISSING_AT_US = "missing_at_us"               # the bill has it, we do not have it as paid/refunded
    AMOUNT_MISMATCH = "amount_mismatch"


@dataclass(frozen=True)
class Line:
    """One compared entry."""

    provider: str
    kind: str
    out_trade_no: str
    refund_no: str
    ours: str
    theirs: str
    result: Match
    sale_id: str = ""      # payments: the sale whose payment/1 event names this trade ("" when none does)


FIELDS = list(Line.__dataclass_fields__)


def day_bounds(day: date) -> tuple[str, str]:
    """The billing day as [start, end) RFC 3339 UTC texts."""
    start = datetime.combine(day, time(0), BILL_TZ)
    return rfc3339(start.astimezone(UTC)), rfc3339((start + timedelta(days=1)).astimezone(UTC))


def _compare(name: str, kind: str, ours: dict[tuple[str, str], Decimal],
             theirs: dict[tuple[str, str], Decimal]) -> list[Line]:
    lines = []
    for key in sorted(set(ours) | set(theirs)):
        mine, bill = ours.get(key), theirs.get(key)
        if mine is None:
            result = Match.MISSING_AT_US
        elif bill is None:
            result = Match.MISSING_AT_PROVIDER
        else:
            result = Match.MATCHED if mine == bill else Match.AMOUNT_MISMATCH
        lines.append(Line(name, kind, key[0], key[1], "" if mine is None else f"{mine:.2f}",
                          "" if bill is None else f"{bill:.2f}", result))
    return lines


def reconcile(providers: dict[ProviderName, Provider], store: GatewayStore, day: date,
              sales: dict[str, str] | None = None) -> list[Line]:
    """Every payment and refund of the day, from both sides, compared; `sales` maps trades to their sale ids."""
    start, end = day_bounds(day)
    trades, refunds = store.trades_between(start, end), store.refunds_between(start, end)
    lines: list[Line] = []
    for name, provider in providers.items():
        bill = provider.bill(day)
        paid = {(t.out_trade_no, ""): Decimal(t.amount) for t in trades
                if t.provider == name and t.status == AcquirerStatus.SUCCESS}
        refunded = {(str(r["out_trade_no"]), str(r["out_request_no"])): Decimal(str(r["amount"])) for r in refunds
                    if r["provider"] == name and r["status"] == AcquirerStatus.REFUNDED}
        billed_paid: dict[tuple[str, str], Decimal] = {}
        billed_refunds: dict[tuple[str, str], Decimal] = {}
        for row in bill:
            if row.kind == BillKind.PAYMENT:
                billed_paid[(row.out_trade_no, "")] = billed_paid.get((row.out_trade_no, ""), Decimal(0)) + row.amount
            else:
                key = (row.out_trade_no, row.refund_no)
                billed_refunds[key] = billed_refunds.get(key, Decimal(0)) + abs(row.amount)
        lines += [replace(line, sale_id=(sales or {}).get(line.out_trade_no, ""))
                  for line in _compare(name, BillKind.PAYMENT, paid, billed_paid)]
        lines += _compare(name, BillKind.REFUND, refunded, billed_refunds)
    return lines


def sales_window(day: date) -> tuple[str, str]:
    """Where to look for the day's sales: terminal clocks and offline sales can put them a day either side."""
    start, end = day_bounds(day)
    widen = timedelta(days=1)
    return (rfc3339(datetime.fromisoformat(start) - widen), rfc3339(datetime.fromisoformat(end) + widen))


def without_sale(lines: list[Line]) -> list[Line]:
    """Payments we have as paid that no sale names: charged at the provider, not in the shop's books."""
    return [line for line in lines if line.kind == BillKind.PAYMENT and line.ours and not line.sale_id]


def report(day: date, lines: list[Line]) -> dict[str, Any]:
    """The JSON document: the day, counts per result, and every line."""
    counts = {str(m): sum(1 for line in lines if line.result == m) for m in Match}
    counts["paid_without_sale"] = len(without_sale(lines))
    return {"date": day.isoformat(), "timezone": "UTC+08:00", "summary": counts,
            "lines": [{**asdict(line), "result": str(line.result)} for line in lines]}


def csv_text(lines: list[Line]) -> str:
    """The lines as CSV with a header row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, FIELDS, lineterminator="\n")
    writer.writeheader()
    for line in lines:
        writer.writerow({**asdict(line), "result": str(line.result)})
    return out.getvalue()
