"""Cancelling a code payment while it waits: the trade is reversed at once; a final answer still wins."""
from __future__ import annotations

import threading
import time

from support.fakes import FakeAcquirer
from terminal.app.bootstrap import Terminal
from terminal.payments.acquirer import AcquirerReply
from terminal.payments.code_checkout import pay_by_code
from terminal.payments.code_payment import CodeAuthorizer, PaymentTimings
from terminal.ports import SystemClock
from terminal.sales.sale import SaleState
from terminal.scanning.capture import CameraFrame
from terminal.scanning.frame_feed import FrameFeed
from terminal.store.attempts import AttemptStore

WECHAT = "134567890123456789"


def pending_acquirer(pay: str = "pending", reverse: str = "reversed") -> FakeAcquirer:
    """Pay answers `pay`, reverse answers `reverse`, query stays pending; every call is recorded."""
    return FakeAcquirer({"pay": AcquirerReply(pay, trade_no="T1" if pay == "success" else ""),
                         "reverse": AcquirerReply(reverse, reason="" if reverse == "reversed" else "busy")},
                        default=AcquirerReply("pending"))


def authorizer(term: Terminal, acquirer: FakeAcquirer) -> CodeAuthorizer:
    return CodeAuthorizer(acquirer, AttemptStore(term.db), SystemClock(), "T-0001",
                          PaymentTimings(request_timeout_s=0.5, query_interval_s=0.5, query_window_s=30))


def test_cancel_while_waiting_reverses_at_once(open_term: Terminal) -> None:
    acquirer = pending_acquirer()
    auth = authorizer(open_term, acquirer)
    open_term.till.add_item("TEA-001")
    cancel = threading.Event()
    threading.Timer(0.7, cancel.set).start()
    started = time.monotonic()
    outcome, done = pay_by_code(open_term.till, auth, WECHAT, cancel=cancel)
    assert time.monotonic() - started < 2.0, "the cancel was not acted on within the query interval"
    assert outcome.status == "reversed" and done is None and "Cancelled by the cashier" in outcome.message
    assert acquirer.calls[0] == "pay" and acquirer.calls[-1] == "reverse"
    attempt = auth.attempts.get(outcome.out_trade_no)
    assert attempt is not None and attempt.status == "reversed" and "cashier" in attempt.reason
    assert open_term.till.sale is not None and open_term.till.sale.state is SaleState.TENDERING


def test_cancel_with_an_unconfirmed_reversal_says_so(open_term: Terminal) -> None:
    auth = authorizer(open_term, pending_acquirer(reverse="failed"))
    open_term.till.add_item("TEA-001")
    cancel = threading.Event()
    cancel.set()                                    # pressed while the pay request was in flight
    outcome, done = pay_by_code(open_term.till, auth, WECHAT, cancel=cancel)
    assert outcome.status == "reverse_unconfirmed" and done is None and "Do not hand over" in outcome.message


def test_a_final_answer_wins_over_a_late_cancel(open_term: Terminal) -> None:
    acquirer = pending_acquirer(pay="success")
    auth = authorizer(open_term, acquirer)
    open_term.till.add_item("TEA-001")
    cancel = threading.Event()
    cancel.set()
    outcome, done = pay_by_code(open_term.till, auth, WECHAT, cancel=cancel)
    assert outcome.status == "approved" and done is not None and acquirer.calls == ["pay"]


def test_frame_feed_keeps_the_latest_and_drops_a_broken_watcher() -> None:
    feed, seen = FrameFeed(), []  # type: ignore[var-annotated]

    def broken(_frame: CameraFrame) -> None:
        raise RuntimeError("preview gone")

    feed.watch(seen.append)
    feed.watch(broken)
    feed.publish(CameraFrame("img-1", 0.0, 0))
    assert feed.watched and [f.index for f in seen] == [0]
    feed.unwatch(seen.append)
    feed.publish(CameraFrame("img-2", 0.1, 1))
    assert not feed.watched and len(seen) == 1 and feed.latest() == CameraFrame("img-2", 0.1, 1)
