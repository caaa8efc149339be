"""The backend's event store (SQLAlchemy Core; SQLite or PostgreSQL): events by id, answer counts, rejections."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from sync.backend.tables import COLUMNS, PG_BULK_INSERT, events, ingest_counts, metadata, pending_forwards, rejections
from sync.schema import Ack, Envelope
from terminal.errors import EdgeposError
from terminal.events import rfc3339

KEEP_REJECTIONS = 1000     # the rejections log keeps this many newest rows
MAX_REASON = 500           # characters of a reason kept in the log

_COMPACT = json.JSONEncoder(separators=(",", ":"))


class BackendError(EdgeposError):
    """The backend's store or broker link failed; the message says which and why."""


@dataclass(frozen=True)
class Rejection:
    """An event the backend refused: from which terminal, its id when it had a usable one, and why."""

    terminal: str
    event_id: str | None
    reason: str


def storable(text: str) -> bool:
    """True when the text can go into any SQL database and onto the wire (no NUL, no unpaired surrogate)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean_text(text: str, limit: int = MAX_REASON) -> str:
    """The text cut to `limit` characters, NUL and unpaired surrogates escaped: safe for SQL and JSON."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")[:limit]


def _now() -> str:
    return rfc3339(datetime.now(timezone.utc))


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None            # we BEGIN ourselves (see _sqlite_begin)
    for pragma in ("busy_timeout=30000", "journal_mode=WAL", "synchronous=FULL"):
        dbapi_conn.execute(f"PRAGMA {pragma}")


def _sqlite_begin(conn: Connection) -> None:
    # IMMEDIATE takes the write lock up front, so concurrent writers queue on busy_timeout instead of
    # failing to upgrade a read lock; readers (stats) use a plain deferred BEGIN.
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("readonly") else "BEGIN IMMEDIATE")


