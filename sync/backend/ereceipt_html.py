"""The e-receipt page as HTML: a view of a stored payment/1 body, and the page with its e-invoice form."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any

from sync.backend.ereceipt_store import InvoiceForm
from sync.backend.forward_rows import MAX_MINOR, ForwardStatus
from terminal.payments.paycodes import mask
from terminal.sales.money import Money
from terminal.sales.receipts import METHOD_NAMES
from terminal.sales.textwidth import strip_control

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
MAX_QUANTITY = 1_000_000          # of one line: a body with more is not shown as a receipt
DECLINED = (ForwardStatus.DECLINED, ForwardStatus.CLOSED)    # charged after the sale, and not paid
FIELDS = (("buyer_name", "Buyer name", "text", "organization"), ("tax_id", "Tax ID", "text", "off"),
          ("email", "Email", "email", "email"))


@dataclass(frozen=True)
class LineView:
    """One item line: name, quantity, unit price and gross amount (as on the printed receipt)."""

    name: str
    quantity: int
    unit_price: Money
    gross: Money


@dataclass(frozen=True)
class PaymentView:
    """One payment: method name, masked code (never the full one), amount, offline or not."""

    method: str
    masked_code: str
    amount: Money
    offline: bool
    declined: bool = False     # charged after an offline sale, and the wallet said no


@dataclass(frozen=True)
class ReceiptView:
    """What the e-receipt page shows of a paid sale."""

    sale_id: str
    terminal: str
    shop_name: str
    shop_address: str
    closed_at: str
    lines: tuple[LineView, ...]
    subtotal: Money
    discount: Money
    tax: Money
    total: Money
    payments: tuple[PaymentView, ...]


def receipt_view(body: Mapping[str, Any], terminal: str, forwarded: str | None = None) -> ReceiptView:
    """The view of a payment/1 body; ValueError names what is missing or malformed."""
    try:
        currency = str(body["currency"])

        def money(value: Any) -> Money:
            return Money(_int(value, MAX_MINOR), currency)

        lines = tuple(LineView(_text(ln["name"]), _int(ln["quantity"], MAX_QUANTITY), money(ln["unit_price"]),
                               money(_int(ln["unit_price"], MAX_MINOR) * _int(ln["quantity"], MAX_QUANTITY)))
                      for ln in body["lines"])
        payments = tuple(PaymentView(METHOD_NAMES.get(str(p["method"]), _text(p["method"])),
                                     _masked(str(p.get("reference") or "")), money(p["amount"]),
                                     p.get("status") == "offline" and forwarded in (None, ForwardStatus.SET_ASIDE),
                                     p.get("status") == "offline" and forwarded in DECLINED)
                         for p in body["payments"])
        shop = body.get("shop") or {}
        return ReceiptView(_text(body["sale_id"]), terminal, _text(shop.get("name", "")),
                           _text(shop.get("address", "")), _when(body.get("closed_at")), lines,
                           money(body["subtotal"]), money(body["discount"]), money(body["tax"]),
                           money(body["total"]), payments)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as err:
        raise ValueError(f"not a payment/1 body ({type(err).__name__}: {err})") from err


def _int(value: Any, most: int) -> int:
    """A whole number from 0 to `most` (amounts in minor units, quantities); anything else is a ValueError."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{str(value)[:40]} is not an integer")
    if not 0 <= value <= most:
        raise ValueError(f"{str(value)[:40]} is not between 0 and {most}")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a string")
    return strip_control(value)


def _masked(reference: str) -> str:
    """The payment code of a reference (`scheme:masked:trade_no`), masked again to be sure; never the trade no."""
    parts = reference.split(":")
    if len(parts) == 3:
        return f"{strip_control(parts[0])} {mask(strip_control(parts[1]))}"
    return mask(strip_control(reference))


def _when(closed_at: Any) -> str:
    try:
        moment = datetime.fromisoformat(str(closed_at)).astimezone(UTC)
    except (ValueError, OverflowError):         # not a time, or one astimezone() cannot move (year 1, 9999)
        return ""
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _e(text: str) -> str:
    """Escaped text, marked as Simplified Chinese when it holds Han characters (the right CJK glyphs)."""
    return f'<span lang="zh-Hans">{escape(text)}</span>' if HAN.search(text) else escape(text)


