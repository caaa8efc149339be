"""Refunds by line on a real SQLite file: proportional amounts, over-refund, cash in the drawer, wallet retries,
offline refusal, points taken back, manager approval."""
from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest

from support.fakes import FakeAcquirer
from support.staff_members import add_staff
from terminal.app.bootstrap import Terminal
from terminal.errors import ApprovalNeeded, RefundError, RefundPending
from terminal.payments.acquirer import AcquirerReply
from terminal.payments.code_checkout import pay_by_code
from terminal.payments.code_payment import CodeAuthorizer
from terminal.payments.offline import OfflineGate
from terminal.sales.money import Money
from terminal.staff.model import Approval, Role, StaffMember
from terminal.store.attempts import AttemptStore

CODE = "134567890123456789"


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def table(t: Terminal, sql: str) -> list[sqlite3.Row]:
    conn = sqlite3.connect(str(t.data_dir / "terminal.db"))
    conn.row_factory = sqlite3.Row
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


def bodies(t: Terminal, schema: str) -> list[dict[str, Any]]:
    return [json.loads(r.envelope)["body"] for r in t.outbox.pending() if r.schema == schema]


class Wallet(FakeAcquirer):
    """Approves payments; answers refunds with `refund` (None: no answer) and keeps every refund body."""

    def __init__(self) -> None:
        super().__init__()
        self.refund: AcquirerReply | None = AcquirerReply("refunded")
        self.refund_bodies: list[dict[str, Any]] = []

    def reply(self, method: str, body: dict[str, Any]) -> AcquirerReply | None:
        if method == "refund":
            self.refund_bodies.append(body)
            return self.refund
        return AcquirerReply("success", trade_no="T1", out_trade_no=str(body.get("out_trade_no", "")))


@pytest.fixture
def mai(open_term: Terminal) -> StaffMember:
    return add_staff(open_term.data_dir, "Mai", Role.MANAGER)


def wallet_sale(t: Terminal, clock: Any, wallet: Wallet) -> str:
    authorizer = CodeAuthorizer(wallet, AttemptStore(t.db), clock, t.config.terminal_id,
                                offline_gate=OfflineGate(t.db, t.offline_caps, clock))
    t.till.add_item("DRK-001", 3)
    t.till.add_item("TEA-001")
    outcome, done = pay_by_code(t.till, authorizer, CODE)
    assert done is not None, outcome
    return done.sale.id


