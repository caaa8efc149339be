"""The sandbox's trades and the fault scripts that decide them (amounts are WeChat's integer fen).

Scripts, per run (--script) or per amount in yuan (--by-amount 13.00=decline:NOTENOUGH):
  approve            micropay SUCCESS; a NATIVE order is paid when the customer scans it
  decline[:CODE]     micropay FAIL with err_code CODE (NOTENOUGH by default), trade_state PAYERROR
  pending[:S]        micropay FAIL USERPAYING; orderquery USERPAYING until S s later (5 by default), then SUCCESS
  silent             micropay, unifiedorder and orderquery are held unanswered while the trade is open
  late-success[:S]   like silent; reverse (or closeorder) answers SUCCESS, and S s later (1 by default) the trade
                     shows SUCCESS anyway (a NATIVE order also notifies): the bank-side race the gateway watches for
"""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from simulators.wechatpay_sandbox.wire import TradeState

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
OPEN = frozenset({TradeState.NOTPAY, TradeState.USERPAYING})
PAID = frozenset({TradeState.SUCCESS, TradeState.REFUND})


class Script:
    """Script names (a script arrives as NAME[:ARG])."""

    APPROVE = "approve"
    DECLINE = "decline"
    PENDING = "pending"
    SILENT = "silent"
    LATE_SUCCESS = "late-success"


HOLDING = frozenset({Script.SILENT, Script.LATE_SUCCESS})


def beijing_now() -> datetime:
    """WeChat's clock: China Standard Time."""
    return datetime.now(BEIJING)


def fen_to_yuan(fen: int) -> str:
    """1300 -> '13.00'."""
    return f"{Decimal(fen) / 100:.2f}"


@dataclass
class Refund:
    """One out_refund_no: refunded once whatever the number of requests."""

    refund_id: str
    fee: int
    at: datetime


@dataclass
class Trade:
    """One out_trade_no as WeChat sees it."""

    out_trade_no: str
    total_fee: int
    trade_type: str            # MICROPAY or NATIVE
    script: str
    arg: str
    state: TradeState
    body: str = ""
    notify_url: str = ""
    code_url: str = ""
    sign_type: str = "MD5"
    err_code: str = ""
    transaction_id: str = field(default_factory=lambda: f"42000{secrets.randbelow(10**23):023d}")
    openid: str = field(default_factory=lambda: f"o{secrets.token_urlsafe(21)[:27]}")
    created: datetime = field(default_factory=beijing_now)
    paid_at: datetime | None = None
    reversed_paid: bool = False     # reversed after the money was taken: the bill lists a REVOKED row
    due: float | None = None        # monotonic time at which an open trade becomes SUCCESS by itself
    reverse_calls: int = 0
    refunds: dict[str, Refund] = field(default_factory=dict)

    @property
    def refunded(self) -> int:
        """Fen refunded so far."""
        return sum(r.fee for r in self.refunds.values())

    def pay(self) -> None:
        """The customer's money arrived."""
        self.state, self.paid_at, self.due = TradeState.SUCCESS, beijing_now(), None


class Book:
    """All trades, behind one lock; `advance` applies the scripts' timed transitions."""

    def __init__(self, script: str, by_amount: dict[str, str]) -> None:
        self.script = script
        self.by_amount = {f"{Decimal(k):.2f}": v for k, v in by_amount.items()}
        self.trades: dict[str, Trade] = {}
        self.lock = threading.RLock()
        self.bill_drop: set[str] = set()
        self.bill_amount: dict[str, str] = {}

    def script_for(self, total_fee: int) -> tuple[str, str]:
        """The script for an amount (per-amount first, then the run's default)."""
        name = self.by_amount.get(fen_to_yuan(total_fee), self.script)
        script, _, arg = name.partition(":")
        return script, arg

    def new_trade(self, out_trade_no: str, total_fee: int, trade_type: str, state: TradeState) -> Trade:
        """A trade scripted by its amount."""
        script, arg = self.script_for(total_fee)
        trade = Trade(out_trade_no, total_fee, trade_type, script, arg, state)
        self.trades[out_trade_no] = trade
        return trade

    def held(self, trade: Trade) -> bool:
        """Whether requests about this trade go unanswered (silent scripts while the trade is open)."""
        return trade.script in HOLDING and trade.state in OPEN

    def advance(self) -> list[Trade]:
        """Apply due transitions; the trades that changed (the NATIVE ones notify)."""
        now, changed = time.monotonic(), []
        with self.lock:
            for trade in self.trades.values():
                if trade.due is not None and now >= trade.due:
                    trade.pay()
                    changed.append(trade)
        return changed

    def after(self, seconds_text: str, default: float) -> float:
        """The monotonic time `seconds_text` (or the default) from now."""
        return time.monotonic() + (float(seconds_text) if seconds_text else default)

    def scan(self, out_trade_no: str) -> Trade | None:
        """The customer scans a NATIVE order's code and confirms in the wallet (as the script decides)."""
        with self.lock:
            trade = self.trades.get(out_trade_no)
            if trade is None or trade.trade_type != "NATIVE" or trade.state not in OPEN:
                return None
            if trade.script == Script.APPROVE:
                trade.pay()
            elif trade.script == Script.DECLINE:
                trade.state, trade.err_code = TradeState.PAYERROR, trade.arg or "NOTENOUGH"
            elif trade.script == Script.PENDING:
                trade.state, trade.due = TradeState.USERPAYING, self.after(trade.arg, 5)
                return None
            else:
                return None    # silent / late-success: the customer's payment goes nowhere
            return trade

    def ledger(self) -> dict[str, dict[str, str]]:
        """{out_trade_no: {status, amount, refunded, script, trade_state}} in the acquirer simulator's words."""
        words = {TradeState.SUCCESS: "success", TradeState.REFUND: "success", TradeState.PAYERROR: "declined",
                 TradeState.NOTPAY: "pending", TradeState.USERPAYING: "pending", TradeState.REVOKED: "reversed",
                 TradeState.CLOSED: "closed"}
        with self.lock:
            return {otn: {"status": words[t.state], "amount": fen_to_yuan(t.total_fee),
                          "refunded": fen_to_yuan(t.refunded), "script": t.script, "trade_state": t.state}
                    for otn, t in self.trades.items()}
