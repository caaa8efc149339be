"""Coupons on the cart and points on paid sales, through the till on a real SQLite file."""
from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from terminal.app.bootstrap import Terminal
from terminal.errors import CouponError, MemberError, SaleError, StoreError
from terminal.members.coupons import CouponService
from terminal.members.service import MemberService
from terminal.sales.money import Money
from terminal.scanning.capture import route

PHONE = "+8613812345678"


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def members(t: Terminal) -> MemberService:
    assert t.members is not None
    return t.members


def coupons(t: Terminal) -> CouponService:
    assert t.coupons is not None
    return t.coupons


def events(t: Terminal, schema: str) -> list[dict[str, Any]]:
    return [json.loads(r.envelope)["body"] for r in t.outbox.pending() if r.schema == schema]


def ring_up(t: Terminal) -> None:
    t.till.scan("8930001234505")        # TEA-001 18.00 incl 6%
    t.till.scan("071234502608", 2)      # DRK-004 8.00 excl 13% -> 9.04 each
    t.till.add_item("NOO-002", 3)       # 5.50 incl 9%


def coupon_row(t: Terminal, code: str) -> sqlite3.Row:
    conn = sqlite3.connect(str(t.data_dir / "terminal.db"))
    conn.row_factory = sqlite3.Row
    row = conn.execute("SELECT * FROM coupons WHERE code = ?", (code,)).fetchone()
    conn.close()
    return row


def test_percent_coupon_is_the_cart_discount_and_follows_the_cart(open_term: Terminal) -> None:
    t = open_term
    coupons(t).add("TEN", percent="10")
    ring_up(t)                                   # goods 18.00 + 16.00 + 16.50 = 50.50
    assert t.till.apply_coupon("ten").describe() == "10% off"
    sale = t.till.sale
    assert sale is not None and sale.coupon_code == "TEN" and sale.cart_discount == cny("5.05")
    t.till.add_item("NOO-002")                   # goods 56.00: 10% again, on the new cart
    assert sale.cart_discount == cny("5.60")
    t.till.remove_line(2)
    assert sale.cart_discount == cny("3.40")
    t.till.discount_line(0, cny("4"))            # a line discount lowers the basis too
    assert sale.cart_discount == cny("3.00")
    with pytest.raises(CouponError, match="remove the coupon first"):
        t.till.discount_cart(cny("1"))


def test_amount_coupon_with_minimum_spend(open_term: Terminal) -> None:
    t = open_term
    coupons(t).add("FIVE", amount="5.00", min_spend="30")
    t.till.scan("8930001234505")                 # 18.00
    with pytest.raises(CouponError, match=r"spend of at least CNY 30.00.*add items or remove the coupon"):
        t.till.apply_coupon("FIVE")
    ring_up(t)
    t.till.apply_coupon("FIVE")
    assert t.till.sale is not None and t.till.sale.cart_discount == cny("5")
    for _ in range(2):                           # tea (2 x 18.00) and drinks go: noodles 16.50 are left
        t.till.remove_line(0)                    # below the minimum: the discount lapses ...
    assert t.till.sale.cart_discount is None
    with pytest.raises(CouponError, match="at least"):
        t.till.start_tender()                    # ... and the sale cannot be paid with it on
    t.till.remove_coupon()
    assert t.till.start_tender().coupon_code is None


def test_amount_coupon_never_exceeds_the_goods(open_term: Terminal) -> None:
    coupons(open_term).add("BIG", amount="100")
    open_term.till.scan("8930001234505")
    open_term.till.apply_coupon("BIG")
    assert open_term.till.sale is not None and open_term.till.sale.due == cny("0")
    done = open_term.till.pay_cash(cny("0"))
    assert done.sale.totals.total.is_zero and coupon_row(open_term, "BIG")["used_by_sale"] == done.sale.id


def test_expiry_is_judged_on_the_shop_day(open_term: Terminal, clock: Any) -> None:
    t = open_term
    today = clock.now().astimezone().date()
    coupons(t).add("TODAY", percent="5", expires=today.isoformat())
    coupons(t).add("GONE", percent="5", expires=(today - timedelta(days=1)).isoformat())
    t.till.scan("8930001234505")
    with pytest.raises(CouponError, match=f"expired on {today - timedelta(days=1)}"):
        t.till.apply_coupon("GONE")
    t.till.apply_coupon("TODAY")


