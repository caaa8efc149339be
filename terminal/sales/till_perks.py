"""What members and coupons add to the till's sale: the member, the coupon's cart discount, points when paid."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from terminal.errors import CouponError, MemberError, SaleError
from terminal.members.coupons import Coupon, CouponService
from terminal.members.service import Member, MemberService
from terminal.sales.money import Money
from terminal.sales.receipts import ReceiptMember
from terminal.sales.sale import Sale, SaleState
from terminal.store.db import Transaction
from terminal.store.members import PointsAward

log = logging.getLogger(__name__)
T = TypeVar("T")


class SalePerks:
    """The Sale stays pure: this keeps its coupon discount in step with the cart and books points and coupons."""

    def __init__(self, members: MemberService | None, coupons: CouponService | None) -> None:
        self.members, self.coupons = members, coupons

    def _member_service(self) -> MemberService:
        if self.members is None:
            raise MemberError.text("membership is not set up on this terminal")
        return self.members

    def _coupon_service(self) -> CouponService:
        if self.coupons is None:
            raise CouponError.text("coupons are not set up on this terminal")
        return self.coupons

    def attach(self, sale: Sale, member: Member) -> None:
        """The member earns this sale's points (and may use their own coupons)."""
        sale.set_member(member.id)

    def join(self, sale: Sale, name: str, phone: str) -> Member:
        """One-tap join at payment: a new member, attached; their card prints on this sale's receipt."""
        if sale.state not in (SaleState.OPEN, SaleState.TENDERING):
            raise SaleError.text("sale is {state}: join before it is paid", state=sale.state.value)
        member = self._member_service().join_at_payment(name, phone, sale_id=sale.id)
        sale.set_member(member.id)
        return member

    def apply_coupon(self, sale: Sale, code: str) -> Coupon:
        """Check the coupon against the cart and put its discount on the sale as the cart discount."""
        if sale.state is not SaleState.OPEN:
            raise SaleError.text("go back to the cart to apply a coupon")
        if sale.coupon_code is not None:
            raise CouponError.text("coupon {code} is already on this sale: one coupon per sale", code=sale.coupon_code)
        if sale.cart_discount is not None:
            raise SaleError.text("this sale has a cart discount: remove it (set it to 0) before applying a coupon")
        coupon = self._coupon_service().check(code, sale.goods, sale.member_id)
        sale.set_coupon(coupon.code, coupon.discount_for(sale.goods))
        return coupon

    def remove_coupon(self, sale: Sale) -> None:
        """Take the coupon and its discount off the sale."""
        sale.set_coupon(None, Money.zero(sale.currency))

    def guard_cart_discount(self, sale: Sale) -> None:
        """A hand-given cart discount and a coupon share the one cart discount: refuse to mix them."""
        if sale.coupon_code is not None:
            raise CouponError.text("coupon {code} is the cart discount: remove the coupon first", code=sale.coupon_code)

    def change(self, sale: Sale, change: Callable[[], T]) -> T:
        """Change the cart with the coupon's discount lifted, then price the coupon on the new cart."""
        code = sale.coupon_code
        if code is None or sale.state is not SaleState.OPEN:
            return change()
        sale.set_coupon(code, Money.zero(sale.currency))
        try:
            return change()
        finally:
            sale.set_coupon(code, self._coupon_service().get(code).discount_for(sale.goods))

    def check_tender(self, sale: Sale) -> None:
        """Before any money moves: the coupon must still be valid for this cart and member."""
        if sale.coupon_code is not None:
            self._coupon_service().check(sale.coupon_code, sale.goods, sale.member_id)

    def book(self, tx: Transaction, paid: Sale) -> PointsAward | None:
        """Inside the sale's transaction: redeem its coupon and award the member's points (once per sale id)."""
        if paid.coupon_code is not None:
            self._coupon_service().redeem(tx, paid.coupon_code, paid.id)
        if paid.member_id is None:
            return None
        members = self._member_service()
        if members.store.get(paid.member_id, tx) is None:  # deleted mid-sale: the paid sale is kept, without them
            log.warning("member %s left during sale %s: no points", paid.member_id[:12], paid.id[:12])
            paid.member_id = None
            return None
        return members.award_points(tx, paid.member_id, paid.id, paid.paid)

    def receipt_member(self, sale: Sale) -> ReceiptMember | None:
        """The member block of a sale's receipt (the same on a reprint), with the card if they joined with it."""
        if sale.member_id is None or self.members is None:
            return None
        member = self.members.store.get(sale.member_id)
        if member is None:
            return None
        award = self.members.award_for(sale.id)
        spent = self.members.balance.spent_by(sale.id)
        return ReceiptMember(member.display_name, award.points if award else None, award.balance if award else None,
                             member.card if member.joined_sale_id == sale.id else None,
                             spent.balance.format() if spent is not None else None)
