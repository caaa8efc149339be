"""The durable tender and recovery on a real SQLite file: snapshot codec, tender states, claims, one sweep."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from support.fakes import FakeAcquirer, FixedClock
from terminal.app.bootstrap import Terminal
from terminal.errors import StoreError
from terminal.link.events import rfc3339
from terminal.payments.acquirer import AcquirerReply
from terminal.payments.code_checkout import pay_by_code
from terminal.payments.code_payment import CodeAuthorizer, PaymentTimings
from terminal.payments.ownership import ProcessOwner
from terminal.payments.recovery import Recovery
from terminal.payments.recovery_texts import MESSAGES
from terminal.sales.money import Money
from terminal.sales.sale import Payment, PaymentMethod
from terminal.sales.tender_snapshot import sale_from_snapshot, snapshot_of, tender_record
from terminal.store.attempt_claims import AttentionStatus, ClaimStore
from terminal.store.attempts import AttemptStatus, AttemptStore
from terminal.store.tenders import TenderState, TenderStore

CODE = "134567890123456789"
TIMINGS = PaymentTimings(1.0, 0.01, 0.05)


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def ring(t: Terminal) -> None:
    t.till.scan("8930001234505")        # TEA-001 18.00
    t.till.add_item("NOO-002", 3)
    t.till.discount_line(1, cny("1.50"))


def authorizer(t: Terminal, acquirer: FakeAcquirer, clock: FixedClock, owner: str = "") -> CodeAuthorizer:
    return CodeAuthorizer(acquirer, AttemptStore(t.db, owner), clock, t.config.terminal_id, TIMINGS)


def test_the_snapshot_gives_back_the_same_sale(open_term: Terminal, clock: FixedClock) -> None:
    ring(open_term)
    member = open_term.members.add("Mai", "+84901234567", face_consent=False)   # type: ignore[union-attr]
    open_term.coupons.add("SAVE5", amount="5.00")                                # type: ignore[union-attr]
    open_term.till.attach_member(member)
    open_term.till.apply_coupon("SAVE5")
    sale = open_term.till.start_tender()
    sale.staff_id = "staff-1"
    sale.opened_at = clock.now()
    back = sale_from_snapshot(snapshot_of(sale))
    assert back == sale and back.totals == sale.totals and back.coupon_code == "SAVE5"
    sale.apply_payment(Payment("p1", PaymentMethod.CODE, cny("5.00"), cny("5.00"), cny("0"), "wechat:x:y"))
    assert sale_from_snapshot(snapshot_of(sale)) == sale


def test_a_snapshot_that_does_not_add_up_is_refused(open_term: Terminal) -> None:
    ring(open_term)
    text = snapshot_of(open_term.till.start_tender()).replace('"total": ', '"total": 1')
    with pytest.raises(StoreError, match="does not add up"):
        sale_from_snapshot(text)


def test_the_tender_is_written_with_the_attempt_and_completed_with_the_sale(open_term: Terminal,
                                                                           clock: FixedClock) -> None:
    ring(open_term)
    auth = authorizer(open_term, FakeAcquirer(default=AcquirerReply("success", trade_no="W1")), clock)
    outcome, done = pay_by_code(open_term.till, auth, CODE)
    assert done is not None and outcome.out_trade_no in done.payment.reference
    tender = TenderStore(open_term.db).get(done.sale.id)
    assert tender is not None and tender.state is TenderState.COMPLETED
    assert sale_from_snapshot(tender.snapshot).lines == done.sale.lines


def test_back_to_the_cart_or_void_abandons_the_tender(open_term: Terminal, clock: FixedClock) -> None:
    ring(open_term)
    auth = authorizer(open_term, FakeAcquirer(default=AcquirerReply("declined", reason="no money")), clock)
    outcome, _ = pay_by_code(open_term.till, auth, CODE)
    sale_id = open_term.till.sale.id   # type: ignore[union-attr]
    tenders = TenderStore(open_term.db)
    assert outcome.status == "declined" and tenders.get(sale_id).state is TenderState.TENDERING  # type: ignore[union-attr]
    open_term.till.resume()
    assert tenders.get(sale_id).state is TenderState.ABANDONED   # type: ignore[union-attr]
    pay_by_code(open_term.till, auth, CODE)                        # a new attempt: tendering again
    assert tenders.get(sale_id).state is TenderState.TENDERING   # type: ignore[union-attr]
    open_term.till.void()
    assert tenders.get(sale_id).state is TenderState.ABANDONED   # type: ignore[union-attr]


def test_a_pending_attempt_keeps_the_tender_when_going_back(open_term: Terminal, clock: FixedClock) -> None:
    ring(open_term)
    sale = open_term.till.start_tender()
    AttemptStore(open_term.db, "p1-x").begin("T-0001-a", sale.id, "wechat", "1345****6789", sale.due,
                                              rfc3339(clock.now()), tender_record(sale))
    open_term.till.resume()
    assert TenderStore(open_term.db).get(sale.id).state is TenderState.TENDERING   # type: ignore[union-attr]


def test_a_claim_is_taken_once(open_term: Terminal, clock: FixedClock) -> None:
    ring(open_term)
    sale = open_term.till.start_tender()
    AttemptStore(open_term.db, "p1-dead").begin("T-0001-b", sale.id, "wechat", "m", sale.due, rfc3339(clock.now()))
    claims = ClaimStore(open_term.db)
    assert claims.claim("T-0001-b", "p1-dead", "p2-me")
    assert not claims.claim("T-0001-b", "p1-dead", "p3-other")
    assert AttemptStore(open_term.db).get("T-0001-b").owner == "p2-me"   # type: ignore[union-attr]


def test_an_owner_is_alive_while_its_process_holds_the_lock(tmp_path: Path) -> None:
    me = ProcessOwner(tmp_path / "locks")
    other = subprocess.Popen([sys.executable, "-c", (
        "import sys; sys.path.insert(0, '.'); from pathlib import Path; "
        "from terminal.payments.ownership import ProcessOwner; "
        f"o = ProcessOwner(Path({str(tmp_path / 'locks')!r})); print(o.token, flush=True); sys.stdin.read()")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert other.stdout is not None and other.stdin is not None
    token = other.stdout.readline().strip()
    assert me.alive(me.token) and me.alive(token)
    other.kill()
    other.wait()
    assert not me.alive(token) and not me.alive("") and not me.alive("../x")


def test_a_sweep_completes_a_charged_sale_once_and_backs_off_an_unconfirmed_reversal(
        open_term: Terminal, clock: FixedClock, tmp_path: Path) -> None:
    ring(open_term)
    sale = open_term.till.start_tender()
    dead = AttemptStore(open_term.db, "p1-dead")
    dead.begin("T-0001-c", sale.id, "wechat", "1345****6789", sale.due, rfc3339(clock.now()), tender_record(sale))
    dead.update("T-0001-c", AttemptStatus.APPROVED, rfc3339(clock.now()), trade_no="W9")
    open_term.till.sale = None
    open_term.till.add_item("DRK-001")
    other = open_term.till.start_tender()
    dead.begin("T-0001-d", other.id, "wechat", "m", other.due, rfc3339(clock.now()), tender_record(other))
    dead.update("T-0001-d", AttemptStatus.REVERSE_UNCONFIRMED, rfc3339(clock.now()))
    acquirer = FakeAcquirer(replies={"reverse": None, "query": AcquirerReply("pending")})
    recovery = Recovery(authorizer(open_term, acquirer, clock), open_term.till, open_term.db,
                        ProcessOwner(tmp_path / "locks"))
    assert recovery.pass_once() == 1                                 # the reversal is still open
    assert open_term.till.sales.load(sale.id).paid == sale.due      # completed from its tender, no request needed
    calls = list(acquirer.calls)
    assert calls == ["reverse", "query"]
    unconfirmed = AttemptStore(open_term.db).get("T-0001-d")
    assert unconfirmed is not None and unconfirmed.tries == 1 and unconfirmed.next_try_at
    recovery.pass_once()
    assert acquirer.calls == calls                                   # its backoff has not run out
    clock.advance(seconds=1)
    recovery.pass_once()
    assert acquirer.calls == [*calls, "reverse", "query"]
    items = {a.out_trade_no: a.attention for a in ClaimStore(open_term.db).needing_attention()}
    assert items == {"T-0001-c": "completed", "T-0001-d": "reverse_unconfirmed"}


def test_every_recovery_message_has_chinese_and_vietnamese() -> None:
    from terminal.payments.recovery_texts import MESSAGES
    from ui.translations import TEXTS
    assert all(set(TEXTS[msgid]) == {"zh", "vi"} for msgid in MESSAGES.values())
    assert all(TEXTS[m]["zh"].count("{") == m.count("{") == TEXTS[m]["vi"].count("{") for m in MESSAGES.values())


def test_the_kiosk_is_told_each_recovered_item_once(open_term: Terminal, clock: FixedClock, tmp_path: Path) -> None:
    ring(open_term)
    sale = open_term.till.start_tender()
    AttemptStore(open_term.db, "p1-dead").begin("T-0001-e", sale.id, "wechat", "1345****6789", sale.due,
                                                 rfc3339(clock.now()), tender_record(sale))
    clock.advance(seconds=1)   # past the query window: the unknown trade is reversed
    acquirer = FakeAcquirer(replies={"query": AcquirerReply("unknown"), "reverse": AcquirerReply("reversed")})
    auth = authorizer(open_term, acquirer, clock)
    recovery = Recovery(auth, open_term.till, open_term.db, ProcessOwner(tmp_path / "locks"), announce=True)
    recovery.pass_once()   # nobody listens yet: kept for later
    assert [a.attention for a in ClaimStore(open_term.db).needing_attention()] == ["reversed"]
    told: list[str] = []
    auth.on_attention = told.append
    recovery.pass_once()
    recovery.pass_once()
    assert len(told) == 1 and "nothing is charged" in told[0]
    assert told[0].msgid == MESSAGES[AttentionStatus.REVERSED]   # type: ignore[attr-defined]  # ui/ translates it
    assert ClaimStore(open_term.db).needing_attention() == []
    assert TenderStore(open_term.db).get(sale.id).state is TenderState.ABANDONED   # type: ignore[union-attr]


class RefundLater(FakeAcquirer):
    """No answer to the first refund, `refunded` after; keeps each refund's out_request_no."""

    def __init__(self) -> None:
        super().__init__()
        self.request_nos: list[str] = []

    def reply(self, method: str, body: dict[str, str]) -> AcquirerReply | None:
        if method != "refund":
            return AcquirerReply("success", trade_no="W5")
        self.request_nos.append(body["out_request_no"])
        return AcquirerReply("refunded") if len(self.request_nos) > 1 else None


