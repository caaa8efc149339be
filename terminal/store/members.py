"""Members, their encrypted face templates and their points in SQLite; writes happen in a caller's transaction."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from terminal.members.codes import mask_phone
from terminal.sales.sale import PaymentMethod, SaleState
from terminal.store.db import Database, Transaction


@dataclass(frozen=True)
class Member:
    """A shop member; the phone (E.164) is left out of repr so it never reaches a log by accident."""

    id: str
    name: str
    phone: str = field(repr=False)
    created_at: str
    face_pay_opt_in: bool
    consent_face_at: str | None
    consent_marketing_at: str | None
    points: int
    card: str = field(repr=False)
    joined_sale_id: str | None = None

    @property
    def masked_phone(self) -> str:
        """'****5678': all a screen, a log or an event may show."""
        return mask_phone(self.phone)

    @property
    def display_name(self) -> str:
        """The first name only, or the masked phone for a member who joined without a name."""
        first = self.name.split()[0] if self.name.strip() else ""
        return first or f"Member {self.masked_phone}"

    @property
    def face_consent(self) -> bool:
        """True when consent to keep face templates is recorded."""
        return self.consent_face_at is not None


@dataclass(frozen=True)
class PointsAward:
    """What one sale earned a member, and the balance right after it."""

    member_id: str
    sale_id: str
    points: int
    balance: int


def _member(r: sqlite3.Row) -> Member:
    return Member(r["id"], r["name"], r["phone"], r["created_at"], bool(r["face_pay_opt_in"]), r["consent_face_at"],
                  r["consent_marketing_at"], int(r["points"]), r["card_token"], r["joined_sale_id"])


class MemberStore:
    """SQL for members, face_templates and points_ledger."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def insert(self, tx: Transaction, m: Member) -> None:
        """Add a member (the phone and the card are unique)."""
        tx.execute("INSERT INTO members(id, name, phone, created_at, face_pay_opt_in, consent_face_at,"
                   " consent_marketing_at, points, card_token, joined_sale_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
                   (m.id, m.name, m.phone, m.created_at, int(m.face_pay_opt_in), m.consent_face_at,
                    m.consent_marketing_at, m.points, m.card, m.joined_sale_id))

    def get(self, member_id: str, tx: Transaction | None = None) -> Member | None:
        """The member with this id, or None (inside `tx` when given)."""
        sql, params = "SELECT * FROM members WHERE id = ?", (member_id,)
        row = tx.execute(sql, params).fetchone() if tx is not None else self.db.query_one(sql, params)
        return _member(row) if row is not None else None

    def by_phone(self, phone: str, tx: Transaction | None = None) -> Member | None:
        """The member with this E.164 phone, or None (inside `tx` when given)."""
        sql, params = "SELECT * FROM members WHERE phone = ?", (phone,)
        row = tx.execute(sql, params).fetchone() if tx is not None else self.db.query_one(sql, params)
        return _member(row) if row is not None else None

    def all(self) -> list[Member]:
        """Every member, oldest first."""
        return [_member(r) for r in self.db.query("SELECT * FROM members ORDER BY created_at, rowid")]

    def delete(self, tx: Transaction, member_id: str) -> int:
        """Remove a member; templates, ledger rows and member-bound coupons go with it (ON DELETE CASCADE).
        Returns how many templates went."""
        row = tx.execute("SELECT COUNT(*) FROM face_templates WHERE member_id = ?", (member_id,)).fetchone()
        tx.execute("DELETE FROM members WHERE id = ?", (member_id,))
        return int(row[0])

    def set_consent(self, tx: Transaction, member_id: str, face_at: str | None, marketing_at: str | None,
                    opt_in: bool) -> None:
        """Record the consent times (None = not given) and the face-pay opt-in."""
        tx.execute("UPDATE members SET consent_face_at = ?, consent_marketing_at = ?, face_pay_opt_in = ?"
                   " WHERE id = ?", (face_at, marketing_at, int(opt_in), member_id))

    def add_template(self, tx: Transaction, member_id: str, ciphertext: bytes, at: str) -> None:
        """Store one encrypted template."""
        tx.execute("INSERT INTO face_templates(member_id, ciphertext, created_at) VALUES (?, ?, ?)",
                   (member_id, ciphertext, at))

    def delete_templates(self, tx: Transaction, member_id: str) -> int:
        """Remove a member's templates; returns how many."""
        return int(tx.execute("DELETE FROM face_templates WHERE member_id = ?", (member_id,)).rowcount)

    def template_count(self, member_id: str | None = None) -> int:
        """Templates of one member, or of everyone."""
        if member_id is None:
            row = self.db.query_one("SELECT COUNT(*) FROM face_templates")
        else:
            row = self.db.query_one("SELECT COUNT(*) FROM face_templates WHERE member_id = ?", (member_id,))
        return int(row[0]) if row else 0

    def gallery_rows(self) -> list[tuple[int, str, bytes]]:
        """(template id, member id, ciphertext) of members who opted in to face-pay with consent recorded."""
        rows = self.db.query("SELECT t.id, t.member_id, t.ciphertext FROM face_templates t"
                             " JOIN members m ON m.id = t.member_id"
                             " WHERE m.face_pay_opt_in = 1 AND m.consent_face_at IS NOT NULL"
                             " ORDER BY t.member_id, t.id")
        return [(int(r[0]), str(r[1]), bytes(r[2])) for r in rows]

    def award(self, tx: Transaction, member_id: str, sale_id: str, points: int, at: str) -> PointsAward:
        """Add points for a sale once: the ledger's unique sale id makes a repeat return the first award."""
        old = tx.execute("SELECT * FROM points_ledger WHERE sale_id = ? AND refund_id IS NULL", (sale_id,)).fetchone()
        if old is not None:
            return PointsAward(old["member_id"], sale_id, int(old["points"]), int(old["balance_after"]))
        tx.execute("UPDATE members SET points = points + ? WHERE id = ?", (points, member_id))
        balance = int(tx.execute("SELECT points FROM members WHERE id = ?", (member_id,)).fetchone()[0])
        tx.execute("INSERT INTO points_ledger(member_id, sale_id, points, balance_after, at) VALUES (?,?,?,?,?)",
                   (member_id, sale_id, points, balance, at))
        return PointsAward(member_id, sale_id, points, balance)

    def award_for(self, sale_id: str) -> PointsAward | None:
        """The points a stored sale earned, for its receipt (a reprint shows the same figures)."""
        r = self.db.query_one("SELECT * FROM points_ledger WHERE sale_id = ? AND refund_id IS NULL", (sale_id,))
        return PointsAward(r["member_id"], sale_id, int(r["points"]), int(r["balance_after"])) if r else None

    def taken_back(self, sale_id: str, tx: Transaction) -> int:
        """Points already taken back by refunds of a sale (a positive number)."""
        row = tx.execute("SELECT COALESCE(-SUM(points), 0) FROM points_ledger WHERE sale_id = ?"
                         " AND refund_id IS NOT NULL", (sale_id,)).fetchone()
        return int(row[0])

    def take_back(self, tx: Transaction, member_id: str, sale_id: str, refund_id: str, points: int,
                  at: str) -> PointsAward:
        """Take up to `points` back for a refund as a new ledger row (never below a zero balance); once per refund."""
        old = tx.execute("SELECT * FROM points_ledger WHERE refund_id = ?", (refund_id,)).fetchone()
        if old is not None:
            return PointsAward(old["member_id"], sale_id, -int(old["points"]), int(old["balance_after"]))
        balance = int(tx.execute("SELECT points FROM members WHERE id = ?", (member_id,)).fetchone()[0])
        taken = min(points, balance)
        if taken <= 0:
            return PointsAward(member_id, sale_id, 0, balance)
        tx.execute("UPDATE members SET points = points - ? WHERE id = ?", (taken, member_id))
        tx.execute("INSERT INTO points_ledger(member_id, sale_id, refund_id, points, balance_after, at)"
                   " VALUES (?,?,?,?,?,?)", (member_id, sale_id, refund_id, -taken, balance - taken, at))
        return PointsAward(member_id, sale_id, taken, balance - taken)

    def face_paid_between(self, member_id: str, start: str, end: str) -> int:
        """Minor units paid by face in sales of this member closed in [start, end) (RFC 3339 UTC strings)."""
        row = self.db.query_one(
            "SELECT COALESCE(SUM(p.amount), 0) FROM payments p JOIN sales s ON s.id = p.sale_id"
            " WHERE s.member_id = ? AND s.state = ? AND s.closed_at >= ? AND s.closed_at < ?"
            " AND (p.method = ? OR (p.method = ? AND p.reference LIKE 'face:%'))",   # face-pay from the balance
            (member_id, SaleState.PAID, start, end, PaymentMethod.FACE, PaymentMethod.MEMBER_BALANCE))
        return int(row[0]) if row else 0