class EventStore:
    """Events by id, per-terminal answer counts and a bounded rejections log, in one SQL database."""

    def __init__(self, url: str) -> None:
        self._insert: Callable[..., Any]
        try:
            parsed = sa.make_url(url)
            self.url = parsed.render_as_string(hide_password=True)
            backend = parsed.get_backend_name()
            if backend == "sqlite":
                if parsed.database and parsed.database != ":memory:":
                    Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
                self.engine = sa.create_engine(parsed, connect_args={"timeout": 30})
                sa.event.listen(self.engine, "connect", _sqlite_connect)
                sa.event.listen(self.engine, "begin", _sqlite_begin)
                self._insert = sqlite.insert
            elif backend == "postgresql":
                self.engine = sa.create_engine(parsed, pool_pre_ping=True)
                self._insert = postgresql.insert
            else:
                raise BackendError(f"store url {self.url!r}: use sqlite:///path or postgresql+psycopg://user@host/db")
        except ArgumentError as err:
            raise BackendError(f"store url {url!r} is not usable: {err}") from err
        except OSError as err:
            raise BackendError(f"cannot create the directory of the store {url!r}: {err.strerror}") from err

    def _fail(self, err: SQLAlchemyError) -> BackendError:
        detail = str(getattr(err, "orig", None) or err).strip().splitlines()
        text = detail[0] if detail else type(err).__name__
        if "locked" in text or "busy" in text:
            text += " (another process held the SQLite file too long)"
        return BackendError(f"event store {self.url}: {text}")

    def create(self) -> None:
        """Create the tables if they are missing (safe to call from several processes)."""
        try:
            with self.engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(7012104)"))   # creators queue here
                metadata.create_all(conn)
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
        now = _now()
        rows: dict[str, dict[str, Any]] = {}
        for index, env in enumerate(envelopes):
            if env.id not in rows:
                rows[env.id] = {"id": env.id, "terminal": env.terminal, "schema": env.schema, "seq": env.seq,
                                "created_at": env.created_at, "body": _COMPACT.encode(env.body),
                                "envelope": texts[index] if texts else _COMPACT.encode(env.raw),
                                "received_at": now, "worker": worker}
        envelopes_by_id = {env.id: env for env in envelopes}
        acks: list[Ack] = []
        duplicates: Counter[str] = Counter()
        logged = list(refused)
        try:
            with self.engine.begin() as conn:
                stored = self._insert_new(conn, [rows[i] for i in sorted(rows)])   # sorted: no PG deadlocks
                to_charge = [{"event_id": i} for i in sorted(stored) if "forward" in envelopes_by_id[i].body]
                if to_charge:   # offline payments: queued for the forwarder in the same commit
                    conn.execute(pending_forwards.insert(), to_charge)
                owner = {i: rows[i]["terminal"] for i in stored}
                owner.update(self._owners(conn, [i for i in rows if i not in stored]))
                for env in envelopes:
                    if env.id in stored:
                        stored.discard(env.id)
                        acks.append(Ack(env.id, "stored"))
                    elif owner.get(env.id) == env.terminal:
                        duplicates[env.terminal] += 1
                        acks.append(Ack(env.id, "duplicate"))
                    else:
                        reason = "event id already used by another terminal"
                        logged.append(Rejection(env.terminal, env.id, reason))
                        acks.append(Ack(env.id, "rejected", reason))
                self._count(conn, duplicates, logged, now)
        except SQLAlchemyError as err:
            raise self._fail(err) from err
        return acks

    def record_rejection(self, terminal: str, event_id: str | None, reason: str) -> None:
        """Log one refused event (and count it for the terminal) in its own transaction."""
        self.store_batch([], "", [Rejection(terminal, event_id, reason)])

    def _insert_new(self, conn: Connection, rows: list[dict[str, Any]]) -> set[str]:
        if not rows:
            return set()
        if conn.dialect.name == "postgresql":
            return set(conn.execute(PG_BULK_INSERT, {"rows": rows}).scalars())
        stmt = self._insert(events).on_conflict_do_nothing(index_elements=["id"]).returning(events.c.id)
        return set(conn.execute(stmt, rows).scalars())

    def _owners(self, conn: Connection, ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            query = sa.select(events.c.id, events.c.terminal).where(events.c.id.in_(ids[start:start + 500]))
            found.update({row.id: row.terminal for row in conn.execute(query)})
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

    def stats(self) -> dict[str, Any]:
        """Stored events per terminal and schema, duplicate and rejected answers per terminal, and totals."""
        terminals: dict[str, dict[str, Any]] = {}

        def entry(tid: str) -> dict[str, Any]:
            return terminals.setdefault(tid, {"stored": 0, "schemas": {}, "duplicate": 0, "rejected": 0,
                                              "last_reason": ""})
        try:
            with self.engine.connect() as conn:
                conn.execution_options(readonly=True)
                query = sa.select(events.c.terminal, events.c.schema, sa.func.count()).group_by(
                    events.c.terminal, events.c.schema)
                for tid, schema, count in conn.execute(query):
                    entry(tid)["schemas"][schema] = count
                    entry(tid)["stored"] += count
                for row in conn.execute(sa.select(ingest_counts)):
                    entry(row.terminal).update(duplicate=row.duplicate, rejected=row.rejected,
                                               last_reason=row.last_reason or "")
        except SQLAlchemyError as err:
            raise self._fail(err) from err
        totals = {key: sum(t[key] for t in terminals.values()) for key in ("stored", "duplicate", "rejected")}
        return {"terminals": dict(sorted(terminals.items())), "totals": totals}

    def recent_rejections(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest logged rejections, newest first."""
        query = sa.select(rejections).order_by(rejections.c.id.desc()).limit(limit)
        return self._read(query, lambda row: dict(row._mapping))

    def event_ids(self, terminal: str | None = None) -> list[str]:
        """The stored event ids (of one terminal, or all), in id order."""
        query = sa.select(events.c.id).order_by(events.c.id)
        if terminal is not None:
            query = query.where(events.c.terminal == terminal)
        return self._read(query, lambda row: row.id)

    def _read(self, query: sa.Select[Any], convert: Any) -> list[Any]:
        try:
            with self.engine.connect() as conn:
                conn.execution_options(readonly=True)
                return [convert(row) for row in conn.execute(query)]
        except SQLAlchemyError as err:
            raise self._fail(err) from err
