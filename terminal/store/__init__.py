"""Local storage: one SQLite file, WAL, synchronous=FULL, versioned schema."""
from terminal.store.db import Database
from terminal.store.migrations import SCHEMA_VERSION

__all__ = ["Database", "SCHEMA_VERSION"]
