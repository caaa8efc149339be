"""The gateway's trades, refunds and agreements in the backend's SQL store (SQLite or PostgreSQL)."""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from sync.backend.store_base import clean_text, make_engine, now_text, store_failure
from sync.gateway.tables import agreements, gateway_refunds, gateway_trades, metadata
from terminal.payments.acquirer import AcquirerStatus


class TradeKind(StrEnum):
    """How a trade was started."""

    CODE = "code"             # a customer-presented payment code
    AGREEMENT = "agreement"   # face-pay funded by a withholding agreement
    QR = "qr"                 # a merchant-presented QR order


@dataclass(frozen=True)
class Trade:
    """One gateway_trades row."""

    out_trade_no: str
    terminal: str
    provider: str
    kind: TradeKind
    amount: str
    status: AcquirerStatus
    reason: str = ""
    trade_no: str = ""
    created_at: str = ""
    watch_until: float | None = None


def _trade(row: Any) -> Trade:
    return Trade(row.out_trade_no, row.terminal, row.provider, TradeKind(row.kind), row.amount,
                 AcquirerStatus(row.status), row.reason, row.trade_no, row.created_at, row.watch_until)


class GatewayStore:
    """Reads and writes of the gateway's tables; every method is one short transaction."""

    def __init__(self, url: str) -> None:
        self.engine, self._insert, self.url = make_engine(url)
        # SQLite's busy handler sleeps 1, 2, 5 ... 100 ms when a writer meets another: our own threads queue on
        # a lock instead (that sleep was the gateway's whole p99). PostgreSQL takes concurrent writers itself.
        self._lock: threading.Lock | contextlib.nullcontext[None] = (
            threading.Lock() if self.engine.dialect.name == "sqlite" else contextlib.nullcontext())

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._lock, self.engine.begin() as conn:
            yield conn

    def create(self) -> None:
        """Create the gateway's tables when missing (safe from several processes)."""
        try:
            with self.engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(7012105)"))
                metadata.create_all(conn)
        except SQLAlchemyError as err:
            raise store_failure(self.url, err) from err

    def close(self) -> None:
        """Close the pooled connections."""
        self.engine.dispose()

    def begin_trade(self, trade: Trade) -> Trade | None:
        """Record a new trade (status pending); the existing row instead when the out_trade_no is known."""
        now = now_text()
        try:
            with self._write() as conn:
                conn.execute(gateway_trades.insert().values(
                    out_trade_no=trade.out_trade_no, terminal=trade.terminal, provider=trade.provider,
                    kind=trade.kind, amount=trade.amount, status=trade.status, reason="", trade_no="",
                    created_at=now, updated_at=now, watch_until=None))
            return None
        except IntegrityError:
            return self.trade(trade.out_trade_no)

    def trade(self, out_trade_no: str) -> Trade | None:
        """The trade of an out_trade_no, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(gateway_trades).where(
                gateway_trades.c.out_trade_no == out_trade_no)).first()
        return None if row is None else _trade(row)

    def update_trade(self, out_trade_no: str, status: AcquirerStatus, reason: str = "", trade_no: str = "",
                     watch_until: float | bool | None = False) -> None:
        """Set a trade's status (and trade_no when given); `watch_until` False leaves the watch as it is."""
        values: dict[str, Any] = {"status": status, "reason": clean_text(reason), "updated_at": now_text()}
        if trade_no:
            values["trade_no"] = trade_no
        if watch_until is not False:
            values["watch_until"] = watch_until
        with self._write() as conn:
            conn.execute(gateway_trades.update().where(gateway_trades.c.out_trade_no == out_trade_no).values(values))

    def mark_paid(self, out_trade_no: str, trade_no: str, reason: str = "") -> Trade | None:
        """Set a trade paid, its watch ended; the trade as it was when this changed it, None when already paid."""
        with self._write() as conn:
            row = conn.execute(sa.select(gateway_trades).where(gateway_trades.c.out_trade_no == out_trade_no)).first()
            if row is None:
                return None
            changed = conn.execute(gateway_trades.update().where(
                gateway_trades.c.out_trade_no == out_trade_no,
                gateway_trades.c.status != AcquirerStatus.SUCCESS).values(   # once, also on PostgreSQL
                status=AcquirerStatus.SUCCESS, trade_no=trade_no or row.trade_no, reason=clean_text(reason),
                watch_until=None, updated_at=now_text()))
        return _trade(row) if changed.rowcount == 1 else None

    def watched(self, now: float) -> list[Trade]:
        """Trades whose watch has not ended."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(gateway_trades).where(gateway_trades.c.watch_until > now)
                                .order_by(gateway_trades.c.watch_until))
            return [_trade(r) for r in rows]

    def end_watches(self, now: float) -> None:
        """Forget the watches that ran out."""
        with self._write() as conn:
            conn.execute(gateway_trades.update().where(gateway_trades.c.watch_until <= now).values(watch_until=None))

    def trades_between(self, start: str, end: str) -> list[Trade]:
        """Trades created in [start, end) (RFC 3339 UTC texts, which sort as times)."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(gateway_trades).where(gateway_trades.c.created_at >= start,
                                                                gateway_trades.c.created_at < end))
            return [_trade(r) for r in rows]

    def begin_refund(self, out_request_no: str, out_trade_no: str, provider: str, amount: str) -> str | None:
        """Record a refund request; the status of the one with the same id when it exists."""
        now = now_text()
        try:
            with self._write() as conn:
                conn.execute(gateway_refunds.insert().values(
                    out_request_no=out_request_no, out_trade_no=out_trade_no, provider=provider, amount=amount,
                    status=AcquirerStatus.PENDING, reason="", created_at=now, updated_at=now))
            return None
        except IntegrityError:
            with self.engine.connect() as conn:
                return str(conn.execute(sa.select(gateway_refunds.c.status).where(
                    gateway_refunds.c.out_request_no == out_request_no)).scalar_one())

    def update_refund(self, out_request_no: str, status: AcquirerStatus, reason: str = "") -> None:
        """Set a refund's status."""
        with self._write() as conn:
            conn.execute(gateway_refunds.update().where(gateway_refunds.c.out_request_no == out_request_no)
                         .values(status=status, reason=clean_text(reason), updated_at=now_text()))

    def refunds_between(self, start: str, end: str) -> list[dict[str, str]]:
        """Refunds asked in [start, end), as dicts of their columns."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(gateway_refunds).where(gateway_refunds.c.created_at >= start,
                                                                 gateway_refunds.c.created_at < end))
            return [dict(r._mapping) for r in rows]

    def agreement(self, member_id: str) -> str | None:
        """The member's signed agreement number, or None."""
        with self.engine.connect() as conn:
            found = conn.execute(sa.select(agreements.c.agreement_no).where(
                agreements.c.member_id == member_id)).scalar()
        return None if found is None else str(found)

    def set_agreement(self, member_id: str, provider: str, agreement_no: str) -> None:
        """Store (or replace) the member's agreement."""
        stmt = self._insert(agreements).values(member_id=member_id, provider=provider, agreement_no=agreement_no,
                                               signed_at=now_text())
        stmt = stmt.on_conflict_do_update(index_elements=["member_id"], set_={
            "provider": stmt.excluded.provider, "agreement_no": stmt.excluded.agreement_no,
            "signed_at": stmt.excluded.signed_at})
        with self._write() as conn:
            conn.execute(stmt)

    def end_agreement(self, member_id: str) -> None:
        """Forget a member's agreement (the member ended it)."""
        with self._write() as conn:
            conn.execute(agreements.delete().where(agreements.c.member_id == member_id))
