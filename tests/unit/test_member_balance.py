"""Members' prepaid balance on a real SQLite file: top-ups (cash, code), member_balance payments, refunds back,
never negative, the offline cap, the shift's drawer, and the member.balance/1 events the backend accepts."""
from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

import pytest

from support.fakes import FakeAcquirer
from support.staff_members import add_staff
from sync.event_schemas import SchemaViolation, validate_envelope
from terminal.app.bootstrap import Terminal
from terminal.errors import MemberError
from terminal.members.balance import BalanceError
from terminal.members.balance_pay import pay_by_balance
from terminal.members.service import Member
from terminal.members.topup import top_up_cash, top_up_code
from terminal.payments.acquirer import AcquirerReply
from terminal.payments.code_payment import CodeAuthorizer
from terminal.payments.offline import OfflineGate
from terminal.sales.money import Money
from terminal.staff.model import Role
from terminal.store.attempt_claims import ClaimStore
from terminal.store.attempts import AttemptStore

CODE = "134567890123456789"
PHONE = "+8613812340143"


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def envelopes(t: Terminal, schema: str) -> list[dict[str, Any]]:
    return [json.loads(r.envelope) for r in t.outbox.pending() if r.schema == schema]


def accepted(envelope: dict[str, Any]) -> None:
    validate_envelope(envelope, now=datetime(2026, 11, 22, 9, tzinfo=UTC))


@pytest.fixture
def lan(open_term: Terminal) -> Member:
    assert open_term.members is not None
    return open_term.members.add("Lan", PHONE, face_consent=False)


def balance(t: Terminal, member: Member) -> Money:
    assert t.members is not None
    return t.members.balance.balance(member.id)


def test_cash_topup_credits_the_balance_fills_the_drawer_prints_a_slip_and_is_sent(open_term: Terminal,
                                                                                   lan: Member, printer: Any) -> None:
    t = open_term
    first = top_up_cash(t.till, lan.id, cny("100.00"))
    second = top_up_cash(t.till, lan.id, cny("50.00"))
    assert first.entry.id != second.entry.id and second.entry.balance == cny("150.00") == balance(t, lan)
    slip = printer.receipts[-1].as_text()
    assert "MEMBER TOP-UP" in slip and "CNY 150.00" in slip and "****0143" in slip and PHONE not in slip
    assert printer.receipts[-1].open_drawer and first.printed_to is not None
    report = t.shifts.report()
    assert report.method("cash").expected == cny("250.00") and report.cash_in == cny("150.00")   # float 100
    assert report.gross_sales.is_zero and report.sales_count == 0                                 # not a sale
    assert [(x.tender, x.count, x.amount) for x in report.topups] == [("cash", 2, cny("150.00"))]
    assert "[top-ups cash] 2 member top-ups CNY 150.00 (not sales)" in report.as_lines()
    events = envelopes(t, "member.balance/1")
    assert [(e["body"]["kind"], e["body"]["amount"], e["body"]["balance"], e["body"]["tender"]) for e in events] == [
        ("topup", 10000, 10000, "cash"), ("topup", 5000, 15000, "cash")]
    for event in events:
        accepted(event)


def test_a_balance_payment_pays_the_sale_and_its_receipt_shows_what_is_left(open_term: Terminal,
                                                                             lan: Member) -> None:
    t = open_term
    top_up_cash(t.till, lan.id, cny("100.00"))
    t.till.add_item("TEA-001")                                                   # 18.00
    t.till.attach_member(lan)
    done = pay_by_balance(t.till, online=True, offline_cap=cny("0"))
    assert done.payment.method == "member_balance" and balance(t, lan) == cny("82.00") and t.till.sale is None
    text = done.receipt.as_text()
    assert "Member balance" in text and "Balance left" in text and "CNY 82.00" in text
    assert not done.receipt.open_drawer
    reprint = t.till.receipt(t.till.sales.load(done.sale.id)).as_text()
    assert "CNY 82.00" in reprint
    spend = envelopes(t, "member.balance/1")[-1]["body"]
    assert (spend["kind"], spend["amount"], spend["balance"], spend["reference"]) == ("spend", -1800, 8200,
                                                                                       done.sale.id)
    for event in envelopes(t, "payment/1") + envelopes(t, "member.balance/1"):
        accepted(event)
    assert t.shifts.report().method("member_balance").taken == cny("18.00")


