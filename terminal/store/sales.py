"""Sales, their lines, payments and refunds in SQLite; a stored sale loads back as the same Sale."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from terminal.errors import StoreError
from terminal.link.events import rfc3339
from terminal.sales.catalog import Item
from terminal.sales.money import Money
from terminal.sales.pricing import CartLine
from terminal.sales.sale import Payment, Sale, SaleState
from terminal.store.db import Database, Transaction
from terminal.store.refunds import Refund

__all__ = ["Refund", "SaleStore"]


def _iso(moment: datetime | None) -> str:
    if moment is None:
        raise StoreError("a stored sale needs its open and close times")
    return rfc3339(moment)


class SaleStore:
    """Reads and writes sales; writes happen inside a caller's transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def insert(self, tx: Transaction, sale: Sale) -> None:
        """Write a paid or voided sale with its lines and payments."""
        if sale.state not in (SaleState.PAID, SaleState.VOIDED):
            raise StoreError(f"only a paid or voided sale is stored, not a {sale.state.value} one")
        t = sale.totals
        cart_discount = sale.cart_discount.minor if sale.cart_discount else 0
        tx.execute(
            "INSERT INTO sales(id, shift_id, state, currency, subtotal, discount, cart_discount, tax, total,"
            " opened_at, closed_at, member_id, staff_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (sale.id, sale.shift_id, sale.state.value, sale.currency, t.subtotal.minor, t.discount.minor,
             cart_discount, t.tax.minor, t.total.minor, _iso(sale.opened_at), _iso(sale.closed_at), sale.member_id,
             sale.staff_id))
        for number, priced in enumerate(t.lines, start=1):
            item, line = priced.line.item, priced.line
            tx.execute(
                "INSERT INTO sale_lines(sale_id, line_no, sku, barcode, name, quantity, unit_price, tax_rate_bp,"
                " tax_inclusive, line_discount, cart_discount, tax, amount) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (sale.id, number, item.sku, item.barcode, item.name, line.quantity, item.unit_price.minor,
                 item.tax_rate_bp, int(item.tax_inclusive), line.discount.minor, priced.cart_discount.minor,
                 priced.tax.minor, priced.amount.minor))
        for p in sale.payments:
            tx.execute(
                "INSERT INTO payments(id, sale_id, method, amount, tendered, change, currency, reference, status,"
                " created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (p.id, sale.id, p.method, p.amount.minor, p.tendered.minor, p.change.minor, sale.currency,
                 p.reference, p.status, _iso(sale.closed_at)))

    def load(self, sale_id: str) -> Sale:
        """The stored sale, rebuilt; StoreError if there is none."""
        row = self._db.query_one("SELECT * FROM sales WHERE id = ?", (sale_id,))
        if row is None:
            raise StoreError(f"no sale {sale_id} on this terminal")
        cur = row["currency"]
        lines = [CartLine(Item(r["sku"], r["barcode"], r["name"], Money(r["unit_price"], cur), r["tax_rate_bp"],
                               bool(r["tax_inclusive"])), r["quantity"], Money(r["line_discount"], cur))
                 for r in self._db.query("SELECT * FROM sale_lines WHERE sale_id = ? ORDER BY line_no", (sale_id,))]
        payments = [Payment(r["id"], r["method"], Money(r["amount"], cur), Money(r["tendered"], cur),
                            Money(r["change"], cur), r["reference"], r["status"])
                    for r in self._db.query("SELECT * FROM payments WHERE sale_id = ? ORDER BY rowid", (sale_id,))]
        sale = Sale(cur, row["shift_id"], id=row["id"], state=SaleState(row["state"]), lines=lines,
                    cart_discount=Money(row["cart_discount"], cur) if row["cart_discount"] else None,
                    payments=payments, opened_at=datetime.fromisoformat(row["opened_at"]),
                    closed_at=datetime.fromisoformat(row["closed_at"]), member_id=row["member_id"],
                    staff_id=row["staff_id"])
        coupon = self._db.query_one("SELECT code FROM coupons WHERE used_by_sale = ?", (sale_id,))
        sale.coupon_code = str(coupon[0]) if coupon else None
        if sale.totals.total.minor != row["total"]:
            raise StoreError(f"sale {sale_id}: stored total {row['total']} does not match its lines")
        return sale

    def recent(self, limit: int = 20) -> list[dict[str, Any]]:
        """The latest sales, newest first, as id/state/total/closed_at rows."""
        rows = self._db.query("SELECT id, state, currency, total, closed_at FROM sales"
                              " ORDER BY closed_at DESC LIMIT ?", (limit,))
        return [dict(r) for r in rows]
