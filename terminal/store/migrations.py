"""Schema migrations: each entry moves the database one version up, in order."""
from __future__ import annotations

V1 = """
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE shifts (
    id TEXT PRIMARY KEY,
    terminal TEXT NOT NULL,
    cashier TEXT NOT NULL,
    currency TEXT NOT NULL,
    opening_float INTEGER NOT NULL CHECK (opening_float >= 0),
    opened_at TEXT NOT NULL,
    closed_at TEXT,
    z_report TEXT
);
CREATE UNIQUE INDEX shifts_one_open ON shifts(terminal) WHERE closed_at IS NULL;
CREATE TABLE cash_moves (
    id TEXT PRIMARY KEY,
    shift_id TEXT NOT NULL REFERENCES shifts(id),
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    amount INTEGER NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE sales (
    id TEXT PRIMARY KEY,
    shift_id TEXT NOT NULL REFERENCES shifts(id),
    state TEXT NOT NULL CHECK (state IN ('paid', 'voided')),
    currency TEXT NOT NULL,
    subtotal INTEGER NOT NULL,
    discount INTEGER NOT NULL,
    cart_discount INTEGER NOT NULL DEFAULT 0,
    tax INTEGER NOT NULL,
    total INTEGER NOT NULL,
    opened_at TEXT NOT NULL,
    closed_at TEXT NOT NULL
);
CREATE INDEX sales_shift ON sales(shift_id);
CREATE TABLE sale_lines (
    sale_id TEXT NOT NULL REFERENCES sales(id),
    line_no INTEGER NOT NULL,
    sku TEXT NOT NULL,
    barcode TEXT,
    name TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price INTEGER NOT NULL,
    tax_rate_bp INTEGER NOT NULL,
    tax_inclusive INTEGER NOT NULL,
    line_discount INTEGER NOT NULL,
    cart_discount INTEGER NOT NULL,
    tax INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    PRIMARY KEY (sale_id, line_no)
);
CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    sale_id TEXT NOT NULL REFERENCES sales(id),
    method TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount >= 0),
    tendered INTEGER NOT NULL,
    change INTEGER NOT NULL,
    currency TEXT NOT NULL,
    reference TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX payments_sale ON payments(sale_id);
CREATE TABLE refunds (
    id TEXT PRIMARY KEY,
    sale_id TEXT NOT NULL REFERENCES sales(id),
    shift_id TEXT NOT NULL REFERENCES shifts(id),
    method TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX refunds_sale ON refunds(sale_id);
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    schema TEXT NOT NULL,
    envelope TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"""

# Version 2: what the sync link knows (state, last ack, applied remote config) and the events the
# backend rejected, kept aside for the technician instead of being resent forever or deleted.
V2 = """
CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE outbox_rejected (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    schema TEXT NOT NULL,
    envelope TEXT NOT NULL,
    created_at TEXT NOT NULL,
    reason TEXT NOT NULL,
    rejected_at TEXT NOT NULL
);
"""

# Version 3: every attempt at the acquirer, written before the request goes out, so a crash, a timeout
# or a success that lands after the reversal can always be traced, queried, reversed or refunded.
V3 = """
CREATE TABLE payment_attempts (
    out_trade_no TEXT PRIMARY KEY,
    sale_id TEXT NOT NULL,
    scheme TEXT NOT NULL,
    masked_code TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    trade_no TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    needs_attention INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX payment_attempts_sale ON payment_attempts(sale_id);
-- Payment codes are single use: only a salted hash of each is kept, never the code.
CREATE TABLE risk_salt (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    salt TEXT NOT NULL
);
CREATE TABLE risk_codes (
    code_hash TEXT PRIMARY KEY,
    seen_at REAL NOT NULL
);
CREATE INDEX risk_codes_seen_at ON risk_codes(seen_at);
"""

# Version 4: members (phone in E.164, consent times, points, a signed card), their face templates encrypted
# with a key kept outside this file, coupons, and the points each sale earned (one row per sale: the
# idempotency key). A sale remembers its member for points, receipts and the daily face-pay cap.
V4 = """
CREATE TABLE members (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    phone TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    face_pay_opt_in INTEGER NOT NULL DEFAULT 0,
    consent_face_at TEXT,
    consent_marketing_at TEXT,
    points INTEGER NOT NULL DEFAULT 0 CHECK (points >= 0),
    card_token TEXT NOT NULL UNIQUE,
    joined_sale_id TEXT
);
CREATE TABLE face_templates (
    id INTEGER PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    ciphertext BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX face_templates_member ON face_templates(member_id);
CREATE TABLE coupons (
    code TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('percent', 'amount')),
    value INTEGER NOT NULL CHECK (value > 0),
    min_spend INTEGER NOT NULL DEFAULT 0 CHECK (min_spend >= 0),
    currency TEXT NOT NULL,
    expires_at TEXT,
    member_id TEXT REFERENCES members(id) ON DELETE CASCADE,
    used_by_sale TEXT UNIQUE,
    used_at TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE points_ledger (
    id INTEGER PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    sale_id TEXT NOT NULL UNIQUE,
    points INTEGER NOT NULL,
    balance_after INTEGER NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX points_ledger_member ON points_ledger(member_id);
ALTER TABLE sales ADD COLUMN member_id TEXT REFERENCES members(id) ON DELETE SET NULL;
CREATE INDEX sales_member_day ON sales(member_id, closed_at)
"""