def test_the_balance_never_goes_negative(open_term: Terminal, lan: Member) -> None:
    t = open_term
    assert t.members is not None
    top_up_cash(t.till, lan.id, cny("10.00"))
    t.till.add_item("TEA-001")
    with pytest.raises(BalanceError, match="attach the member"):
        pay_by_balance(t.till, online=True, offline_cap=cny("0"))
    t.till.attach_member(lan)
    with pytest.raises(BalanceError, match=r"balance is CNY 10\.00, not enough for CNY 18\.00"):
        pay_by_balance(t.till, online=True, offline_cap=cny("0"))
    assert t.till.sale is not None and t.till.sale.state == "tendering"
    # checked again in the sale's own transaction: a spend the pre-check missed is refused there
    with pytest.raises(BalanceError), t.db.transaction() as tx:
        t.members.balance.spend(tx, lan.id, "sale-x", "pay-x", cny("10.01"), None, None, False)
    assert balance(t, lan) == cny("10.00")
    conn = sqlite3.connect(str(t.data_dir / "terminal.db"))
    with pytest.raises(sqlite3.IntegrityError):                                  # and by the table itself
        conn.execute("INSERT INTO balance_ledger(id, member_id, kind, amount, currency, balance_after, reference,"
                     " at) VALUES ('x', ?, 'spend', -2000, 'CNY', -1000, 's', 'now')", (lan.id,))
    conn.close()
    with pytest.raises(MemberError, match=r"still has CNY 10\.00"):
        t.members.delete(lan.id)


def test_refunds_of_a_balance_sale_go_back_to_the_balance_once(open_term: Terminal, lan: Member) -> None:
    t = open_term
    mai = add_staff(t.data_dir, "Mai", Role.MANAGER)
    top_up_cash(t.till, lan.id, cny("100.00"))
    t.till.add_item("TEA-001", 2)                                                # 36.00
    t.till.attach_member(lan)
    sale = pay_by_balance(t.till, online=True, offline_cap=cny("0")).sale
    first = t.till.refund(sale.id, {1: 1}, "one back", mai, refund_id="r-1")
    again = t.till.refund(sale.id, {1: 1}, "one back", mai, refund_id="r-1")   # a retry: nothing more
    assert first == again and first.method == "member_balance" and balance(t, lan) == cny("82.00")
    t.till.refund(sale.id, None, "the rest", mai)
    assert balance(t, lan) == cny("100.00")
    assert t.shifts.report().method("cash").expected == cny("200.00")            # no cash left the drawer
    kinds = [e["body"]["kind"] for e in envelopes(t, "member.balance/1")]
    assert kinds == ["topup", "spend", "refund", "refund"]
    for event in envelopes(t, "member.balance/1") + envelopes(t, "refund/1"):
        accepted(event)


def test_offline_balance_spending_is_capped_per_member_per_day(open_term: Terminal, lan: Member) -> None:
    t = open_term
    assert t.config.members.balance_offline_cap == cny("200.00")               # the shipped default
    top_up_cash(t.till, lan.id, cny("100.00"))
    for _ in range(2):
        t.till.add_item("TEA-001")                                             # 18.00, offline
        t.till.attach_member(lan)
        pay_by_balance(t.till, online=False, offline_cap=cny("40.00"))
    t.till.add_item("TEA-001")
    t.till.attach_member(lan)
    with pytest.raises(BalanceError, match=r"at most CNY 40.00 from the balance per day \(CNY 36.00 spent"):
        pay_by_balance(t.till, online=False, offline_cap=cny("40.00"))
    done = pay_by_balance(t.till, online=True, offline_cap=cny("40.00"))         # online: only the balance counts
    assert done.sale.id and balance(t, lan) == cny("46.00")
    offline = [e["body"].get("offline") for e in envelopes(t, "member.balance/1") if e["body"]["kind"] == "spend"]
    assert offline == [True, True, None]


