"""The backend's event store (SQLAlchemy Core; SQLite or PostgreSQL): events by id, answer counts, rejections."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from sync.backend.store_base import (
    BackendError,
    Rejection,
    StoreUnavailable,
    clean_text,
    make_engine,
    now_text,
    storable,
    store_failure,
)
from sync.backend.store_reads import StoreReads
from sync.backend.tables import (
    PG_BULK_INSERT,
    dead_letters,
    events,
    ingest_counts,
    metadata,
    pending_forwards,
    rejections,
)
from sync.schema import Ack, AckStatus, Envelope

__all__ = [
    "KEEP_REJECTIONS",
    "BackendError",
    "EventStore",
    "Received",
    "Rejection",
    "StoreUnavailable",
    "clean_text",
    "storable",
]
KEEP_REJECTIONS = 1000     # the rejections log keeps this many newest rows
ACK_REASON = 300           # characters of a reason sent back to the terminal

_COMPACT = json.JSONEncoder(separators=(",", ":"))


@dataclass(frozen=True)
class Received:
    """One message as a worker judged it: an envelope to store, or why it was refused; the payload as received."""

    terminal: str                      # the topic's terminal, "?" when the topic was not a terminal's
    payload: str
    envelope: Envelope | None = None
    reason: str = ""                   # why it was refused (when envelope is None)
    event_id: str | None = None        # the refused event's id, when it had one safe to answer


class EventStore(StoreReads):
    """Events by id, per-terminal answer counts, a bounded rejections log and dead letters, in one SQL database."""

    def __init__(self, url: str) -> None:
        self.engine, self._insert, self.url = make_engine(url)

    def _fail(self, err: SQLAlchemyError) -> BackendError:
        return store_failure(self.url, err)

    def create(self) -> None:
        """Create the tables if they are missing, add columns newer versions use (safe from several processes)."""
        try:
            with self.engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(7012104)"))   # creators queue here
                metadata.create_all(conn)
                have = {column["name"] for column in sa.inspect(conn).get_columns("events")}
                if "flags" not in have:                        # a store made before clock flags existed
                    conn.exec_driver_sql("ALTER TABLE events ADD COLUMN flags TEXT")
        except SQLAlchemyError as err:
            raise self._fail(err) from err

    def close(self) -> None:
        """Close the pooled connections."""
        self.engine.dispose()

    def store_batch(self, envelopes: Sequence[Envelope], worker: str, refused: Sequence[Rejection] = (),
                    texts: Sequence[str] | None = None) -> list[Ack]:
        """Insert new events and log `refused` in ONE transaction; an ack per envelope, in order.

        `texts`, when given, are the envelopes as received (stored verbatim instead of re-encoding them).
        """
        items = [Received(env.terminal, texts[i] if texts else _COMPACT.encode(env.raw), env)
                 for i, env in enumerate(envelopes)]
        return [ack for ack in self.ingest(items, worker, refused) if ack is not None]

    def record_rejection(self, terminal: str, event_id: str | None, reason: str) -> None:
        """Log one refused event (and count it for the terminal) in its own transaction."""
        self.ingest([], "", [Rejection(terminal, event_id, reason)])

    def ingest(self, items: Sequence[Received], worker: str, logged: Sequence[Rejection] = ()) -> list[Ack | None]:
        """Store the envelopes, log the refusals (and `logged`) in ONE transaction; the answer to each item, in order.

        An item gets None when there is nobody to answer (no usable id or not a terminal's topic). A refused copy of
        an event this terminal already stored is answered `duplicate`, never `rejected`: the terminal deletes its
        row on `duplicate`, which is right since the event is stored; a different copy is logged as a rejection.
        """
        now = now_text()
        rows: dict[str, dict[str, Any]] = {}
        bodies: dict[str, dict[str, Any]] = {}
        for item in items:
            env = item.envelope
            if env is not None and env.id not in rows:
                bodies[env.id] = env.body
                rows[env.id] = {"id": env.id, "terminal": env.terminal, "schema": env.schema, "seq": env.seq,
                                "created_at": env.created_at, "body": _COMPACT.encode(env.body),
                                "envelope": item.payload, "received_at": now, "worker": worker,
                                "flags": _COMPACT.encode(list(env.flags)) if env.flags else None}
        asked = [i.event_id for i in items if i.envelope is None and i.event_id and i.terminal != "?"]
        duplicates: Counter[str] = Counter()
        logged = list(logged)
        answers: list[Ack | None] = []
        try:
            with self.engine.begin() as conn:
                stored = self._insert_new(conn, [rows[i] for i in sorted(rows)])   # sorted: no PG deadlocks
                to_charge = [{"event_id": i} for i in sorted(stored) if "forward" in bodies[i]]
                if to_charge:   # offline payments: queued for the forwarder in the same commit
                    conn.execute(pending_forwards.insert(), to_charge)
                known = self._stored(conn, sorted({i for i in rows if i not in stored} | set(asked)))
                for item in items:
                    answer, rejection = _answer(item, stored, known, rows)
                    answers.append(answer)
                    if rejection is not None:
                        logged.append(rejection)
                    elif answer is not None and answer.status == AckStatus.DUPLICATE:
                        duplicates[item.terminal] += 1
                self._count(conn, duplicates, logged, now)
        except SQLAlchemyError as err:
            raise self._fail(err) from err
        return answers

    def dead_letter(self, terminal: str, event_id: str | None, error: str, payload: str) -> None:
        """Keep a message nobody could judge; the same event again adds an attempt to its row."""
        row = {"terminal": clean_text(terminal, 64), "event_id": None if event_id is None else clean_text(event_id, 64),
               "error": clean_text(error), "payload": clean_text(payload, 4 * 64 * 1024), "attempts": 1,
               "at": now_text()}
        stmt = self._insert(dead_letters)
        stmt = stmt.on_conflict_do_update(index_elements=["event_id", "terminal"], set_={
            "error": stmt.excluded.error, "payload": stmt.excluded.payload, "at": stmt.excluded.at,
            "attempts": dead_letters.c.attempts + 1})
        try:
            with self.engine.begin() as conn:
                conn.execute(stmt, row)
        except SQLAlchemyError as err:
            raise self._fail(err) from err

    def _insert_new(self, conn: Connection, rows: list[dict[str, Any]]) -> set[str]:
        if not rows:
            return set()
        if conn.dialect.name == "postgresql":
            return set(conn.execute(PG_BULK_INSERT, {"rows": rows}).scalars())
        stmt = self._insert(events).on_conflict_do_nothing(index_elements=["id"]).returning(events.c.id)
        return set(conn.execute(stmt, rows).scalars())

    def _stored(self, conn: Connection, ids: list[str]) -> dict[str, tuple[str, str]]:
        """(terminal, envelope as received) of the ids already stored."""
        found: dict[str, tuple[str, str]] = {}
        for start in range(0, len(ids), 500):
            query = sa.select(events.c.id, events.c.terminal, events.c.envelope).where(
                events.c.id.in_(ids[start:start + 500]))
            found.update({row.id: (row.terminal, row.envelope) for row in conn.execute(query)})
        return found

    def _count(self, conn: Connection, duplicates: Counter[str], logged: Iterable[Rejection], now: str) -> None:
        logged = list(logged)
        rejected = Counter(clean_text(r.terminal, 64) for r in logged)
        last = {clean_text(r.terminal, 64): clean_text(r.reason) for r in logged}
        terminals = sorted(set(duplicates) | set(rejected))
        if terminals:
            stmt = self._insert(ingest_counts)
            stmt = stmt.on_conflict_do_update(index_elements=["terminal"], set_={
                "duplicate": ingest_counts.c.duplicate + stmt.excluded.duplicate,
                "rejected": ingest_counts.c.rejected + stmt.excluded.rejected,
                "last_reason": sa.func.coalesce(stmt.excluded.last_reason, ingest_counts.c.last_reason),
                "updated_at": stmt.excluded.updated_at})
            conn.execute(stmt, [{"terminal": t, "duplicate": duplicates[t], "rejected": rejected[t],
                                 "last_reason": last.get(t), "updated_at": now} for t in terminals])
        if logged:
            conn.execute(rejections.insert(), [
                {"terminal": clean_text(r.terminal, 64), "reason": clean_text(r.reason), "at": now,
                 "event_id": None if r.event_id is None else clean_text(r.event_id, 64)} for r in logged])
            newest = sa.select(sa.func.max(rejections.c.id)).scalar_subquery()
            conn.execute(rejections.delete().where(rejections.c.id <= newest - KEEP_REJECTIONS))


def _answer(item: Received, stored: set[str], known: dict[str, tuple[str, str]],
            rows: dict[str, dict[str, Any]]) -> tuple[Ack | None, Rejection | None]:
    """The ack for one item (None: nobody to answer) and the rejection to log, if any."""
    env = item.envelope
    if env is not None:
        if env.id in stored:
            stored.discard(env.id)                  # a second copy in the same batch is a duplicate
            return Ack(env.id, AckStatus.STORED), None
        owner = known.get(env.id, (rows[env.id]["terminal"], ""))[0]
        if owner == env.terminal:
            return Ack(env.id, AckStatus.DUPLICATE), None
        reason = "event id already used by another terminal"
        return Ack(env.id, AckStatus.REJECTED, reason), Rejection(env.terminal, env.id, reason)
    if item.event_id is None or item.terminal == "?":
        return None, Rejection(item.terminal, item.event_id, item.reason)
    prior = known.get(item.event_id)
    if prior is not None and prior[0] == item.terminal:
        if prior[1] == item.payload:
            return Ack(item.event_id, AckStatus.DUPLICATE), None
        reason = f"{item.reason} (a copy of a stored event that differs from it: ignored, the stored event stands)"
        return Ack(item.event_id, AckStatus.DUPLICATE, clean_text(reason, ACK_REASON)), Rejection(
            item.terminal, item.event_id, reason)
    return (Ack(item.event_id, AckStatus.REJECTED, clean_text(item.reason, ACK_REASON)),
            Rejection(item.terminal, item.event_id, item.reason))