def test_line_refunds_share_what_was_paid_and_add_up_to_it_exactly(open_term: Terminal, mai: StaffMember) -> None:
    t = open_term
    t.till.add_item("NOO-002", 3)
    t.till.add_item("DRK-001", 3)
    t.till.discount_cart(cny("1.00"))                  # shared by line value: the lines' amounts are odd
    done = t.till.pay_cash(cny("100"))
    noodles = done.sale.totals.lines[0].amount.minor
    assert noodles % 3 != 0 and done.sale.totals.lines[0].cart_discount.minor > 0
    first = t.till.refund(done.sale.id, {1: 1}, "cold", mai)
    second = t.till.refund(done.sale.id, {1: 1}, "cold", mai)
    last = t.till.refund(done.sale.id, {1: 1}, "cold", mai)
    assert first.amount.minor == second.amount.minor == noodles // 3           # floor(amount * q / Q)
    assert last.amount.minor == noodles - 2 * (noodles // 3)                   # the last units take the rest
    rest = t.till.refund(done.sale.id, None, "", mai)                         # whole: what is left
    assert [(ln.line_no, ln.quantity) for ln in rest.lines] == [(2, 3)] and rest.reason == "customer refund"
    refunds = [first, second, last, rest]
    assert sum(r.amount.minor for r in refunds) == done.sale.paid.minor       # exactly what was paid
    events = bodies(t, "refund/1")
    assert events[0]["lines"] == [{"line_no": 1, "sku": "NOO-002", "quantity": 1, "amount": noodles // 3}]
    assert all(e["method"] == "cash" for e in events)
    stored = table(t, "SELECT staff_id, approved_by FROM refunds")
    assert {(r["staff_id"], r["approved_by"]) for r in stored} == {(None, mai.id)}


def test_over_refund_is_refused_with_what_is_left_and_writes_nothing(open_term: Terminal, mai: StaffMember) -> None:
    t = open_term
    t.till.add_item("DRK-001", 3)
    done = t.till.pay_cash(cny("6"))
    t.till.refund(done.sale.id, {1: 1}, "broken", mai)
    before = len(table(t, "SELECT * FROM outbox"))
    with pytest.raises(RefundError, match=r"cannot refund 3, only 2 of 3 left") as err:
        t.till.refund(done.sale.id, {1: 3}, "all", mai)
    assert err.value.msgid is not None and err.value.params["left"] == "2"
    with pytest.raises(RefundError, match="no line 2"):
        t.till.refund(done.sale.id, {2: 1}, "no such line", mai)
    with pytest.raises(RefundError, match="at most 256"):
        t.till.refund(done.sale.id, {1: 1}, "r" * 257, mai)
    assert len(table(t, "SELECT * FROM refunds")) == 1 and len(table(t, "SELECT * FROM outbox")) == before
    t.till.refund(done.sale.id, {1: 2}, "the rest", mai)
    with pytest.raises(RefundError, match="nothing is left"):
        t.till.refund(done.sale.id, None, "again", mai)


def test_only_a_manager_approves_and_the_signed_in_staff_is_recorded(open_term: Terminal, mai: StaffMember) -> None:
    t = open_term
    lan = add_staff(t.data_dir, "Lan", Role.CASHIER)
    t.till.add_item("DRK-001")
    done = t.till.pay_cash(cny("2"))
    for approver in (lan, None):
        with pytest.raises(ApprovalNeeded, match="manager's PIN") as err:
            t.till.refund(done.sale.id, None, "x", approver, staff=lan)
        assert err.value.action == Approval.REFUND
    assert table(t, "SELECT * FROM refunds") == []
    refund = t.till.refund(done.sale.id, None, "x", mai, staff=lan)
    assert (refund.staff_id, refund.approved_by) == (lan.id, mai.id)
    detail = t.till.history.detail(done.sale.id)
    assert (detail.refunds[0].staff, detail.refunds[0].approved_by) == ("Lan", "Mai")


def test_cash_refund_lowers_the_expected_cash_of_the_shift(open_term: Terminal, mai: StaffMember) -> None:
    t = open_term
    t.till.add_item("DRK-001", 2)
    done = t.till.pay_cash(cny("10"))
    before = t.shifts.report().method("cash").expected
    refund = t.till.refund(done.sale.id, {1: 1}, "one back", mai)
    x = t.shifts.report()
    assert x.method("cash").expected == before - cny("2.00") and x.method("cash").refunded == refund.amount


def test_wallet_refund_kept_after_no_answer_reuses_its_id(open_term: Terminal, mai: StaffMember, clock: Any) -> None:
    t = open_term
    wallet = Wallet()
    sale_id = wallet_sale(t, clock, wallet)
    wallet.refund = None                                     # the request left, no answer came
    with pytest.raises(RefundPending, match="is kept") as err:
        t.till.refund(sale_id, {1: 2}, "two cups", mai, acquirer=wallet)
    pending_id = err.value.refund_id
    assert table(t, "SELECT * FROM refunds") == []
    assert [r["status"] for r in table(t, "SELECT status FROM refund_requests")] == ["pending"]
    with pytest.raises(RefundError, match=r"only 1 of 3 left"):   # the waiting units are not refundable twice
        t.till.refund(sale_id, {1: 3}, "other", mai, acquirer=wallet)
    wallet.refund = AcquirerReply("pending")                # an answer that is not final keeps it too
    with pytest.raises(RefundPending) as again:
        t.till.refund(sale_id, {1: 2}, "two cups", mai, acquirer=wallet)
    assert again.value.refund_id == pending_id
    wallet.refund = AcquirerReply("refunded")
    refund = t.till.refund(sale_id, {1: 2}, "two cups", mai, acquirer=wallet)  # the same refund asked again
    assert refund.id == pending_id and refund.amount == cny("4.00") and refund.method == "code"
    assert [b["out_request_no"] for b in wallet.refund_bodies] == [pending_id] * 3
    assert all(b["out_trade_no"] and b["amount"] == "4.00" for b in wallet.refund_bodies)
    assert t.till.refund(sale_id, {1: 2}, "two cups", mai, pending_id, acquirer=wallet) == refund
    assert len(wallet.refund_bodies) == 3 and len(bodies(t, "refund/1")) == 1
    assert [r["status"] for r in table(t, "SELECT status FROM refund_requests")] == ["done"]
    assert t.shifts.report().method("code").refunded == cny("4.00")


def test_wallet_refund_refused_offline_and_by_the_wallet(open_term: Terminal, mai: StaffMember, clock: Any) -> None:
    t = open_term
    wallet = Wallet()
    sale_id = wallet_sale(t, clock, wallet)
    with pytest.raises(RefundError, match="cannot be reached") as err:
        t.till.refund(sale_id, None, "x", mai)             # no acquirer: the kiosk is offline
    assert not isinstance(err.value, RefundPending)
    wallet.online = False
    with pytest.raises(RefundError, match="cannot be reached"):
        t.till.refund(sale_id, None, "x", mai, acquirer=wallet)
    assert table(t, "SELECT * FROM refund_requests") == [] and wallet.refund_bodies == []
    wallet.online, wallet.refund = True, AcquirerReply("failed", reason="refund larger than what is left")
    with pytest.raises(RefundError, match="refused the refund: refund larger"):
        t.till.refund(sale_id, None, "x", mai, acquirer=wallet)
    assert [r["status"] for r in table(t, "SELECT status FROM refund_requests")] == ["failed"]
    assert table(t, "SELECT * FROM refunds") == []


def test_a_payment_accepted_offline_is_not_refunded_before_it_is_charged(open_term: Terminal, mai: StaffMember,
                                                                          clock: Any) -> None:
    t = open_term
    wallet = Wallet()
    wallet.online = False                                    # taken offline, forwarded later
    sale_id = wallet_sale(t, clock, wallet)
    wallet.online = True
    with pytest.raises(RefundError, match="accepted offline and is not charged yet"):
        t.till.refund(sale_id, None, "x", mai, acquirer=wallet)
    assert wallet.refund_bodies == []


def test_points_are_taken_back_as_new_rows_and_the_coupon_stays_used(open_term: Terminal,
                                                                      mai: StaffMember) -> None:
    t = open_term
    assert t.members is not None and t.coupons is not None
    member = t.members.add("Mei Lin", "+8613812345678", face_consent=False)
    t.coupons.add("TENOFF", amount="10.00")
    t.till.add_item("TEA-001", 3)                            # 54.00 - 10.00 = 44.00: 44 points
    t.till.attach_member(member)
    t.till.apply_coupon("TENOFF")
    done = t.till.pay_cash(cny("44"))
    first = t.till.refund(done.sale.id, {1: 1}, "one", mai)  # 14.66 of 44.00 -> floor(44 * 1466 / 4400) = 14
    assert (first.amount, first.points_taken, first.points_short) == (cny("14.66"), 14, 0)
    rows = table(t, "SELECT sale_id, refund_id, points, balance_after FROM points_ledger ORDER BY id")
    assert [tuple(r) for r in rows] == [(done.sale.id, None, 44, 44), (done.sale.id, first.id, -14, 30)]
    conn = sqlite3.connect(str(t.data_dir / "terminal.db"))   # points spent elsewhere: the balance is lower
    with conn:
        conn.execute("UPDATE members SET points = 5 WHERE id = ?", (member.id,))
    conn.close()
    rest = t.till.refund(done.sale.id, None, "rest", mai)    # completes the sale: takes the rest (30), has 5
    assert (rest.points_taken, rest.points_short) == (5, 25)
    after, award = t.members.store.get(member.id), t.members.award_for(done.sale.id)
    assert after is not None and after.points == 0
    assert award is not None and award.points == 44          # the award row itself is never edited
    events = [b for b in bodies(t, "member/1") if b["action"] == "points_reversed"]
    assert [(e["points_reversed"], e["points_short"], e["balance"]) for e in events] == [(14, 0, 30), (5, 25, 0)]
    used = table(t, "SELECT used_by_sale FROM coupons WHERE code = 'TENOFF'")
    assert used[0]["used_by_sale"] == done.sale.id               # a used coupon is not given back