class Wallet(FakeAcquirer):
    """Answers every request with `answer` (a decline's reason is `reason`); keeps the request bodies."""

    def __init__(self, answer: str, reason: str = "card_blocked") -> None:
        super().__init__()
        self.answer, self.reason, self.bodies = answer, reason, []   # type: list[dict[str, Any]]

    def reply(self, method: str, body: dict[str, Any]) -> AcquirerReply | None:
        self.bodies.append(body)
        return AcquirerReply(self.answer, self.reason if self.answer == "declined" else "", "T1",
                             str(body.get("out_trade_no", "")))


@pytest.mark.parametrize("answer", ["success", "declined", "offline"])
def test_a_code_topup_is_charged_first_and_never_offline(open_term: Terminal, lan: Member, clock: Any,
                                                         answer: str) -> None:
    t = open_term
    wallet = Wallet(answer)
    wallet.online = answer != "offline"
    authorizer = CodeAuthorizer(wallet, AttemptStore(t.db), clock, t.config.terminal_id,
                                offline_gate=OfflineGate(t.db, t.offline_caps, clock))
    outcome, done = top_up_code(t.till, authorizer, lan.id, cny("88.00"), CODE)
    attempt = AttemptStore(t.db).get(outcome.out_trade_no)
    if answer != "success":
        assert done is None and balance(t, lan).is_zero and outcome.status in ("declined", "refused")
        assert attempt is not None and attempt.status in ("declined", "refused")
        return
    assert done is not None and done.entry.balance == cny("88.00") == balance(t, lan)
    assert attempt is not None and attempt.sale_id == done.entry.id and done.entry.reference == outcome.out_trade_no
    assert wallet.bodies[0]["sale_id"] == done.entry.id and wallet.bodies[0]["amount"] == "88.00"
    report = t.shifts.report()
    assert report.method("cash").expected == cny("100.00") and report.topups[0].tender == "code"   # no cash
    assert CODE.encode() not in (t.data_dir / "terminal.db").read_bytes()
    # the top-up stands in for a sale: recovery never takes a credited top-up's charge for one to refund ...
    claims = ClaimStore(t.db)
    assert outcome.out_trade_no not in {a.out_trade_no for a in claims.unresolved()}
    # ... but a charge whose credit a crash cut off is found, and refunded (no sale, no ledger entry)
    lost = authorizer.authorize("134567890123456780", cny("5.00"), "topup-cut-off", allow_offline=False)
    assert lost.status == "approved" and lost.out_trade_no in {a.out_trade_no for a in claims.unresolved()}
    body = envelopes(t, "member.balance/1")[0]
    assert body["body"]["tender"] == "code"
    accepted(body)


def test_the_balance_schema_refuses_what_does_not_add_up() -> None:
    from sync.event_schemas.balance import check_balance
    good = {"entry_id": "e1", "member_id": "m1", "kind": "spend", "amount": -1800, "currency": "CNY",
            "balance": 200, "reference": "s1", "offline": True}
    check_balance(good, "body")
    for bad in ({**good, "amount": 1800}, {**good, "balance": -1}, {**good, "tender": "cash"},
                {**good, "kind": "topup", "amount": 100}, {**good, "kind": "refund", "amount": 5},
                {**good, "extra": 1}, {**good, "amount": 0}):
        with pytest.raises(SchemaViolation):
            check_balance(bad, "body")
    check_balance({**good, "kind": "topup", "amount": 100, "tender": "code", "offline": False}, "body")


