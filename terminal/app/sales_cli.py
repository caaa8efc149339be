"""`edgepos sales`: list a day's sales, show one, reprint its receipt, refund it (whole or by line).

A refund needs a manager's PIN; a wallet sale is refunded through the acquirer over the sync link, and an
unreachable broker gives the offline refusal after at most the request timeout.
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from terminal.app.link_session import open_payments
from terminal.app.sales_text import detail_json, detail_text, list_text, refund_json, refund_text, row_json
from terminal.config.settings import Config
from terminal.errors import EdgeposError, PrinterError, RefundPending
from terminal.payments.code_refund import WALLET_METHODS
from terminal.sales.receipts import Receipt
from terminal.sales.refund_plan import lines_by_sku
from terminal.store.refunds import Refund, RefundRequestStatus

if TYPE_CHECKING:
    from terminal.app.bootstrap import Terminal
    from terminal.app.recovery_run import OnePass


class _NoPrinter:
    """list, show and refund print nothing: no printer (or its helper process) is opened for them."""

    def print_receipt(self, receipt: Receipt) -> str:
        raise PrinterError("no printer is opened for this command")

    def status(self) -> str:
        return "not opened"

    def close(self) -> None:
        return None


def _line(text: str) -> tuple[str, int]:
    sku, sep, qty = text.rpartition(":")
    if not sep or not sku or not qty.isdigit() or int(qty) <= 0:
        raise argparse.ArgumentTypeError(f"--line takes SKU:QTY, e.g. DRK-001:2, got {text!r}")
    return sku, int(qty)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--date takes YYYY-MM-DD, got {text!r}") from None


def add_sales_parser(sub: Any) -> None:
    """The `sales` subcommands."""
    sales = sub.add_parser("sales", help="sales history: list, show, reprint and refund sales")
    actions = sales.add_subparsers(dest="sales_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the sales of a day (today by default, shop-local), newest first")
    listing.add_argument("--date", type=_day, default=None, help="the shop-local day, YYYY-MM-DD")
    listing.add_argument("--json", action="store_true", help="print JSON")
    show = actions.add_parser("show", help="one sale: lines, payments, refunds")
    show.add_argument("id", help="the receipt number (12 characters after 'Sale') or the full sale id")
    show.add_argument("--json", action="store_true", help="print JSON")
    reprint = actions.add_parser("reprint", help="print a sale's receipt again")
    reprint.add_argument("id", help="the receipt number or the full sale id")
    refund = actions.add_parser("refund", help="refund a sale to its payment method (a manager's PIN approves)")
    refund.add_argument("id", help="the receipt number or the full sale id")
    refund.add_argument("--line", type=_line, action="append", default=[], metavar="SKU:QTY",
                        help="refund QTY units of SKU (repeat it); without --line the whole sale is refunded")
    refund.add_argument("--reason", default="", help="why (shown in the sale's history)")
    refund.add_argument("--pin-stdin", action="store_true",
                        help="read the manager's PIN from the first line of stdin (otherwise it is asked for; "
                             "a PIN is never an argument: every user can read the process list)")
    refund.add_argument("--json", action="store_true", help="print refund_id, amount and status as JSON")


LOOKUPS = ("list", "show", "reprint")   # the actions that need no broker link of their own


def cmd_sales(args: argparse.Namespace, config: Config, data_dir: Path) -> int:
    """Run one `sales` action; an EdgeposError goes up to main (one line on stderr, exit 1)."""
    from terminal.app.bootstrap import build_terminal
    from terminal.app.recovery_run import sweep_in_background
    action = args.sales_command
    sweep = sweep_in_background(config, data_dir)   # open wallet attempts: one bounded sweep meanwhile
    if action not in LOOKUPS:
        _finish(sweep)   # a refund (of a wallet sale) opens the terminal's one broker connection itself
        sweep = None
    printer = None if action == "reprint" else _NoPrinter()
    terminal = build_terminal(config, data_dir, printer=printer)
    try:
        history = terminal.till.history
        if action == "list":
            rows = history.sales_of(args.date)
            if args.json:
                _print([row_json(r) for r in rows])
            else:
                print(list_text(rows, args.date or history.today()))
            return 0
        sale_id = history.sale_id_of(args.id)
        if action == "show":
            detail = history.detail(sale_id)
            if args.json:
                _print(detail_json(detail))
            else:
                print(detail_text(detail))
            return 0
        if action == "reprint":
            print(f"receipt of sale {sale_id[:12].upper()} printed: {terminal.till.reprint(sale_id)}")
            return 0
        return _refund(args, terminal, sale_id)
    finally:
        terminal.close()
        _finish(sweep)


def _finish(sweep: OnePass | None) -> None:
    """Give the recovery sweep a bounded time, then stop its link (a step cut short is resumed by the next start)."""
    if sweep is not None:
        sweep.finish(5.0, stop_link=True)


def _refund(args: argparse.Namespace, terminal: Terminal, sale_id: str) -> int:
    try:
        refund = _approve_and_refund(args, terminal, sale_id)
    except RefundPending as err:   # kept: the same command again retries it with the same refund id
        if args.json:
            _print({"refund_id": err.refund_id, "amount": None, "status": RefundRequestStatus.PENDING.value,
                    "error": str(err)})
        raise
    except EdgeposError as err:    # a wrong PIN, a cashier's PIN, over-refund, offline: nothing was refunded
        if args.json:
            _print({"refund_id": None, "amount": None, "status": "refused", "error": str(err)})
        raise
    if args.json:
        _print({**refund_json(refund), "status": "refunded"})
    else:
        print(refund_text(refund))
    return 0


def _approve_and_refund(args: argparse.Namespace, terminal: Terminal, sale_id: str) -> Refund:
    from terminal.staff.model import Approval
    pin = sys.stdin.readline().strip() if args.pin_stdin else getpass.getpass("Manager's PIN: ")
    approver = terminal.staff.approve(pin, Approval.REFUND)
    till = terminal.till
    sale = till.refunds.load(sale_id)
    lines = lines_by_sku(till.refunds.lines(sale), _sum_lines(args.line)) if args.line else None
    if not any(p.method in WALLET_METHODS for p in sale.payments):
        return till.refund(sale_id, lines, args.reason, approver, staff=terminal.staff.current)
    stop_link, authorizer = open_payments(terminal)
    till.refunds.acquirer = authorizer.acquirer
    till.refunds.timeout = float(terminal.config.payments.request_timeout_s)
    try:
        return till.refund(sale_id, lines, args.reason, approver, staff=terminal.staff.current)
    finally:
        stop_link()


def _sum_lines(pairs: list[tuple[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for sku, qty in pairs:
        out[sku] = out.get(sku, 0) + qty
    return out


def _print(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=None))

