"""Local storage: one SQLite file, WAL, synchronous=FULL, versioned schema; all the terminal's SQL is here,
one store class per table group (tests/unit/test_sql_in_store.py fails on SQL anywhere else in terminal/)."""
from terminal.store.db import Database
from terminal.store.migrations import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "Database"]