def test_the_balance_errors_a_cashier_reads_have_chinese_and_vietnamese() -> None:
    from test_error_texts import REPO, error_msgids

    from ui.translations import TEXTS
    modules = [REPO / "terminal" / "members" / f"{name}.py" for name in ("balance", "balance_pay", "topup",
                                                                                "agreement")]
    used = [msgid for path in modules for msgid, _line in error_msgids(path)]
    assert len(used) >= 5
    assert [m for m in used if set(TEXTS.get(m, {})) != {"zh", "vi"}] == []


def test_an_offline_face_payment_forward_may_name_its_funding() -> None:
    from sync.event_schemas.payment import check_payment
    forward = {"out_trade_no": "T-0001-1", "scheme": "face", "member_id": "m1", "funding": "agreement"}
    body = {"sale_id": "s1", "shift_id": "h1", "currency": "CNY", "subtotal": 1800, "discount": 0, "tax": 102,
            "total": 1800, "closed_at": "2026-11-22T08:30:00Z", "member_id": "m1", "forward": forward,
            "lines": [{"sku": "TEA-001", "name": "Tea", "quantity": 1, "unit_price": 1800, "amount": 1800,
                       "tax": 102}],
            "payments": [{"id": "p1", "method": "face", "amount": 1800, "reference": "face:x", "status": "offline"}]}
    check_payment(body, "body")
    check_payment({**body, "forward": {k: v for k, v in forward.items() if k != "funding"}}, "body")   # older
    for bad in ({**forward, "funding": "card"}, {**forward, "extra": "x"}):
        with pytest.raises(SchemaViolation):
            check_payment({**body, "forward": bad}, "body")
    code = {**body, "payments": [{**body["payments"][0], "method": "code"}],
            "forward": {"out_trade_no": "T-0001-1", "scheme": "alipay", "auth_code": "281234567890123456",
                        "funding": "agreement"}}
    with pytest.raises(SchemaViolation, match="funding"):
        check_payment(code, "body")


def test_face_pay_funding_order_balance_then_agreement_then_code_or_qr(open_term: Terminal, lan: Member,
                                                                       clock: Any) -> None:
    from terminal.face.funding import fund_face_pay
    t = open_term
    wallet = Wallet("declined", "no_agreement")                                # the member signed none
    authorizer = CodeAuthorizer(wallet, AttemptStore(t.db), clock, t.config.terminal_id,
                                offline_gate=OfflineGate(t.db, t.offline_caps, clock))
    top_up_cash(t.till, lan.id, cny("20.00"))

    def face_pay(cap: str) -> tuple[Any, Any]:
        t.till.add_item("TEA-001")                                             # 18.00
        sale = t.till.start_tender()
        t.till.attach_member(lan)
        return fund_face_pay(t.till, authorizer, lan, sale.due, sale.id, lambda _m: None, cny(cap))

    outcome, done = face_pay("0")                                              # (a) the balance covers it
    assert outcome.status == "approved" and done.payment.method == "member_balance" and wallet.calls == []
    outcome, done = face_pay("0")                                              # 2.00 left: (b) the agreement
    assert done is None and outcome.refusal == "no_funding" and wallet.calls == ["pay"]   # declined: (c)
    assert wallet.bodies[-1]["funding"] == "agreement" and wallet.bodies[-1]["member_id"] == lan.id
    t.till.void()
    top_up_cash(t.till, lan.id, cny("50.00"))
    wallet.online = False                                                      # offline: the balance within the cap
    outcome, done = face_pay("20.00")
    assert done is not None and done.payment.method == "member_balance"
    outcome, done = face_pay("20.00")                                          # over the cap: the agreement, offline
    assert outcome.status == "offline" and done is not None and done.payment.method == "face"
    forward = json.loads(t.outbox.pending()[-1].envelope)["body"]["forward"]
    assert forward == {"out_trade_no": outcome.out_trade_no, "scheme": "face", "member_id": lan.id,
                       "funding": "agreement"}
    accepted(json.loads(t.outbox.pending()[-1].envelope))
