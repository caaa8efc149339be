"""Coupons: percent or amount off the cart, minimum spend, expiry, single use, optionally one member's."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from terminal.errors import CouponError, MoneyError
from terminal.link.events import rfc3339
from terminal.ports import Clock
from terminal.sales.money import Money
from terminal.store.coupons import Coupon, CouponStore
from terminal.store.db import Transaction

__all__ = ["Coupon", "CouponService", "normalize_code"]

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,31}$")


def normalize_code(code: str) -> str:
    """The code as stored: upper case, no surrounding spaces."""
    return code.strip().upper()


class CouponService:
    """Adds, checks and redeems coupons in the home currency."""

    def __init__(self, store: CouponStore, clock: Clock, currency: str) -> None:
        self._store, self._clock, self.currency = store, clock, currency

    def today(self) -> date:
        """The shop's date (the device's local time zone) on which expiry is judged."""
        return self._clock.now().astimezone().date()

    def add(self, code: str, *, percent: str | None = None, amount: str | None = None, min_spend: str = "0",
            expires: str | None = None, member_id: str | None = None) -> Coupon:
        """A new coupon: exactly one of percent ('10', '12.5') or amount ('5.00', home currency)."""
        code = normalize_code(code)
        if not _CODE.match(code):
            raise CouponError.text("coupon code {code}: 3 to 32 letters, digits, - or _, starting with a letter"
                                   " or digit", code=repr(code))
        if (percent is None) == (amount is None):
            raise CouponError.text("give a coupon either a percent or an amount off, not both")
        try:
            spend = Money.parse(min_spend, self.currency)
            off = Money.parse(amount, self.currency) if amount is not None else None
            pct = Decimal(percent) if percent is not None else None
        except (MoneyError, InvalidOperation):
            raise CouponError.text("coupon amounts are numbers like 5.00 and percents like 10 or 12.5 ({currency})",
                                   currency=self.currency) from None
        if pct is not None and (not pct.is_finite() or not 0 < pct <= 100 or (pct * 100) % 1):
            raise CouponError.text("a coupon percent is more than 0 and at most 100, in steps of 0.01, got {percent}",
                                   percent=percent)
        if (off is not None and off.minor <= 0) or spend.minor < 0:
            raise CouponError.text("a coupon amount must be positive and its minimum spend not negative")
        try:
            until = date.fromisoformat(expires) if expires else None
        except ValueError:
            raise CouponError.text("expiry must be a date like 2026-12-31, got {expires}",
                                   expires=repr(expires)) from None
        kind, value = ("percent", int(pct * 100)) if pct is not None else ("amount", off.minor if off else 0)
        coupon = Coupon(code, kind, value, spend, until, member_id)
        with self._store.db.transaction() as tx:
            if self._store.exists(code, tx):
                raise CouponError.text("coupon {code} already exists: choose another code", code=code)
            if member_id and not self._store.member_exists(tx, member_id):
                raise CouponError.text("no member {member_id} on this terminal", member_id=repr(member_id))
            self._store.insert(tx, coupon, rfc3339(self._clock.now()))
        return coupon

    def known(self, code: str) -> bool:
        """True when a coupon has this code (used or not): the till then applies it instead of scanning it."""
        return self._store.exists(normalize_code(code))

    def get(self, code: str) -> Coupon:
        """The coupon with this code, or CouponError."""
        coupon = self._store.get(normalize_code(code))
        if coupon is None:
            raise CouponError.text("coupon {code} is not known here: check the code", code=repr(normalize_code(code)))
        return coupon

    def check(self, code: str, goods: Money, member_id: str | None) -> Coupon:
        """The coupon if it may be used now on goods worth `goods` by this member; CouponError says why not."""
        coupon = self.get(code)
        if coupon.used_by_sale is not None:
            raise CouponError.text("coupon {code} has already been used (sale {sale})",
                                   code=coupon.code, sale=coupon.used_by_sale[:12])
        if coupon.expires is not None and self.today() > coupon.expires:
            raise CouponError.text("coupon {code} expired on {date}", code=coupon.code, date=coupon.expires.isoformat())
        if coupon.member_id is not None and coupon.member_id != member_id:
            raise CouponError(f"coupon {coupon.code} belongs to a member: scan their member card first"
                              if member_id is None else f"coupon {coupon.code} belongs to another member")
        if coupon.min_spend.currency != goods.currency:
            raise CouponError.text("coupon {code} is in {currency}, the sale in {sale_currency}",
                                   code=coupon.code, currency=coupon.min_spend.currency, sale_currency=goods.currency)
        if goods < coupon.min_spend:
            raise CouponError.text("coupon {code} needs a spend of at least {minimum}; the sale is {goods}:"
                                   " add items or remove the coupon", code=coupon.code, minimum=coupon.min_spend,
                                   goods=goods)
        return coupon

    def redeem(self, tx: Transaction, code: str, sale_id: str) -> None:
        """Mark the coupon used by this sale, inside the sale's transaction; a second use is refused."""
        if not self._store.mark_used(tx, normalize_code(code), sale_id, rfc3339(self._clock.now())):
            raise CouponError.text("coupon {code} has already been used: remove it from the sale",
                                   code=normalize_code(code))

    def used_by(self, sale_id: str) -> str | None:
        """The code of the coupon a stored sale used, if any."""
        return self._store.used_by(sale_id)
