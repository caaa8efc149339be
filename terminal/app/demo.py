"""`edgepos demo`: a scripted sale end to end, paid in cash or by a customer's wallet code, printed."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from terminal.app.bootstrap import Terminal, build_terminal
from terminal.config.settings import Config
from terminal.errors import EdgeposError
from terminal.sales.money import Money
from terminal.sales.sale import Sale
from terminal.sales.till import Completed

LINK_WAIT_S = 10.0   # how long the wallet demo waits for the broker before giving up


def _round_up(amount: Money, step: int) -> Money:
    """The next note amount a customer would hand over (e.g. 53.58 -> 60.00 with 10.00 notes)."""
    return Money(-(-amount.minor // step) * step, amount.currency)


def _ring_up(terminal: Terminal, say: Callable[[str], Any]) -> tuple[Sale, str]:
    """Open a shift if needed, ring up four items and go to payment; returns the sale and the shift id."""
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
    return till.start_tender(), shift.id


def _summary(terminal: Terminal, sale: Sale, shift_id: str, done: Completed | None) -> dict[str, Any]:
    totals = sale.totals
    added = totals.total - (totals.subtotal - totals.discount)
    return {"sale_id": sale.id, "subtotal": totals.subtotal.amount_str(), "discount": totals.discount.amount_str(),
            "tax_added": added.amount_str(), "total": totals.total.amount_str(), "currency": sale.currency,
            "tax": totals.tax.amount_str(), "receipt": done.printed_to if done else None,
            "receipt_url": done.receipt.qr_url if done else None,
            "outbox_pending": terminal.outbox.pending_count(), "shift_id": shift_id}


def run_demo(config: Config, data_dir: Path, say: Callable[[str], Any]) -> dict[str, Any]:
    """Ring up four items, take cash, print; returns the sale summary (open wallet attempts: one sweep meanwhile)."""
    from terminal.app.recovery_run import sweep_in_background
    sweep = sweep_in_background(config, data_dir)   # None, at no cost, when nothing is left to recover
    terminal = build_terminal(config, data_dir)   # the configured printer: the virtual one only for "sim"
    try:
        till = terminal.till
        sale, shift_id = _ring_up(terminal, say)
        totals = sale.totals
        tendered = _round_up(totals.total, 10 ** 3 if till.currency in ("JPY", "VND", "KRW") else 1000)
        # the tax of tax-exclusive items comes on top; the tax included in prices is shown, not added
        added = totals.total - (totals.subtotal - totals.discount)
        say(f"subtotal {totals.subtotal}, discount -{totals.discount}"
            + (f", tax added {added}" if added.minor else "")
            + f", total {totals.total} (tax {totals.tax}); customer pays {tendered} in cash")
        done = till.pay_cash(tendered)
        say(f"change {done.change}; receipt: {done.printed_to or done.print_error}")
        return {**_summary(terminal, done.sale, shift_id, done), "tendered": tendered.amount_str(),
                "change": done.change.amount_str()}
    finally:
        terminal.close()
        if sweep is not None:
            sweep.finish(5.0)   # bounded: a sweep still going is safe to leave at exit


def run_wallet_demo(config: Config, data_dir: Path, code: str | None, say: Callable[[str], Any]) -> dict[str, Any]:
    """The demo sale paid by a wallet code (or, without one, the shop's QR) over the kiosk's link; unpaid: voided."""
    from terminal.app.recovery_run import open_with_recovery
    from terminal.payments.code_checkout import pay_by_code, pay_by_qr
    one = open_with_recovery(config, data_dir)
    if one is None:
        raise EdgeposError("another edgepos process (the kiosk or `sync run`) holds this terminal's link: "
                           "stop it, or take the payment on the kiosk")
    terminal = one.kiosk.terminal
    try:
        authorizer = terminal.code_payments
        assert authorizer is not None
        sale, shift_id = _ring_up(terminal, say)
        if not _wait(lambda: authorizer.acquirer.reachable()):
            raise EdgeposError(f"the broker of {config.broker.url} cannot be reached: check [broker] and "
                               "`edgepos sync status`")
        if code is not None:
            say(f"total {sale.totals.total}: charging the customer's code")
            outcome, done = pay_by_code(terminal.till, authorizer, code, say)
        else:
            assert terminal.qr_payments is not None
            say(f"total {sale.totals.total}: the customer scans the shop's QR")
            outcome, done = pay_by_qr(terminal.till, terminal.qr_payments, lambda qr: say(f"QR {qr}"), say)
        say(f"{outcome.status}: {outcome.message}")
        if done is None and terminal.till.sale is not None:
            terminal.till.void()   # its tender is abandoned: a late success is refunded
        one.wait(5.0)
        return {**_summary(terminal, done.sale if done else sale, shift_id, done),
                "out_trade_no": outcome.out_trade_no, "status": outcome.status, "paid": outcome.paid}
    finally:
        one.close()
        terminal.close()


def _wait(check: Callable[[], bool]) -> bool:
    import time
    deadline = time.monotonic() + LINK_WAIT_S
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
