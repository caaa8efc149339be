"""The store's engine (SQLite or PostgreSQL), its errors, and the text rules every stored string follows."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from terminal.errors import EdgeposError
from terminal.link.events import rfc3339

MAX_REASON = 500           # characters of a reason kept in the log
# Errors that say the database is away or busy, not that a row is bad: the batch is retried as it is.
_TRANSIENT = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.DisconnectionError, sa.exc.TimeoutError)


class BackendError(EdgeposError):
    """The backend's store or broker link failed; the message says which and why."""


class StoreUnavailable(BackendError):
    """The database is unreachable, locked or full: retry the same work later (nothing was written)."""


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


def now_text() -> str:
    """The backend's clock as stored (RFC 3339 UTC)."""
    return rfc3339(datetime.now(UTC))


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None            # we BEGIN ourselves (see _sqlite_begin)
    for pragma in ("busy_timeout=30000", "journal_mode=WAL", "synchronous=FULL"):
        dbapi_conn.execute(f"PRAGMA {pragma}")


def _sqlite_begin(conn: Connection) -> None:
    # IMMEDIATE takes the write lock up front, so concurrent writers queue on busy_timeout instead of
    # failing to upgrade a read lock; readers (stats) use a plain deferred BEGIN.
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("readonly") else "BEGIN IMMEDIATE")


def make_engine(url: str) -> tuple[sa.Engine, Callable[..., Any], str]:
    """The engine for a store URL, the dialect's insert (for ON CONFLICT) and the URL without its password."""
    try:
        parsed = sa.make_url(url)
        shown = parsed.render_as_string(hide_password=True)
        backend = parsed.get_backend_name()
        if backend == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            engine = sa.create_engine(parsed, connect_args={"timeout": 30})
            sa.event.listen(engine, "connect", _sqlite_connect)
            sa.event.listen(engine, "begin", _sqlite_begin)
            return engine, sqlite.insert, shown
        if backend == "postgresql":
            return sa.create_engine(parsed, pool_pre_ping=True), postgresql.insert, shown
        raise BackendError(f"store url {shown!r}: use sqlite:///path or postgresql+psycopg://user@host/db")
    except ArgumentError as err:
        raise BackendError(f"store url {url!r} is not usable: {err}") from err
    except OSError as err:
        raise BackendError(f"cannot create the directory of the store {url!r}: {err.strerror}") from err


def store_failure(url: str, err: SQLAlchemyError) -> BackendError:
    """The error to raise for a failed statement: StoreUnavailable when retrying may help, else BackendError."""
    detail = str(getattr(err, "orig", None) or err).strip().splitlines()
    text = detail[0] if detail else type(err).__name__
    if "locked" in text or "busy" in text:
        text += " (another process held the SQLite file too long)"
    kind = StoreUnavailable if isinstance(err, _TRANSIENT) else BackendError
    return kind(f"event store {url}: {text}")
