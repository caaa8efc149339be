"""`edgepos demo`: a scripted cash sale end to end, printed on the configured printer (the virtual one for sim)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from terminal.app.bootstrap import build_terminal
from terminal.config.settings import Config
from terminal.sales.money import Money


def _round_up(amount: Money, step: int) -> Money:
    """The next note amount a customer would hand over (e.g. 53.58 -> 60.00 with 10.00 notes)."""
    return Money(-(-amount.minor // step) * step, amount.currency)


def run_demo(config: Config, data_dir: Path, say: Callable[[str], Any]) -> dict[str, Any]:
    """Open a shift if needed, ring up four items, take cash, print; returns the sale summary."""
    terminal = build_terminal(config, data_dir)   # the configured printer: the virtual one only for "sim"
    try:
        till = terminal.till
        shift = terminal.shifts.current
        if shift is None:
            shift = terminal.shifts.open("demo", till.money("200"))
            say(f"opened shift {shift.id[:12]} for cashier 'demo' with a {shift.opening_float} float")
        items = [i for i in terminal.catalog if i.barcode][:4]
        if till.sale is None and len(items) < 2:
            raise RuntimeError("the catalog needs at least two items with barcodes for the demo")
        for item in items[:3]:
            till.scan(item.barcode or item.sku)
            say(f"scanned {item.barcode}  {item.name}  {item.unit_price}")
        till.add_item(items[3 % len(items)].sku, 2)
        say(f"added 2 x {items[3 % len(items)].name}")
        till.discount_line(0, Money(min(100, items[0].unit_price.minor), till.currency))
        sale = till.start_tender()
        totals = sale.totals
        tendered = _round_up(totals.total, 10 ** 3 if till.currency in ("JPY", "VND", "KRW") else 1000)
        # the tax of tax-exclusive items comes on top; the tax included in prices is shown, not added
        added = totals.total - (totals.subtotal - totals.discount)
        say(f"subtotal {totals.subtotal}, discount -{totals.discount}"
            + (f", tax added {added}" if added.minor else "")
            + f", total {totals.total} (tax {totals.tax}); customer pays {tendered} in cash")
        done = till.pay_cash(tendered)
        say(f"change {done.change}; receipt: {done.printed_to or done.print_error}")
        return {"sale_id": done.sale.id, "subtotal": totals.subtotal.amount_str(),
                "discount": totals.discount.amount_str(), "tax_added": added.amount_str(),
                "total": done.sale.totals.total.amount_str(), "currency": done.sale.currency,
                "tax": totals.tax.amount_str(),
                "tendered": tendered.amount_str(), "change": done.change.amount_str(),
                "receipt": done.printed_to, "receipt_url": done.receipt.qr_url,
                "outbox_pending": terminal.outbox.pending_count(), "shift_id": shift.id}
    finally:
        terminal.close()
