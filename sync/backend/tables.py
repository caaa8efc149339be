"""The backend's tables (SQLAlchemy Core) and the one PostgreSQL-specific bulk insert."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

metadata = sa.MetaData()
events = sa.Table(
    "events", metadata,
    sa.Column("id", sa.Text, primary_key=True),          # the unique constraint that dedupes replays
    sa.Column("terminal", sa.Text, nullable=False),
    sa.Column("schema", sa.Text, nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("envelope", sa.Text, nullable=False),
    sa.Column("received_at", sa.Text, nullable=False),
    sa.Column("worker", sa.Text, nullable=False),
    sa.Column("flags", sa.Text),                          # clock flags, a JSON list (e.g. ["clock_ahead"]), or NULL
    sa.Index("events_by_terminal", "terminal", "schema", "seq"),
)
ingest_counts = sa.Table(
    "ingest_counts", metadata,
    sa.Column("terminal", sa.Text, primary_key=True),
    sa.Column("duplicate", sa.BigInteger, nullable=False, default=0),
    sa.Column("rejected", sa.BigInteger, nullable=False, default=0),
    sa.Column("last_reason", sa.Text),
    sa.Column("updated_at", sa.Text, nullable=False),
)
rejections = sa.Table(
    "rejections", metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("terminal", sa.Text, nullable=False),
    sa.Column("event_id", sa.Text),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("at", sa.Text, nullable=False),
)
# Messages the store could not take and nobody could judge (an unexpected error): kept with the error and the payload
# as received, PUBACKed so the broker stops redelivering them; the terminal, never answered, sends its event again.
dead_letters = sa.Table(
    "dead_letters", metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("terminal", sa.Text, nullable=False),
    sa.Column("event_id", sa.Text),
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("attempts", sa.BigInteger, nullable=False),
    sa.Column("at", sa.Text, nullable=False),
    sa.Index("dead_letters_by_event", "event_id", "terminal", unique=True),   # a resent event: one row, counted
)

COLUMNS = [column.name for column in events.columns]


def _pg_bulk_insert() -> Any:
    """INSERT ... SELECT FROM json_to_recordset(:rows): one statement and one parameter for any batch size."""
    columns = [sa.column(c.name, c.type) for c in events.columns]
    source = sa.func.json_to_recordset(sa.bindparam("rows", type_=postgresql.JSON)).table_valued(
        *columns).render_derived(name="batch", with_types=True)
    return (postgresql.insert(events).from_select(COLUMNS, sa.select(*source.c))
            .on_conflict_do_nothing(index_elements=["id"]).returning(events.c.id))


PG_BULK_INSERT = _pg_bulk_insert()

# Offline payments the backend has charged at the acquirer, one row per event, written with the outcome
# (a ForwardStatus); a row the forwarder could not charge is here as 'set_aside' with the reason, never retried.
forwards = sa.Table(
    "forwards", metadata,
    sa.Column("event_id", sa.Text, primary_key=True),
    sa.Column("terminal", sa.Text, nullable=False),
    sa.Column("out_trade_no", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("at", sa.Text, nullable=False),
)
# Stored offline payments not yet charged: written with the event, removed with the outcome.
pending_forwards = sa.Table(
    "pending_forwards", metadata,
    sa.Column("event_id", sa.Text, primary_key=True),
)
# E-invoice requests made on the e-receipt page: one per sale of a terminal (the primary key turns a second one
# into a no-op; sale ids are the terminals' own, so another terminal reusing one cannot block the real sale's).
invoice_requests = sa.Table(
    "invoice_requests", metadata,
    sa.Column("terminal", sa.Text, primary_key=True),
    sa.Column("sale_id", sa.Text, primary_key=True),
    sa.Column("buyer_name", sa.Text, nullable=False),
    sa.Column("tax_id", sa.Text, nullable=False),
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("requested_at", sa.Text, nullable=False),
)
# The e-receipt pages also index payment/1 events by sale id (events_by_sale): a dialect-specific expression index
# made by sync/backend/ereceipt_store.py when `edgepos cloud web` starts.
