"""A fresh backend store URL for a test: a SQLite file, or a new schema in the local PostgreSQL."""
from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@contextmanager
def backend_store_url(kind: str, tmp_path: Path) -> Iterator[str]:
    """`kind` 'sqlite' or 'postgresql'; the PostgreSQL schema is dropped afterwards (skipped if the server is down)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'cloud' / 'events.db'}"
        return
    schema, admin = f"t_{secrets.token_hex(6)}", sa.create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    except sa.exc.OperationalError as err:
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432: {str(err.orig).strip()}")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
