"""What the e-receipt pages read and write: payment/1 events by sale id, and checked e-invoice requests."""
from __future__ import annotations

import hmac
import json
import logging
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from sync.backend.store import BackendError, EventStore
from sync.backend.tables import events, forwards, invoice_requests
from terminal.link.events import rfc3339
from terminal.sales.receipts import receipt_token

log = logging.getLogger(__name__)

# The sale id of a payment/1 event, as indexed. Neither expression raises on any stored body (json_extract would on
# NaN, a jsonb cast on \u0000), so the index can never make an ingest insert fail; found rows are checked again.
SALE_KEY = {"sqlite": "CASE WHEN json_valid(body) THEN json_extract(body, '$.sale_id') END",
            "postgresql": "substring(body, '\"sale_id\":\"([0-9A-Za-z_-]{1,64})\"')"}
PAYMENTS = "schema = 'payment/1'"       # a literal, so both databases match the partial index
LOCK_ID = 7012104                        # the store's DDL advisory lock (EventStore.create)
MAX_TERMINALS = 1000                     # terminals claiming one sale id whose secrets are tried
MAX_CANDIDATES = 10                      # one terminal's payment/1 events of one sale id that are read
TAX_ID = re.compile(r"[0-9A-Z]{15,20}")
ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL = re.compile(rf"{ATOM}(?:\.{ATOM})*@(?:{LABEL}\.)+(?:[A-Za-z]{{2,63}}|xn--[A-Za-z0-9-]{{1,59}})")
_NOT_IN_NAMES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")   # controls, format characters, line breaks


@dataclass(frozen=True)
class StoredSale:
    """A paid sale's payment/1 event, found by sale id and unlocked by its receipt token."""

    sale_id: str
    terminal: str
    token: str
    body: Mapping[str, Any]
    forwarded: str | None = None   # an offline payment the backend has since charged: 'success' or 'declined'


@dataclass(frozen=True)
class InvoiceForm:
    """The e-invoice form as the buyer filled it in (normalised) and what is wrong with it, by field."""

    buyer_name: str = ""
    tax_id: str = ""
    email: str = ""
    errors: Mapping[str, str] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        """True when every field passed its check."""
        return not self.errors


