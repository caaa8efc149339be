"""`edgepos payments attention [--json] [--ack]`: the wallet payments the cashier must follow up."""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from terminal.app.recovery_run import CONNECT_WAIT_S, sweep_in_background
from terminal.config.settings import Config
from terminal.store.attempt_claims import AttentionStatus, ClaimStore
from terminal.store.attempts import Attempt
from terminal.store.db import Database


def add_payments_parser(sub: Any) -> None:
    """The `payments` subcommands."""
    payments = sub.add_parser("payments", help="wallet payments: what the cashier must follow up")
    actions = payments.add_subparsers(dest="payments_command", metavar="ACTION", required=True)
    attention = actions.add_parser("attention", help="recovered payments, late refunds, unconfirmed reversals and "
                                                     "offline declines (a recovery sweep runs first)")
    attention.add_argument("--json", action="store_true", help="print a JSON list of objects")
    attention.add_argument("--ack", action="store_true", help="mark the listed items as seen")


def _word(attempt: Attempt) -> str:
    """The item's status word: what recovery did, else the attempt's own status (late_refunded, ...)."""
    word = attempt.attention or str(attempt.status)
    return str(AttentionStatus(word)) if word in AttentionStatus.__members__.values() else word


def item(attempt: Attempt) -> dict[str, str]:
    """One item of the list, as `--json` prints it."""
    return {"out_trade_no": attempt.out_trade_no, "sale_id": attempt.sale_id,
            "amount": attempt.amount.amount_str(), "currency": attempt.amount.currency,
            "status": _word(attempt), "reason": attempt.reason,
            "at": attempt.updated_at}


def cmd_payments(args: argparse.Namespace, config: Config, data_dir: Path) -> int:
    """Run one bounded recovery sweep (unless the kiosk or `sync run` does it), then list and maybe acknowledge."""
    one = sweep_in_background(config, data_dir)
    if one is not None:
        one.wait(CONNECT_WAIT_S + 2 * config.payments.request_timeout_s)
    db = Database(data_dir / "terminal.db")
    try:
        claims = ClaimStore(db)
        items = [item(a) for a in claims.needing_attention()]
        if args.json:
            print(json.dumps(items, ensure_ascii=False))
        else:
            for entry in items:
                print(f"{entry['at'][:19]}  {entry['status']:20} {entry['amount']} {entry['currency']}  "
                      f"{entry['out_trade_no']}  {entry['reason']}")
            if not items:
                print("nothing to follow up")
        if args.ack:
            for entry in items:
                claims.acknowledge(entry["out_trade_no"])
    finally:
        db.close()
        if one is not None:   # a sweep still going is left to the exit: every step is recorded first
            one.finish(0.0)
    return 0
