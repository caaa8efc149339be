"""Points taken back when a sale that earned them is refunded: a new ledger row per refund, never an edit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from terminal.link.events import rfc3339
from terminal.sales.money import Money
from terminal.store.db import Transaction
from terminal.store.members import MemberStore
from terminal.store.outbox import OutboxStore

POINTS_REVERSED = "points_reversed"   # the member/1 action (sync/event_schemas/member.py)


@dataclass(frozen=True)
class PointsBack:
    """What a refund took back: `short` is what the balance could not cover."""

    member_id: str
    taken: int
    short: int
    balance: int


def points_due(earned: int, already: int, refunded: Money, paid: Money, completes: bool) -> int:
    """The refund's share of the points a sale earned (floor); the refund that completes the sale takes the rest."""
    rest = max(earned - already, 0)
    if completes or paid.minor <= 0:
        return rest
    return min(earned * refunded.minor // paid.minor, rest)


def take_back_points(store: MemberStore, outbox: OutboxStore, tx: Transaction, member_id: str | None, sale_id: str,
                     refund_id: str, refunded: Money, paid: Money, completes: bool, now: datetime) -> PointsBack | None:
    """Inside the refund's transaction: take the refund's share of the sale's points back and emit member/1."""
    if member_id is None or store.get(member_id, tx) is None:
        return None
    award = store.award_for(sale_id)
    if award is None or award.points <= 0:
        return None
    due = points_due(award.points, store.taken_back(sale_id, tx), refunded, paid, completes)
    if due <= 0:
        return None
    result = store.take_back(tx, member_id, sale_id, refund_id, due, rfc3339(now))
    back = PointsBack(member_id, result.points, due - result.points, result.balance)
    if back.taken or back.short:
        outbox.enqueue(tx, "member/1", {"action": POINTS_REVERSED, "member_id": member_id, "sale_id": sale_id,
                                        "refund_id": refund_id, "points_reversed": back.taken,
                                        "points_short": back.short, "balance": back.balance}, now)
    return back