def test_single_use_is_marked_in_the_sale_transaction(open_term: Terminal) -> None:
    t = open_term
    coupons(t).add("ONCE", percent="12.5")
    ring_up(t)
    t.till.apply_coupon("ONCE")
    done = t.till.pay_cash(cny("100"))
    assert done.sale.coupon_code == "ONCE" and done.sale.cart_discount == cny("6.31")
    assert coupon_row(t, "ONCE")["used_by_sale"] == done.sale.id
    assert events(t, "payment/1")[-1]["coupon"] == "ONCE"
    assert "coupon" in done.receipt.as_text() and "ONCE" in done.receipt.as_text()
    assert t.till.sales.load(done.sale.id).coupon_code == "ONCE"
    t.till.scan("8930001234505")
    with pytest.raises(CouponError, match="already been used"):
        t.till.apply_coupon("ONCE")


def test_a_failed_sale_leaves_the_coupon_unused_and_no_points(open_term: Terminal,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    t = open_term
    coupons(t).add("ONCE", percent="10")
    m = members(t).add("Lan", PHONE, face_consent=False)
    t.till.attach_member(m)
    ring_up(t)
    t.till.apply_coupon("ONCE")

    def broken(*_a: object) -> None:
        raise StoreError("the terminal's disk is full")
    monkeypatch.setattr(t.till.sales, "insert", broken)
    with pytest.raises(StoreError):
        t.till.pay_cash(cny("100"))
    assert coupon_row(t, "ONCE")["used_by_sale"] is None
    assert members(t).get(m.id).points == 0 and members(t).award_for(t.till.sale.id if t.till.sale else "") is None
    assert events(t, "member/1") == [events(t, "member/1")[0]]   # only "created"
    monkeypatch.undo()
    done = t.till.pay_cash(cny("100"))                           # the same sale goes through once fixed
    assert coupon_row(t, "ONCE")["used_by_sale"] == done.sale.id
    assert members(t).get(m.id).points == done.sale.totals.total.minor // 100 == 47


def test_member_bound_coupon(open_term: Terminal) -> None:
    t = open_term
    lan = members(t).add("Lan", PHONE, face_consent=False)
    minh = members(t).add("Minh", "+84901234567", face_consent=False)
    coupons(t).add("LAN5", amount="5", member_id=lan.id)
    t.till.scan("8930001234505")
    with pytest.raises(CouponError, match="scan their member card first"):
        t.till.apply_coupon("LAN5")
    t.till.attach_member(minh)
    with pytest.raises(CouponError, match="another member"):
        t.till.apply_coupon("LAN5")
    t.till.attach_member(lan)
    t.till.apply_coupon("LAN5")
    t.till.attach_member(minh)                    # swapped after the coupon went on: caught before payment
    with pytest.raises(CouponError, match="another member"):
        t.till.start_tender()


def test_unknown_and_malformed_coupons(open_term: Terminal) -> None:
    t = open_term
    t.till.scan("8930001234505")
    with pytest.raises(CouponError, match="not known"):
        t.till.apply_coupon("NOPE")
    for kwargs, message in [({"percent": "0"}, "more than 0"), ({"percent": "101"}, "at most 100"),
                            ({"amount": "-1"}, "positive"), ({}, "either a percent or an amount"),
                            ({"percent": "5", "expires": "31/12/2026"}, "2026-12-31"),
                            ({"percent": "5", "member_id": "x" * 32}, "no member")]:
        with pytest.raises(CouponError, match=message):
            coupons(t).add("OK1", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(CouponError, match="letters, digits"):
        coupons(t).add("a b", percent="5")
    coupons(t).add("DUP", percent="5")
    with pytest.raises(CouponError, match="already exists"):
        coupons(t).add("dup", amount="1")


def test_a_hand_given_cart_discount_and_a_coupon_do_not_mix(open_term: Terminal) -> None:
    t = open_term
    coupons(t).add("TEN", percent="10")
    ring_up(t)
    t.till.discount_cart(cny("2"))
    with pytest.raises(SaleError, match="cart discount"):
        t.till.apply_coupon("TEN")


def test_points_on_a_paid_sale_and_on_the_receipt(open_term: Terminal, printer: Any) -> None:
    t = open_term
    m = members(t).add("Lan Nguyen", PHONE, face_consent=False)
    card_route = route(m.card, t.catalog, lambda _t: False)
    t.till.attach_member(members(t).find_by_card(card_route.text))  # scanned before any item
    ring_up(t)                                                      # 52.58 due
    done = t.till.pay_cash(cny("60"))
    assert members(t).get(m.id).points == 52
    award = members(t).award_for(done.sale.id)
    assert award is not None and (award.points, award.balance) == (52, 52)
    text = done.receipt.as_text()
    assert re.search(r"Member +Lan\n", text) and re.search(r"Points earned +\+52\n", text)
    assert re.search(r"Points balance +52\n", text) and "Nguyen" not in text and "5678" not in text
    assert done.receipt.member_card is None            # an existing member's card is not reprinted
    assert events(t, "payment/1")[-1]["member_id"] == m.id
    points = [e for e in events(t, "member/1") if e["action"] == "points"]
    assert points == [{"action": "points", "member_id": m.id, "sale_id": done.sale.id, "points": 52, "balance": 52}]
    t.till.scan("8930001234505")
    t.till.attach_member(m)
    second = t.till.pay_cash(cny("20"))
    assert members(t).get(m.id).points == 70
    t.till.reprint(done.sale.id)                         # a reprint shows the figures of its own sale
    assert printer.receipts[-1].as_text() == done.receipt.as_text()
    assert "Points balance" in second.receipt.as_text() and "70" in second.receipt.as_text()


@pytest.mark.parametrize("per_unit, expected", [(2, 105), (0, 0)])
def test_points_per_unit_comes_from_the_config(tmp_path: Path, make_terminal: Callable[..., Terminal],
                                               per_unit: int, expected: int) -> None:
    from terminal.config.settings import default_config_text
    (tmp_path / "edgepos.toml").write_text(
        default_config_text().replace("points_per_unit = 1", f"points_per_unit = {per_unit}"), encoding="utf-8")
    t = make_terminal()
    assert t.config.members.points_per_unit == per_unit
    t.shifts.open("Lan", cny("100"))
    m = members(t).add("Lan", PHONE, face_consent=False)
    t.till.attach_member(m)
    ring_up(t)
    t.till.pay_cash(cny("60"))
    assert members(t).get(m.id).points == expected
    assert len([e for e in events(t, "member/1") if e["action"] == "points"]) == (1 if expected else 0)


def test_points_are_whole_units_rounded_down(term: Terminal) -> None:
    svc = members(term)
    assert [svc.points_for(cny(v)) for v in ("0.99", "1.00", "52.58", "0")] == [0, 1, 52, 0]
    assert svc.points_for(Money(100, "USD")) == 0       # not the home currency: no points


def test_one_tap_join_at_payment_prints_the_member_card(open_term: Terminal) -> None:
    t = open_term
    ring_up(t)
    t.till.start_tender()
    member = t.till.join_member("", "+84 90 123 4567")
    assert member.consent_face_at is None and member.consent_marketing_at is None and not member.face_pay_opt_in
    with pytest.raises(MemberError, match="already belongs"):
        t.till.join_member("Again", "+84901234567")
    done = t.till.pay_cash(cny("60"))
    assert done.receipt.member_card == member.card
    text = done.receipt.as_text()
    assert "Member card" in text and text.rstrip().endswith(f"[QR] {member.card}")
    assert "Member ****4567" in text and "+52" in text
    assert route(member.card, t.catalog, lambda _t: False).kind == "member"
    assert members(t).find_by_card(member.card).id == member.id
    created = events(t, "member/1")[0]
    assert created["action"] == "created" and created["source"] == "payment"
    t.till.scan("8930001234505")
    t.till.attach_member(member)
    assert t.till.pay_cash(cny("20")).receipt.member_card is None   # the card prints once, with the join


def test_a_member_deleted_mid_sale_does_not_lose_the_sale(open_term: Terminal) -> None:
    t = open_term
    m = members(t).add("Lan", PHONE, face_consent=False)
    t.till.attach_member(m)
    t.till.scan("8930001234505")
    members(t).delete(m.id)
    done = t.till.pay_cash(cny("20"))
    assert done.sale.member_id is None and t.till.sales.load(done.sale.id).member_id is None