def test_a_charge_for_a_closed_shift_is_refunded_with_one_refund_id(open_term: Terminal, clock: FixedClock,
                                                                   tmp_path: Path) -> None:
    ring(open_term)
    sale = open_term.till.start_tender()
    AttemptStore(open_term.db, "p1-dead").begin("T-0001-f", sale.id, "wechat", "m", sale.due,
                                                 rfc3339(clock.now()), tender_record(sale))
    open_term.till.sale = None
    open_term.shifts.close(cny("100.00"))
    acquirer = RefundLater()
    recovery = Recovery(authorizer(open_term, acquirer, clock), open_term.till, open_term.db,
                        ProcessOwner(tmp_path / "locks"))
    assert recovery.pass_once() == 1
    attempt = AttemptStore(open_term.db).get("T-0001-f")
    assert attempt is not None and attempt.status is AttemptStatus.APPROVED and attempt.attention == "late_unrefunded"
    clock.advance(seconds=1)
    assert recovery.pass_once() == 0
    attempt = AttemptStore(open_term.db).get("T-0001-f")
    assert attempt is not None and attempt.status is AttemptStatus.REFUNDED and "shift" in attempt.reason
    assert acquirer.request_nos == ["T-0001-f-late", "T-0001-f-late"]
    assert open_term.db.query("SELECT COUNT(*) FROM sales")[0][0] == 0
    assert TenderStore(open_term.db).get(sale.id).state is TenderState.ABANDONED   # type: ignore[union-attr]
