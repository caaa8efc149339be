"""`edgepos members balance|topup|agreement`: the prepaid balance (储值) and face-pay's wallet agreement.

A top-up needs an open shift (cash goes into its drawer); by wallet code it is charged over the sync link and
never accepted offline. `--code` reads the code from stdin: a payment code never goes in a process's arguments.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from terminal.app.link_session import open_payments
from terminal.config.settings import Config
from terminal.errors import MemberError

if TYPE_CHECKING:
    from terminal.app.bootstrap import Terminal

BALANCE_ACTIONS = frozenset({"balance", "topup", "agreement"})


def add_balance_actions(actions: Any) -> None:
    """The balance subcommands of `edgepos members`."""
    balance = actions.add_parser("balance", help="a member's prepaid balance and latest entries (JSON)")
    balance.add_argument("member_id", help="the member's id")
    topup = actions.add_parser("topup", help="top up a member's prepaid balance (not a sale); prints a slip")
    topup.add_argument("member_id", help="the member's id")
    topup.add_argument("amount", help="the amount in the home currency, e.g. 100.00")
    paid = topup.add_mutually_exclusive_group(required=True)
    paid.add_argument("--cash", action="store_true", help="paid in cash (into the open shift's drawer)")
    paid.add_argument("--code", action="store_true",
                      help="paid by the customer's wallet payment code, read from stdin (never an argument: "
                           "the process list is readable by every user)")
    agreement = actions.add_parser("agreement", help="start a wallet withholding agreement for face-pay: prints "
                                                     "the sign page URL the member opens (show it as a QR)")
    agreement.add_argument("member_id", help="the member's id")


def cmd_balance(args: argparse.Namespace, config: Config, data_dir: Path) -> int:
    """Run one balance action; an EdgeposError goes up to main (one line on stderr, exit 1)."""
    from terminal.app.bootstrap import build_terminal
    terminal = build_terminal(config, data_dir)
    try:
        members = terminal.members
        if members is None:
            raise MemberError("membership is not set up on this terminal")
        member = members.get(args.member_id)
        if args.members_command == "balance":
            entries = [{"entry_id": e.id, "kind": e.kind, "amount": e.amount.amount_str(),
                        "balance": e.balance.amount_str(), "reference": e.reference, "at": e.at}
                       for e in members.balance.store.entries(member.id, 20)]
            _print({"member_id": member.id, "phone": member.masked_phone,
                    "balance": members.balance.balance(member.id).amount_str(), "currency": members.currency,
                    "entries": entries})
            return 0
        if args.members_command == "agreement":
            return _agreement(terminal, member.id)
        return _topup(args, terminal, member.id)
    finally:
        terminal.close()


def _topup(args: argparse.Namespace, terminal: Terminal, member_id: str) -> int:
    from terminal.members.topup import top_up_cash, top_up_code
    amount = terminal.till.money(args.amount)
    if args.cash:
        done = top_up_cash(terminal.till, member_id, amount)
    else:
        code = sys.stdin.readline().strip()
        stop, authorizer = open_payments(terminal)
        try:
            outcome, maybe = top_up_code(terminal.till, authorizer, member_id, amount, code)
        finally:
            stop()
        if maybe is None:
            _print({"topup_id": None, "status": outcome.status, "error": outcome.message})
            return 1
        done = maybe
    _print({"topup_id": done.entry.id, "member_id": member_id, "amount": done.entry.amount.amount_str(),
            "balance": done.entry.balance.amount_str(), "tender": done.entry.tender,
            "reference": done.entry.reference, "printed_to": done.printed_to, "print_error": done.print_error})
    return 0


def _agreement(terminal: Terminal, member_id: str) -> int:
    from terminal.members.agreement import agreement_sign_url
    stop, authorizer = open_payments(terminal)
    try:
        url = agreement_sign_url(authorizer.acquirer, member_id, authorizer.timings.request_timeout_s)
    finally:
        stop()
    _print({"member_id": member_id, "sign_url": url})
    return 0


def _print(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False))
