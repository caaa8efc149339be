"""The gateway's tables (SQLAlchemy Core), kept in the backend's store beside sync/backend/tables.py.

`gateway_trades` maps a provider's notification back to its terminal, survives restarts, and holds the watch of
reversed trades (`watch_until`); `gateway_refunds` one row per refund id; `agreements` the members' signed
withholding agreements (agreement numbers stay on the backend, never sent to a terminal).
"""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
gateway_trades = sa.Table(
    "gateway_trades", metadata,
    sa.Column("out_trade_no", sa.Text, primary_key=True),
    sa.Column("terminal", sa.Text, nullable=False),          # "" for the backend's own (forwarded) charges
    sa.Column("provider", sa.Text, nullable=False),          # a ProviderName
    sa.Column("kind", sa.Text, nullable=False),              # a TradeKind
    sa.Column("amount", sa.Text, nullable=False),            # major units, as sent to the provider ("12.34")
    sa.Column("status", sa.Text, nullable=False),            # an AcquirerStatus
    sa.Column("reason", sa.Text, nullable=False, default=""),
    sa.Column("trade_no", sa.Text, nullable=False, default=""),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Text, nullable=False),
    sa.Column("watch_until", sa.Float),                      # epoch seconds: query the reversed trade until then
    sa.Index("gateway_trades_watched", "watch_until"),
)
gateway_refunds = sa.Table(
    "gateway_refunds", metadata,
    sa.Column("out_request_no", sa.Text, primary_key=True),
    sa.Column("out_trade_no", sa.Text, nullable=False),
    sa.Column("provider", sa.Text, nullable=False),
    sa.Column("amount", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False, default=""),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Text, nullable=False),
)
agreements = sa.Table(
    "agreements", metadata,
    sa.Column("member_id", sa.Text, primary_key=True),
    sa.Column("provider", sa.Text, nullable=False),
    sa.Column("agreement_no", sa.Text, nullable=False),
    sa.Column("signed_at", sa.Text, nullable=False),
)
