"""A FakeProvider of our own port (sync/gateway/provider.py): scripted answers per amount, as the sandboxes have.

Scripts: approve, decline[:CODE], pending[:S] (query says success S s after the pay), silent (pay answers
unknown after `silent_s`, as an adapter does on a timeout), late-success[:S] (silent, then paid S s after the
reverse), retry[:N] (the reverse asks to be repeated N times, then reverses). Notifications are JSON signed with
HMAC-SHA256 under `key`; `sign()` makes a good one, anything else is BadNotification.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sync.gateway.provider import (
    BadNotification,
    BillKind,
    BillRow,
    Notification,
    NotificationKind,
    ProviderAnswer,
    ProviderName,
)
from terminal.payments.acquirer import AcquirerStatus as S


@dataclass
class FakeTrade:
    """What the fake provider remembers of one trade."""

    script: str
    arg: str
    amount: str
    started: float
    status: S = S.PENDING
    reversed_at: float | None = None
    refunds: dict[str, str] = field(default_factory=dict)


class FakeProvider:
    """A Provider answering by script (chosen by amount); `calls` lists (method, out_trade_no)."""

    def __init__(self, name: ProviderName, by_amount: dict[str, str] | None = None, script: str = "approve",
                 key: bytes = b"fake-notify-key", silent_s: float = 0.05) -> None:
        self.name, self.by_amount, self.script, self.key = name, dict(by_amount or {}), script, key
        self.silent_s = silent_s
        self.trades: dict[str, FakeTrade] = {}
        self.calls: list[tuple[str, str]] = []
        self.auth_codes: list[str] = []
        self.bill_drop: set[str] = set()
        self.bill_amount: dict[str, str] = {}
        self.delay_s = 0.0           # added to every call (the bench's stand-in for the provider's time)
        self._lock = threading.Lock()

    def _script(self, amount: str) -> tuple[str, str]:
        script, _, arg = self.by_amount.get(amount, self.script).partition(":")
        return script, arg

    def _seen(self, method: str, otn: str) -> None:
        with self._lock:
            self.calls.append((method, otn))
        if self.delay_s:
            time.sleep(self.delay_s)

    def methods(self, otn: str) -> list[str]:
        """The methods called for one trade, in order."""
        return [m for m, o in list(self.calls) if o == otn]

    def _begin(self, otn: str, amount: str) -> FakeTrade:
        script, arg = self._script(amount)
        with self._lock:
            return self.trades.setdefault(otn, FakeTrade(script, arg, amount, time.monotonic()))

    def pay(self, out_trade_no: str, amount: str, subject: str, auth_code: str) -> ProviderAnswer:
        self._seen("pay", out_trade_no)
        self.auth_codes.append(auth_code)
        return self._charge(self._begin(out_trade_no, amount), out_trade_no)

    def pay_agreement(self, out_trade_no: str, amount: str, subject: str, agreement_no: str) -> ProviderAnswer:
        self._seen("pay_agreement", out_trade_no)
        return self._charge(self._begin(out_trade_no, amount), out_trade_no)

    def _charge(self, trade: FakeTrade, otn: str) -> ProviderAnswer:
        if trade.status == S.CLOSED:
            return ProviderAnswer(S.DECLINED, "TRADE_CLOSED")
        if trade.script == "approve":
            trade.status = S.SUCCESS
            return ProviderAnswer(S.SUCCESS, trade_no=f"FAKE{otn[-10:]}")
        if trade.script == "decline":
            trade.status = S.DECLINED
            return ProviderAnswer(S.DECLINED, trade.arg or "ACQ.PAYMENT_AUTH_CODE_INVALID")
        if trade.script == "pending":
            return ProviderAnswer(S.PENDING, "10003 waiting for the customer")
        time.sleep(self.silent_s)
        return ProviderAnswer(S.UNKNOWN, "timeout")

    def query(self, out_trade_no: str) -> ProviderAnswer:
        self._seen("query", out_trade_no)
        trade = self.trades.get(out_trade_no)
        if trade is None:
            return ProviderAnswer(S.UNKNOWN, "TRADE_NOT_EXIST")
        now = time.monotonic()
        if trade.script == "pending" and trade.status == S.PENDING and now - trade.started >= float(trade.arg or 0.5):
            trade.status = S.SUCCESS
        if (trade.script == "late-success" and trade.reversed_at is not None
                and now - trade.reversed_at >= float(trade.arg or 0.5)):
            trade.status = S.SUCCESS
        if trade.status == S.PENDING and trade.script in ("silent", "late-success", "retry"):
            return ProviderAnswer(S.UNKNOWN, "timeout")
        return ProviderAnswer(trade.status, trade_no=f"FAKE{out_trade_no[-10:]}" if trade.status == S.SUCCESS else "")

    def reverse(self, out_trade_no: str) -> ProviderAnswer:
        self._seen("reverse", out_trade_no)
        trade = self.trades.get(out_trade_no)
        if trade is not None and trade.script == "retry" and len(
                [m for m in self.methods(out_trade_no) if m == "reverse"]) <= int(trade.arg or 2):
            return ProviderAnswer(S.UNKNOWN, "SYSTEMERROR", retry=True)
        if trade is not None:
            trade.status, trade.reversed_at = S.CLOSED, time.monotonic()
        return ProviderAnswer(S.REVERSED)

    def refund(self, out_trade_no: str, amount: str, refund_no: str, reason: str) -> ProviderAnswer:
        self._seen("refund", out_trade_no)
        trade = self.trades.get(out_trade_no)
        if trade is None or trade.status != S.SUCCESS:
            return ProviderAnswer(S.FAILED, "TRADE_STATUS_ERROR")
        trade.refunds.setdefault(refund_no, amount)
        return ProviderAnswer(S.REFUNDED)

    def precreate(self, out_trade_no: str, amount: str, subject: str) -> ProviderAnswer:
        self._seen("precreate", out_trade_no)
        trade = self._begin(out_trade_no, amount)
        trade.status = S.CREATED
        return ProviderAnswer(S.CREATED, payload=f"https://qr.fake/{self.name}/{out_trade_no[-8:]}")

    def agreement_sign(self, external_id: str) -> ProviderAnswer:
        self._seen("agreement_sign", external_id)
        return ProviderAnswer(S.CREATED, payload=f"https://sign.fake/{external_id}")

    def customer_paid(self, out_trade_no: str) -> None:
        """The customer scanned and paid a QR order (the provider's side changes; a notification follows)."""
        self.trades[out_trade_no].status = S.SUCCESS

    def sign(self, fields: dict[str, str], key: bytes | None = None) -> bytes:
        """A notification body signed with `key` (ours by default)."""
        text = json.dumps(fields, sort_keys=True)
        mac = hmac.new(key or self.key, text.encode(), hashlib.sha256).hexdigest()
        return json.dumps({"fields": fields, "sign": mac}).encode()

    def parse_notify(self, body: bytes, content_type: str) -> Notification:
        try:
            doc = json.loads(body)
            fields, mac = doc["fields"], doc["sign"]
        except (ValueError, KeyError, TypeError) as err:
            raise BadNotification("not a notification") from err
        good = hmac.new(self.key, json.dumps(fields, sort_keys=True).encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(good, str(mac)):
            raise BadNotification("bad signature")
        if fields.get("kind") == "agreement":
            return Notification(NotificationKind.AGREEMENT, status=S(fields.get("status", "success")),
                                agreement_no=fields["agreement_no"], external_id=fields["external_id"])
        return Notification(NotificationKind.PAYMENT, fields["out_trade_no"], S(fields.get("status", "success")),
                            fields.get("trade_no", ""), fields.get("amount", ""))

    def notify_answer(self, ok: bool) -> tuple[bytes, str]:
        return (b"success" if ok else b"fail"), "text/plain"

    def bill(self, day: date) -> list[BillRow]:
        rows = []
        for otn, trade in list(self.trades.items()):
            if otn in self.bill_drop:
                continue
            amount = Decimal(self.bill_amount.get(otn, trade.amount))
            if trade.status == S.SUCCESS or trade.refunds:
                rows.append(BillRow(BillKind.PAYMENT, otn, f"FAKE{otn[-10:]}", amount))
            rows += [BillRow(BillKind.REFUND, otn, f"FAKE{otn[-10:]}", Decimal(a), no)
                     for no, a in trade.refunds.items()]
        return rows
