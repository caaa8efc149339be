"""What the sandbox remembers: trades, refunds, agreements; the fault scripts chosen per amount; the ledger."""
from __future__ import annotations

import json
import os
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path

CST = timezone(timedelta(hours=8), "CST")   # Alipay's clock and its bills are Beijing time


class TradeStatus(StrEnum):
    """Alipay's trade_status values."""

    WAIT_BUYER_PAY = "WAIT_BUYER_PAY"
    TRADE_SUCCESS = "TRADE_SUCCESS"
    TRADE_CLOSED = "TRADE_CLOSED"
    TRADE_FINISHED = "TRADE_FINISHED"


class AgreementStatus(StrEnum):
    """An agreement's status: TEMP while its page is open, NORMAL once signed."""

    TEMP = "TEMP"
    NORMAL = "NORMAL"


class Script(StrEnum):
    """Fault scripts, as the acquirer simulator's (plus two Alipay-specific ones)."""

    APPROVE = "approve"
    DECLINE = "decline"
    PENDING = "pending"
    SILENT = "silent"
    LATE_SUCCESS = "late-success"
    SYSTEM_ERROR = "system-error"     # pay answers 20000 ACQ.SYSTEM_ERROR though the money moved (query: paid)
    CANCEL_RETRY = "cancel-retry"     # like silent; the first cancel answers retry_flag=Y, the next one closes


class LedgerStatus(StrEnum):
    """The acquirer simulator's statuses, written to --ledger so tests read charges the same way."""

    PENDING = "pending"
    SUCCESS = "success"
    DECLINED = "declined"
    REVERSED = "reversed"
    CREATED = "created"


HELD = frozenset({Script.SILENT, Script.LATE_SUCCESS, Script.CANCEL_RETRY})


def now_text() -> str:
    """Beijing time as Alipay writes it (`2026-12-02 11:56:31`)."""
    return datetime.now(CST).strftime("%Y-%m-%d %H:%M:%S")


def money(text: str) -> Decimal | None:
    """A positive amount with at most two decimals, or None."""
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        return None
    return value.quantize(Decimal("0.01"))


def digits(n: int) -> str:
    """n random decimal digits."""
    return "".join(secrets.choice("0123456789") for _ in range(n))


@dataclass
class Refund:
    """One refund request, remembered by out_request_no."""

    amount: Decimal
    at: str


@dataclass
class Trade:
    """One out_trade_no at the sandbox."""

    out_trade_no: str
    amount: Decimal
    subject: str
    script: Script
    arg: str
    notify_url: str = ""
    qr_token: str = ""            # precreate: the token in the qr_code; the trade exists once scanned
    scanned: bool = False
    agreement_no: str = ""
    status: TradeStatus = TradeStatus.WAIT_BUYER_PAY
    ledger: LedgerStatus = LedgerStatus.PENDING
    trade_no: str = field(default_factory=lambda: datetime.now(CST).strftime("%Y%m%d") + "22001" + digits(15))
    created_at: str = field(default_factory=now_text)
    paid_at: str = ""
    refunded: Decimal = Decimal("0.00")
    refunds: dict[str, Refund] = field(default_factory=dict)
    cancel_action: str = ""       # what the first cancel did (close/refund): a repeated cancel answers the same
    cancels: int = 0
    declined_code: str = ""

    @property
    def exists(self) -> bool:
        """A QR order is created at Alipay only when a buyer scans it."""
        return not self.qr_token or self.scanned

    def pay_now(self) -> None:
        """The buyer's money arrives."""
        self.status, self.ledger, self.paid_at = TradeStatus.TRADE_SUCCESS, LedgerStatus.SUCCESS, now_text()


@dataclass
class Agreement:
    """A withholding agreement: TEMP once its page is opened, NORMAL once the member signed."""

    external_agreement_no: str
    notify_url: str
    personal_product_code: str
    sign_scene: str
    status: AgreementStatus = AgreementStatus.TEMP
    agreement_no: str = ""
    alipay_user_id: str = field(default_factory=lambda: "2088" + digits(12))
    sign_time: str = ""


class Book:
    """All the sandbox's state, behind one lock; bill overrides for reconciliation tests."""

    def __init__(self, script: str, by_amount: dict[str, str], ledger: Path | None) -> None:
        self.lock = threading.RLock()
        self.script, self.ledger_path = script, ledger
        self.by_amount = {str(money(k) or k): v for k, v in by_amount.items()}
        self.trades: dict[str, Trade] = {}
        self.agreements: dict[str, Agreement] = {}     # by external_agreement_no
        self.bill_drop: set[str] = set()
        self.bill_amount: dict[str, Decimal] = {}

    def script_for(self, amount: Decimal) -> tuple[Script, str]:
        """The script for a trade of this amount (--by-amount first, else --script)."""
        name, _, arg = self.by_amount.get(str(amount), self.script).partition(":")
        return Script(name), arg

    def find(self, biz: dict[str, object]) -> Trade | None:
        """The trade named by out_trade_no or trade_no, if it exists at Alipay."""
        otn, trade_no = str(biz.get("out_trade_no") or ""), str(biz.get("trade_no") or "")
        trade = self.trades.get(otn) if otn else next(
            (t for t in self.trades.values() if t.trade_no == trade_no), None)
        return trade if trade is not None and trade.exists else None

    def agreement_by_no(self, agreement_no: str) -> Agreement | None:
        """The agreement with this agreement_no."""
        return next((a for a in self.agreements.values() if a.agreement_no == agreement_no), None)

    def write_ledger(self) -> None:
        """{out_trade_no: {status, amount, refunded, script, trade_status}}, replaced atomically."""
        if self.ledger_path is None:
            return
        with self.lock:
            data = {otn: {"status": t.ledger.value, "amount": str(t.amount), "refunded": str(t.refunded),
                          "script": t.script.value, "trade_status": t.status.value}
                    for otn, t in self.trades.items()}
            tmp = self.ledger_path.with_name(f".{self.ledger_path.name}.tmp")
            tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
            os.replace(tmp, self.ledger_path)
