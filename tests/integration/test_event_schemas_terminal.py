"""Every event the terminal itself writes to its outbox validates against its schema (sync/event_schemas)."""
from __future__ import annotations

import json
from collections import Counter
from typing import Any

import numpy as np

from support.fakes import FakeAcquirer
from support.staff_members import add_staff
from sync.event_schemas import KNOWN_SCHEMAS, validate_envelope
from terminal.app.bootstrap import Terminal
from terminal.members.balance_pay import pay_by_balance
from terminal.members.topup import top_up_cash
from terminal.payments.acquirer import AcquirerReply
from terminal.payments.code_checkout import pay_by_code
from terminal.payments.code_payment import CodeAuthorizer
from terminal.payments.offline import OfflineGate
from terminal.sales.money import Money
from terminal.store.attempts import AttemptStore

ALIPAY_CODE = "28" + "1234567890123456"   # 18 digits starting 28: an Alipay code by its shape


class WalletAcquirer(FakeAcquirer):
    """Approves every payment, or is unreachable while not `online` (so the terminal takes it offline)."""

    def reply(self, method: str, body: dict[str, Any]) -> AcquirerReply | None:
        return AcquirerReply("success", trade_no="T1", out_trade_no=str(body.get("out_trade_no", "")))


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def outbox_envelopes(t: Terminal) -> list[dict[str, Any]]:
    return [json.loads(row.envelope) for row in t.outbox.pending()]


def test_every_event_the_terminal_emits_validates(term: Terminal, clock: Any) -> None:
    t = term
    assert t.members is not None and t.coupons is not None
    t.shifts.open("Lan", cny("100"))                                   # shift/1 open
    t.till.scan("8930001234505")                                       # TEA-001 18.00 incl 6%
    t.till.pay_cash(cny("20"))                                         # payment/1: cash, with change

    member = t.members.add("Mei Lin", "+8613812345678", face_consent=True, marketing_consent=True)
    t.coupons.add("TEN", percent="10")
    t.till.scan("8930001234505")
    t.till.scan("071234502608", 2)                                     # DRK-004 8.00 excl 13%: tax on top
    t.till.add_item("NOO-002", 3)
    t.till.discount_line(2, cny("1.10"))
    t.till.apply_coupon("TEN")
    t.till.attach_member(member)
    paid = t.till.pay_cash(cny("100"))                                 # payment/1 + member/1 points
    assert paid.sale.totals.discount.minor > 0 and paid.sale.totals.total != paid.sale.totals.subtotal

    t.till.add_item("NOO-002")
    t.till.join_member("", "+8613900001111")                           # member/1 created at payment
    t.till.pay_cash(cny("5.50"))

    acquirer = WalletAcquirer()
    authorizer = CodeAuthorizer(acquirer, AttemptStore(t.db), clock, t.config.terminal_id,
                                offline_gate=OfflineGate(t.db, t.offline_caps, clock))
    t.till.scan("071234502608")
    outcome, done = pay_by_code(t.till, authorizer, ALIPAY_CODE)       # payment/1: code, approved
    assert outcome.status == "approved" and done is not None
    acquirer.online = False
    t.till.add_item("NOO-002", 2)
    outcome, done = pay_by_code(t.till, authorizer, ALIPAY_CODE)       # payment/1: offline, with forward
    assert outcome.status == "offline" and done is not None

    top_up_cash(t.till, member.id, cny("18.00"))                       # member.balance/1 topup
    t.till.scan("8930001234505")
    t.till.attach_member(member)
    pay_by_balance(t.till, online=True, offline_cap=cny("0"))          # payment/1 + member.balance/1 spend
    t.till.refund(paid.sale.id, {1: 1}, "damaged", add_staff(t.data_dir, "Mai"))   # refund/1 + member/1 back
    t.members.enroll_templates(member.id, [np.full(128, 0.1, np.float32)])   # member/1 enrolled
    t.members.set_consent(member.id, face=False)                       # member/1 consent
    t.members.delete(member.id)                                        # member/1 deleted
    t.till.close_shift(cny("150"))                                     # shift/1 close

    envelopes = outbox_envelopes(t)
    kinds = Counter(e["schema"] for e in envelopes)
    assert set(kinds) == KNOWN_SCHEMAS and kinds["payment/1"] == 6
    bodies = [e["body"] for e in envelopes]
    assert any("forward" in b for b in bodies) and any(b.get("coupon") == "TEN" for b in bodies)
    assert {b.get("action") for b in bodies} >= {"created", "points", "enrolled", "consent", "deleted"}
    for envelope in envelopes:
        assert validate_envelope(envelope, now=clock.now()) == [], envelope