STYLE = """
*{box-sizing:border-box}
body{margin:0;background:#eef0f3;color:#1b1f24;font:16px/1.45 "Noto Sans","Noto Sans CJK SC","Source Han Sans SC",
"PingFang SC","Microsoft YaHei",sans-serif;-webkit-text-size-adjust:100%}
main{max-width:480px;margin:0 auto;padding:12px}
section{background:#fff;border-radius:10px;padding:14px 16px;margin:0 0 12px;box-shadow:0 1px 2px #0002}
h1{font-size:1.3em;margin:0 0 4px;text-align:center}h2{font-size:1.05em;margin:0 0 8px}
.c{text-align:center;color:#555;margin:0}.row{display:flex;justify-content:space-between;gap:12px}
.row>:last-child{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.meta{color:#555;font-size:.9em}.item{padding:6px 0;border-bottom:1px dashed #ccd}.item:last-child{border:0}
.qty{color:#555;font-size:.9em}.total{font-size:1.35em;font-weight:700;border-top:2px solid #1b1f24;
margin-top:6px;padding-top:6px}.off{background:#fff3cd;color:#6b4e00;font-weight:700;padding:6px;
border-radius:6px;text-align:center;margin-top:6px}label{display:block;margin:8px 0 2px;font-weight:600}
input{width:100%;font:inherit;padding:8px;border:1px solid #99a;border-radius:6px}
.err{color:#b00020;font-size:.9em;margin:2px 0 0}input[aria-invalid]{border-color:#b00020}
button{margin-top:12px;width:100%;font:inherit;font-weight:700;padding:10px;border:0;border-radius:6px;
background:#1b5e20;color:#fff}.ok{color:#1b5e20;font-weight:700;margin:0}
"""


def page(title: str, content: str) -> bytes:
    """A whole UTF-8 page: mobile viewport, inline style only (the CSP allows no script)."""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="referrer" content="no-referrer"><title>{escape(title)}</title>'
            f"<style>{STYLE}</style></head><body><main>{content}</main></body></html>\n").encode()


def message_page(title: str, text: str) -> bytes:
    """A page with one message (not found, errors): says nothing about any sale."""
    return page(title, f'<section><h1>{escape(title)}</h1><p class="c">{escape(text)}</p></section>')


def _row(left: str, right: str, cls: str = "row") -> str:
    return f'<div class="{cls}"><span>{left}</span><span>{right}</span></div>'


def receipt_html(view: ReceiptView) -> str:
    """The receipt itself: shop, sale, items, totals, payments."""
    out = [f"<section><h1>{_e(view.shop_name or view.terminal)}</h1>"]
    if view.shop_address:
        out.append(f'<p class="c">{_e(view.shop_address)}</p>')
    out.append('</section><section class="meta">')
    out += [_row(k, escape(v)) for k, v in (("Sale", view.sale_id[:12].upper()), ("Date", view.closed_at),
                                             ("Terminal", view.terminal)) if v]
    out.append("</section><section>")
    for ln in view.lines:
        qty = f"{ln.quantity} × {escape(ln.unit_price.amount_str())}"
        out.append(f'<div class="item"><div>{_e(ln.name)}</div>'
                   f'{_row(f"<span class=qty>{qty}</span>", escape(ln.gross.amount_str()))}</div>')
    out.append("</section><section>")
    out.append(_row("Subtotal", escape(view.subtotal.amount_str())))
    if view.discount.minor:
        out.append(_row("Discounts", escape((-view.discount).amount_str())))
    added = view.total.minor - (view.subtotal.minor - view.discount.minor)
    tax_label = "Tax (included)" if added == 0 else "Tax"
    out.append(_row(tax_label, escape(view.tax.amount_str())))
    out.append(_row("TOTAL", escape(view.total.format()), "row total"))
    out.append("</section><section>")
    for pay in view.payments:
        method = escape(pay.method) + (f" <span class=qty>{escape(pay.masked_code)}</span>" if pay.masked_code
                                       else "")
        out.append(_row(method, escape(pay.amount.amount_str())))
        if pay.offline:
            out.append('<div class="off">OFFLINE: charged when the terminal is back online</div>')
        if pay.declined:
            out.append('<div class="off">Not paid: the wallet declined this payment after the sale. '
                       'Please contact the shop.</div>')
    out.append("</section>")
    return "".join(out)


def invoice_form_html(action: str, form: InvoiceForm) -> str:
    """The e-invoice request form, re-filled with `form`'s values and its errors beside the fields."""
    out = [f'<section><h2>E-invoice</h2><form method="post" action="{escape(action)}" accept-charset="UTF-8">']
    limits = {"buyer_name": ' maxlength="100"', "tax_id": ' maxlength="20"', "email": ' maxlength="254"'}
    for name, label, kind, complete in FIELDS:
        error = form.errors.get(name, "")
        invalid = f' aria-invalid="true" aria-describedby="{name}-err"' if error else ""
        out.append(f'<label for="{name}">{label}</label><input id="{name}" name="{name}" type="{kind}" '
                   f'autocomplete="{complete}" required{limits[name]}{invalid} value="{escape(getattr(form, name))}">')
        if error:
            out.append(f'<p class="err" id="{name}-err">{escape(error)}</p>')
    out.append('<button type="submit">Request e-invoice</button></form></section>')
    return "".join(out)


def invoice_status_html(text: str) -> str:
    """The e-invoice section once a request is stored."""
    return f'<section><h2>E-invoice</h2><p class="ok">{escape(text)}</p></section>'
