"""What `edgepos sales` prints: JSON for scripts and plain text a technician reads."""
from __future__ import annotations

from datetime import date
from typing import Any

from terminal.sales.history import SaleDetail, SaleRow
from terminal.store.refunds import Refund


def row_json(r: SaleRow) -> dict[str, Any]:
    """A listed sale as JSON (amounts as decimal strings)."""
    return {"sale_id": r.sale_id, "receipt_no": r.receipt_no, "time": r.time, "closed_at": r.closed_at,
            "total": r.total.amount_str(), "currency": r.total.currency, "methods": list(r.methods),
            "refunded": r.refunded.amount_str(), "state": r.state.value}


def refund_json(r: Refund) -> dict[str, Any]:
    """A refund as JSON."""
    return {"refund_id": r.id, "amount": r.amount.amount_str(), "currency": r.amount.currency, "method": r.method,
            "reason": r.reason, "created_at": r.created_at, "staff_id": r.staff_id, "approved_by": r.approved_by,
            "points_taken": r.points_taken, "points_short": r.points_short,
            "lines": [{"line_no": ln.line_no, "quantity": ln.quantity, "amount": ln.amount.amount_str()}
                      for ln in r.lines]}


def detail_json(d: SaleDetail) -> dict[str, Any]:
    """A sale's detail as JSON."""
    return {**row_json(d.row), "refundable": d.refundable.amount_str(), "member_id": d.member_id,
            "coupon": d.coupon_code, "pending_refunds": list(d.pending_refunds),
            "lines": [{"line_no": ln.line_no, "sku": ln.sku, "name": ln.name, "quantity": ln.quantity,
                       "refunded": ln.refunded, "refundable": ln.refundable, "amount": ln.amount.amount_str(),
                       "refunded_amount": ln.refunded_amount.amount_str()} for ln in d.lines],
            "payments": [{"method": p.method, "amount": p.amount.amount_str(), "status": p.status,
                          "reference": p.reference} for p in d.payments],
            "refunds": [{"refund_id": r.refund_id, "time": r.time, "staff": r.staff, "approved_by": r.approved_by,
                         "amount": r.amount.amount_str(), "method": r.method, "reason": r.reason,
                         "points_taken": r.points_taken,
                         "lines": [{"line_no": ln.line_no, "quantity": ln.quantity, "amount": ln.amount.amount_str()}
                                   for ln in r.lines]} for r in d.refunds]}


def list_text(rows: list[SaleRow], day: date) -> str:
    """A day's sales, one line each, for a technician to read."""
    out = []
    for r in rows:
        refunded = f"  refunded {r.refunded.amount_str()}" if not r.refunded.is_zero else ""
        out.append(f"{r.receipt_no}  {r.time}  {r.total.format():>14}  {','.join(r.methods) or '-':<8} "
                   f"{r.state.value}{refunded}")
    return "\n".join([*out, f"{len(rows)} sale(s) on {day.isoformat()}"])


def refund_text(refund: Refund) -> str:
    """A refund just made, for a technician to read."""
    out = [f"refunded {refund.amount.format()} by {refund.method} (refund {refund.id})"]
    out += [f"  line {ln.line_no}: {ln.quantity} unit(s)  {ln.amount.format()}" for ln in refund.lines]
    if refund.points_taken or refund.points_short:
        short = f" ({refund.points_short} more could not be: the balance was lower)" if refund.points_short else ""
        out.append(f"member points taken back: {refund.points_taken}{short}")
    return "\n".join(out)


def detail_text(d: SaleDetail) -> str:
    """A sale's detail for a technician to read."""
    r = d.row
    out = [f"Sale {r.receipt_no}  ({r.sale_id})", f"  closed   {r.time}", f"  state    {r.state.value}",
           f"  total    {r.total.format()}   refunded {r.refunded.format()}   refundable {d.refundable.format()}"]
    out.append("Lines (no. sku qty refunded refundable amount):")
    out += [f"  {ln.line_no:>3}  {ln.sku:<12} {ln.quantity:>4} {ln.refunded:>4} {ln.refundable:>4}  "
            f"{ln.amount.amount_str():>10}  {ln.name}" for ln in d.lines]
    out.append("Payments:")
    out += [f"  {p.method:<14} {p.amount.amount_str():>10}  {p.status}  {p.reference}" for p in d.payments]
    if d.refunds:
        out.append("Refunds:")
        for f in d.refunds:
            lines = ", ".join(f"line {ln.line_no} x{ln.quantity}" for ln in f.lines)
            out.append(f"  {f.time}  {f.amount.format()}  {f.method}  by {f.staff or '-'}, approved by "
                       f"{f.approved_by or '-'}  [{lines}]  {f.reason}  ({f.refund_id})")
    if d.pending_refunds:
        out.append("Wallet refunds waiting for an answer (run the same refund again): " + ", ".join(d.pending_refunds))
    return "\n".join(out)
