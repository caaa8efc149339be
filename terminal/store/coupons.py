"""Coupons in SQLite: a coupon row per code, marked used by one sale inside that sale's transaction."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from terminal.sales.money import Money, div_half_up
from terminal.store.db import Database, Transaction


@dataclass(frozen=True)
class Coupon:
    """A coupon; `value` is basis points for 'percent' (1000 = 10%) and minor units for 'amount'."""

    code: str
    kind: str
    value: int
    min_spend: Money
    expires: date | None = None   # valid through the end of that day, shop time
    member_id: str | None = None  # None: anyone may use it
    used_by_sale: str | None = None

    def describe(self) -> str:
        """'10% off' or 'CNY 5.00 off', for the cashier."""
        if self.kind == "percent":
            text = f"{Decimal(self.value) / 100:f}"
            return (text.rstrip("0").rstrip(".") if "." in text else text) + "% off"
        return f"{Money(self.value, self.min_spend.currency)} off"

    def discount_for(self, goods: Money) -> Money:
        """The cart discount on goods worth `goods` (after line discounts): zero below the minimum spend."""
        if goods < self.min_spend or goods.minor <= 0:
            return Money.zero(goods.currency)
        if self.kind == "percent":
            return Money(div_half_up(goods.minor * self.value, 10000), goods.currency)
        return Money(min(self.value, goods.minor), goods.currency)


def _coupon(r: sqlite3.Row) -> Coupon:
    return Coupon(r["code"], r["kind"], int(r["value"]), Money(int(r["min_spend"]), r["currency"]),
                  date.fromisoformat(r["expires_at"]) if r["expires_at"] else None, r["member_id"], r["used_by_sale"])


class CouponStore:
    """SQL for the coupons table; writes happen in a caller's transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def exists(self, code: str, tx: Transaction | None = None) -> bool:
        """True when a coupon has this stored code, used or not (inside `tx` when given)."""
        sql, params = "SELECT 1 FROM coupons WHERE code = ?", (code,)
        row = tx.execute(sql, params).fetchone() if tx is not None else self.db.query_one(sql, params)
        return row is not None

    def member_exists(self, tx: Transaction, member_id: str) -> bool:
        """True when the member a coupon is to be bound to is on this terminal."""
        return tx.execute("SELECT 1 FROM members WHERE id = ?", (member_id,)).fetchone() is not None

    def insert(self, tx: Transaction, coupon: Coupon, created_at: str) -> None:
        """Add a coupon (the code is the primary key)."""
        tx.execute("INSERT INTO coupons(code, kind, value, min_spend, currency, expires_at, member_id, created_at)"
                   " VALUES (?,?,?,?,?,?,?,?)",
                   (coupon.code, coupon.kind, coupon.value, coupon.min_spend.minor, coupon.min_spend.currency,
                    coupon.expires.isoformat() if coupon.expires else None, coupon.member_id, created_at))

    def get(self, code: str) -> Coupon | None:
        """The coupon with this stored code, or None."""
        row = self.db.query_one("SELECT * FROM coupons WHERE code = ?", (code,))
        return _coupon(row) if row is not None else None

    def mark_used(self, tx: Transaction, code: str, sale_id: str, at: str) -> bool:
        """Mark an unused coupon used by this sale; False when it was used already (or is unknown)."""
        done = tx.execute("UPDATE coupons SET used_by_sale = ?, used_at = ? WHERE code = ? AND used_by_sale IS NULL",
                          (sale_id, at, code))
        return done.rowcount == 1

    def used_by(self, sale_id: str) -> str | None:
        """The code of the coupon a stored sale used, if any."""
        row = self.db.query_one("SELECT code FROM coupons WHERE used_by_sale = ?", (sale_id,))
        return str(row[0]) if row else None