def check_invoice_form(fields: Mapping[str, Sequence[str]]) -> InvoiceForm:
    """The normalised form and its errors: name 1..100 chars without controls, tax id 15-20 A-Z/0-9, email."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for key in ("buyer_name", "tax_id", "email"):
        given = fields.get(key) or [""]
        values[key] = unicodedata.normalize("NFC", given[0]).strip()
        if len(given) > 1:
            errors[key] = "Sent more than once."
    name = values["buyer_name"]
    if any(unicodedata.category(c) in _NOT_IN_NAMES for c in name):
        values["buyer_name"] = "".join(c for c in name if unicodedata.category(c) not in _NOT_IN_NAMES)
        errors.setdefault("buyer_name", "Control characters are not allowed (removed above: check the name).")
    elif not 1 <= len(name) <= 100:
        errors.setdefault("buyer_name", "Enter the buyer's name (1 to 100 characters).")
    if values["tax_id"].isascii():
        values["tax_id"] = values["tax_id"].upper()
    if not TAX_ID.fullmatch(values["tax_id"]):
        errors.setdefault("tax_id", "15 to 20 letters A-Z and digits (a unified social credit code has 18).")
    email = values["email"]
    if len(email) > 254 or not EMAIL.fullmatch(email) or len(email.split("@")[0]) > 64:
        errors.setdefault("email", "Enter a valid email address (at most 254 characters).")
    return InvoiceForm(values["buyer_name"], values["tax_id"], values["email"], errors)


class ReceiptStore:
    """The backend store seen by the pages (SQLAlchemy Core; SQLite or PostgreSQL)."""

    def __init__(self, url: str, secrets: Mapping[str, bytes]) -> None:
        self.store, self.secrets = EventStore(url), dict(secrets)
        self.url, self.dialect = self.store.url, self.store.engine.dialect.name
        self._key: sa.ColumnClause[Any] = sa.literal_column(SALE_KEY[self.dialect])

    def prepare(self) -> None:
        """Create missing tables and the index of payment/1 events by sale id (safe from several processes)."""
        self.store.create()
        with self._begin() as conn:
            if self.dialect == "postgresql":
                conn.execute(sa.text(f"SELECT pg_advisory_xact_lock({LOCK_ID})"))
            conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS events_by_sale ON events (({SALE_KEY[self.dialect]}))"
                                 f" WHERE {PAYMENTS}")
            _scope_invoice_requests(conn)

    def close(self) -> None:
        """Close the pooled connections."""
        self.store.close()

    def find(self, sale_id: str, token: str) -> StoredSale | None:
        """The sale if `token` is its receipt token under the secret of the terminal that sent it, else None."""
        # Sale ids are scoped by terminal: the token names the terminal (its secret signed it), and only that
        # terminal's events are read, so no other terminal's copies of the id can hide or stand in for the sale.
        terminals = (sa.select(events.c.terminal).where(sa.literal_column(PAYMENTS), self._sale_is(sale_id))
                     .group_by(events.c.terminal).limit(MAX_TERMINALS))
        with self._begin(readonly=True) as conn:
            claimed: list[str] = [str(t) for t in conn.scalars(terminals)]
        given = token.encode("utf-8", "replace")
        terminal: str | None = None
        for candidate in claimed or [""]:          # an unknown sale costs one HMAC as well
            secret = self.secrets.get(candidate)
            expected = receipt_token(secret or bytes(32), sale_id).encode()
            if hmac.compare_digest(expected, given) and secret and terminal is None:
                terminal = candidate
        if terminal is None:
            return None
        query = (sa.select(events.c.body, forwards.c.status.label("forwarded"))
                 .select_from(events.outerjoin(forwards, sa.and_(forwards.c.event_id == events.c.id,
                                                                 forwards.c.terminal == events.c.terminal)))
                 .where(sa.literal_column(PAYMENTS), self._sale_is(sale_id), events.c.terminal == terminal)
                 .order_by(events.c.received_at, events.c.id).limit(MAX_CANDIDATES))
        with self._begin(readonly=True) as conn:
            rows: list[Any] = list(conn.execute(query))
        for row in rows:                   # the index may hold a nested "sale_id": the body says which is right
            try:
                body = json.loads(row.body)
            except (ValueError, RecursionError) as err:      # stored before bodies were checked
                log.warning("e-receipt: a stored body of sale %s of %s is not readable JSON (%s)", sale_id,
                            terminal, str(err)[:200])
                continue
            if isinstance(body, dict) and body.get("sale_id") == sale_id:
                return StoredSale(sale_id, terminal, token, body, None if row.forwarded is None else str(row.forwarded))
        return None

    def invoice_requested(self, terminal: str, sale_id: str) -> bool:
        """True once an e-invoice request is stored for the terminal's sale."""
        query = sa.select(invoice_requests.c.sale_id).where(invoice_requests.c.terminal == terminal,
                                                            invoice_requests.c.sale_id == sale_id)
        with self._begin(readonly=True) as conn:
            return conn.execute(query).first() is not None

    def request_invoice(self, sale: StoredSale, form: InvoiceForm) -> bool:
        """Store a valid request; False if the sale already had one (the primary key decides, so races are safe)."""
        if not form.valid:
            raise ValueError(f"an invalid e-invoice request: {dict(form.errors)}")
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        stmt = (insert(invoice_requests).values(
            sale_id=sale.sale_id, terminal=sale.terminal, buyer_name=form.buyer_name, tax_id=form.tax_id,
            email=form.email, requested_at=rfc3339(datetime.now(UTC)))
            .on_conflict_do_nothing(index_elements=["terminal", "sale_id"]).returning(invoice_requests.c.sale_id))
        with self._begin() as conn:
            return conn.execute(stmt).first() is not None

    def _sale_is(self, sale_id: str) -> sa.ColumnElement[bool]:
        return self._key == sa.bindparam("sale_id", sale_id, sa.Text)

    @contextmanager
    def _begin(self, readonly: bool = False) -> Iterator[sa.Connection]:
        """A transaction; SQLAlchemy errors leave as BackendError."""
        try:
            with self.store.engine.connect() as conn:
                conn.execution_options(readonly=readonly)    # SQLite: a plain deferred BEGIN for readers
                with conn.begin():
                    yield conn
        except SQLAlchemyError as err:
            detail = str(getattr(err, "orig", None) or err).strip().splitlines()
            raise BackendError(f"e-receipt store {self.url}: {detail[0] if detail else type(err).__name__}") from err


def _scope_invoice_requests(conn: sa.Connection) -> None:
    """A store made before sale ids were scoped by terminal keeps its requests under (terminal, sale_id)."""
    if sa.inspect(conn).get_pk_constraint("invoice_requests").get("constrained_columns") != ["sale_id"]:
        return
    conn.exec_driver_sql("ALTER TABLE invoice_requests RENAME TO invoice_requests_by_sale")
    if conn.dialect.name == "postgresql":       # index names are per schema: free the primary key's name
        conn.exec_driver_sql("ALTER INDEX invoice_requests_pkey RENAME TO invoice_requests_by_sale_pkey")
    invoice_requests.create(conn)
    names = [c.name for c in invoice_requests.columns]
    old = sa.table("invoice_requests_by_sale", *(sa.column(n) for n in names))
    conn.execute(invoice_requests.insert().from_select(names, sa.select(*old.c)))
    conn.exec_driver_sql("DROP TABLE invoice_requests_by_sale")
