"""What the store reports: counts per terminal (`cloud stats`), the rejections log, dead letters, stored ids."""
from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from sync.backend.store_base import store_failure
from sync.backend.tables import dead_letters, events, ingest_counts, rejections

TOTALS = ("stored", "duplicate", "rejected", "dead_letters", "clock_flagged")


class StoreReads:
    """Read-only queries of the event store (mixed into EventStore, which provides the engine)."""

    engine: sa.Engine
    url: str

    def stats(self) -> dict[str, Any]:
        """Per terminal: stored events per schema, duplicate and rejected answers, dead letters, clock-flagged ones."""
        terminals: dict[str, dict[str, Any]] = {}

        def entry(tid: str) -> dict[str, Any]:
            return terminals.setdefault(tid, {"stored": 0, "schemas": {}, "duplicate": 0, "rejected": 0,
                                              "dead_letters": 0, "clock_flagged": 0, "last_reason": ""})
        flagged = sa.func.count(events.c.flags)                  # COUNT(column) skips NULLs: events with a flag
        try:
            with self.engine.connect() as conn:
                conn.execution_options(readonly=True)
                query = sa.select(events.c.terminal, events.c.schema, sa.func.count(), flagged).group_by(
                    events.c.terminal, events.c.schema)
                for tid, schema, count, with_flags in conn.execute(query):
                    entry(tid)["schemas"][schema] = count
                    entry(tid)["stored"] += count
                    entry(tid)["clock_flagged"] += with_flags
                for row in conn.execute(sa.select(ingest_counts)):
                    entry(row.terminal).update(duplicate=row.duplicate, rejected=row.rejected,
                                               last_reason=row.last_reason or "")
                query = sa.select(dead_letters.c.terminal, sa.func.count()).group_by(dead_letters.c.terminal)
                for tid, count in conn.execute(query):
                    entry(tid)["dead_letters"] = count
        except SQLAlchemyError as err:
            raise store_failure(self.url, err) from err
        totals = {key: sum(t[key] for t in terminals.values()) for key in TOTALS}
        return {"terminals": dict(sorted(terminals.items())), "totals": totals}

    def recent_rejections(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest logged rejections, newest first."""
        query = sa.select(rejections).order_by(rejections.c.id.desc()).limit(limit)
        return self._read(query, lambda row: dict(row._mapping))

    def dead_letters(self, limit: int = 100) -> list[dict[str, Any]]:
        """The kept messages nobody could judge (terminal, event_id, error, payload, attempts, at), newest first."""
        query = sa.select(dead_letters).order_by(dead_letters.c.id.desc()).limit(limit)
        return self._read(query, lambda row: dict(row._mapping))

    def event_ids(self, terminal: str | None = None) -> list[str]:
        """The stored event ids (of one terminal, or all), in id order."""
        query = sa.select(events.c.id).order_by(events.c.id)
        if terminal is not None:
            query = query.where(events.c.terminal == terminal)
        return self._read(query, lambda row: row.id)

    def sales_by_trade(self, start: str, end: str) -> dict[str, str]:
        """out_trade_no -> sale id of the payment/1 events created in [start, end) (RFC 3339 texts)."""
        query = sa.select(events.c.body).where(events.c.schema == "payment/1", events.c.created_at >= start,
                                               events.c.created_at < end)
        found: dict[str, str] = {}
        for body in self._read(query, lambda row: row.body):
            try:
                sale = json.loads(body)
            except ValueError:
                continue   # stored bodies were checked at ingest; a damaged one names no trade
            sale_id = str(sale.get("sale_id", ""))
            # A wallet payment's reference ends with its out_trade_no ("alipay:2888****1234:T-1-…"); an offline
            # one also names it in `forward`.
            for payment in sale.get("payments", []):
                found[str(payment.get("reference", "")).rsplit(":", 1)[-1]] = sale_id
            forward = sale.get("forward")
            if isinstance(forward, dict):
                found[str(forward.get("out_trade_no", ""))] = sale_id
        found.pop("", None)
        return found

    def _read(self, query: sa.Select[Any], convert: Any) -> list[Any]:
        try:
            with self.engine.connect() as conn:
                conn.execution_options(readonly=True)
                return [convert(row) for row in conn.execute(query)]
        except SQLAlchemyError as err:
            raise store_failure(self.url, err) from err