# Version 5: the sale in tender is written with its first payment attempt (tenders), so after a crash the
# terminal knows what each attempt was for. Attempts are claimed by a live process (owner) so two processes
# never recover the same one, and keep what the cashier is told (attention). Staff sign in with salted PIN
# hashes, and the PIN pad's failures lock it for every process (pin_pad), as the technician PIN does. Every
# sale, refund and cash move records who did it, and refunds who approved them. Refunds can name lines and
# quantities. A wallet refund waits in refund_requests, keeping its id for retries, until the acquirer
# answers. Points taken back by a refund are a new ledger row keyed by the refund id, never an edit.
V5 = """
CREATE TABLE tenders (
    sale_id TEXT PRIMARY KEY,
    shift_id TEXT NOT NULL REFERENCES shifts(id),
    state TEXT NOT NULL CHECK (state IN ('tendering', 'completed', 'abandoned')),
    snapshot TEXT NOT NULL,
    staff_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX tenders_state ON tenders(state);
ALTER TABLE payment_attempts ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_attempts ADD COLUMN recovered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payment_attempts ADD COLUMN attention TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_attempts ADD COLUMN tries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payment_attempts ADD COLUMN next_try_at TEXT;
CREATE INDEX payment_attempts_status ON payment_attempts(status);
CREATE TABLE staff (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('cashier', 'manager')),
    pin_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE pin_pad (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until REAL NOT NULL DEFAULT 0
);
ALTER TABLE sales ADD COLUMN staff_id TEXT REFERENCES staff(id);
ALTER TABLE refunds ADD COLUMN staff_id TEXT REFERENCES staff(id);
ALTER TABLE refunds ADD COLUMN approved_by TEXT REFERENCES staff(id);
ALTER TABLE cash_moves ADD COLUMN staff_id TEXT REFERENCES staff(id);
CREATE TABLE refund_lines (
    refund_id TEXT NOT NULL REFERENCES refunds(id),
    line_no INTEGER NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    amount INTEGER NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (refund_id, line_no)
);
CREATE TABLE refund_requests (
    id TEXT PRIMARY KEY,
    sale_id TEXT NOT NULL REFERENCES sales(id),
    amount INTEGER NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    lines TEXT NOT NULL DEFAULT '[]',
    reason TEXT NOT NULL,
    staff_id TEXT,
    approved_by TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    detail TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX refund_requests_sale ON refund_requests(sale_id, status);
CREATE TABLE points_ledger_v5 (
    id INTEGER PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    sale_id TEXT NOT NULL,
    refund_id TEXT UNIQUE,
    points INTEGER NOT NULL,
    balance_after INTEGER NOT NULL CHECK (balance_after >= 0),
    at TEXT NOT NULL
);
INSERT INTO points_ledger_v5(id, member_id, sale_id, refund_id, points, balance_after, at)
    SELECT id, member_id, sale_id, NULL, points, balance_after, at FROM points_ledger;
DROP TABLE points_ledger;
ALTER TABLE points_ledger_v5 RENAME TO points_ledger;
CREATE UNIQUE INDEX points_ledger_award ON points_ledger(sale_id) WHERE refund_id IS NULL;
CREATE INDEX points_ledger_member ON points_ledger(member_id)
"""

# Version 6: members' prepaid balance (储值) as a ledger of entries with their own ids: top-ups (cash or wallet
# code), spends (a sale) and refunds back (a refund of a sale paid from the balance). Amounts are signed minor
# units; balance_after never goes below zero (checked with the spend, in the sale's transaction). One entry per
# (kind, reference): a sale spends once, a refund gives back once. No cascade: a member with money on the
# balance cannot be deleted, and the entries of one who left stay for the shift reports.
V6 = """
CREATE TABLE balance_ledger (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('topup', 'spend', 'refund')),
    amount INTEGER NOT NULL CHECK (amount <> 0),
    currency TEXT NOT NULL,
    balance_after INTEGER NOT NULL CHECK (balance_after >= 0),
    reference TEXT NOT NULL,
    tender TEXT NOT NULL DEFAULT '',
    shift_id TEXT,
    staff_id TEXT,
    offline INTEGER NOT NULL DEFAULT 0,
    at TEXT NOT NULL
);
CREATE INDEX balance_ledger_member ON balance_ledger(member_id, at);
CREATE UNIQUE INDEX balance_ledger_once ON balance_ledger(kind, reference);
CREATE INDEX balance_ledger_shift ON balance_ledger(shift_id, kind)
"""

# Index i holds the script that takes the schema from version i to i + 1.
MIGRATIONS: tuple[str, ...] = (V1, V2, V3, V4, V5, V6)
SCHEMA_VERSION = len(MIGRATIONS)
