"""`edgepos sim alipay --port P --out DIR`: run the Alipay OpenAPI sandbox.

It writes what Alipay gives a merchant into DIR (all 0600): alipay.json {app_id, app_private_key,
alipay_public_key (PEM paths), gateway (the URL for the SDK's _gateway), seller_id}, the app's key pair (the
public half is what a merchant uploads to Alipay) and Alipay's public key; the sandbox's own private key is
.alipay_sandbox_private_key.pem. Keys found in DIR are reused, so a restarted sandbox keeps its merchant.
Prints {"ready": true, "port": P, "gateway": URL}, then one JSON line per request (payment codes masked).

Scripts (--script, or per amount --by-amount 13.00=decline:ACQ.BUYER_BALANCE_NOT_ENOUGH):
  approve             pay -> 10000
  decline[:SUB_CODE]  pay -> 40004 SUB_CODE (default ACQ.BUYER_BALANCE_NOT_ENOUGH)
  pending[:S]         pay -> 10003; query WAIT_BUYER_PAY until S s after the pay, then TRADE_SUCCESS (+ notification)
  silent              pay and query never answered (held --silent-hold s, then dropped); cancel -> action close
  late-success[:S]    as silent; S s after the cancel the trade is paid anyway and TRADE_SUCCESS is notified
  system-error        pay -> 20000 ACQ.SYSTEM_ERROR, but the trade was paid (query -> TRADE_SUCCESS)
  cancel-retry        as silent; the first cancel answers retry_flag=Y, the next one closes
QR orders: a buyer "scans" with POST /_sandbox/scan {"out_trade_no"} or {"qr_code"} (or --auto-scan S).
Agreements: the member opens the sign page URL, then POST /_sandbox/sign {"external_agreement_no"} (or {"url"}).
Bill: POST /_sandbox/bill {"drop": OTN, "amount": {OTN: "9.99"}} or --bill-drop OTN / --bill-amount OTN=AMT.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

from simulators.alipay_sandbox.server import Sandbox, SandboxConfig
from simulators.alipay_sandbox.signing import load_private, load_public, new_key, private_pem, public_pem
from simulators.alipay_sandbox.trades import digits
from sync.deployment import write_private

APP_PRIVATE, APP_PUBLIC = "alipay_app_private_key.pem", "alipay_app_public_key.pem"
ALIPAY_PUBLIC, ALIPAY_PRIVATE = "alipay_public_key.pem", ".alipay_sandbox_private_key.pem"


def merchant_files(out: Path) -> tuple[dict[str, str], SandboxConfig]:
    """The merchant's identity and keys in `out` (made when missing); the config of a sandbox serving it."""
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    creds = out / "alipay.json"
    names = (APP_PRIVATE, APP_PUBLIC, ALIPAY_PUBLIC, ALIPAY_PRIVATE)
    if creds.exists() and all((out / name).exists() for name in names):
        known = json.loads(creds.read_text(encoding="utf-8"))
        ident = {"app_id": str(known.get("app_id") or "9021" + digits(12)),
                 "seller_id": str(known.get("seller_id") or "2088" + digits(12))}
    else:
        ident = {"app_id": "9021" + digits(12), "seller_id": "2088" + digits(12)}
        app, alipay = new_key(), new_key()
        write_private(out / APP_PRIVATE, private_pem(app))
        write_private(out / APP_PUBLIC, public_pem(app.public_key()))
        write_private(out / ALIPAY_PRIVATE, private_pem(alipay))
        write_private(out / ALIPAY_PUBLIC, public_pem(alipay.public_key()))
    config = SandboxConfig(app_id=str(ident["app_id"]), seller_id=str(ident["seller_id"]),
                           app_public=load_public(out / APP_PUBLIC), alipay_key=load_private(out / ALIPAY_PRIVATE))
    return {"app_id": config.app_id, "seller_id": config.seller_id}, config


def write_credentials(out: Path, ident: dict[str, str], gateway: str) -> Path:
    """DIR/alipay.json as a merchant configures the gateway with it (0600)."""
    path = out / "alipay.json"
    data = {**ident, "app_private_key": str((out / APP_PRIVATE).resolve()),
            "alipay_public_key": str((out / ALIPAY_PUBLIC).resolve()), "gateway": gateway, "sign_type": "RSA2"}
    write_private(path, json.dumps(data, indent=1).encode("utf-8"))
    return path


def _pairs(items: list[str], what: str) -> dict[str, str]:
    pairs = dict(item.split("=", 1) for item in items if "=" in item)
    if len(pairs) != len(items):
        raise SystemExit(f"edgepos sim alipay: {what} takes KEY=VALUE, got {items}")
    return pairs


def main(argv: list[str] | None = None) -> int:
    """Run the sandbox until SIGTERM/Ctrl-C."""
    parser = argparse.ArgumentParser(prog="edgepos sim alipay", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True, help="port to listen on (0: any free port)")
    parser.add_argument("--out", type=Path, required=True, help="where to write alipay.json and the keys")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--script", default="approve", help="the default script")
    parser.add_argument("--by-amount", action="append", default=[], help="AMOUNT=SCRIPT, e.g. 13.00=decline")
    parser.add_argument("--ledger", type=Path, default=None, help="write every trade's status to this JSON file")
    parser.add_argument("--silent-hold", type=float, default=30.0, help="seconds a silent request is held")
    parser.add_argument("--auto-scan", type=float, default=None, help="a buyer scans each QR order after S s")
    parser.add_argument("--bill-drop", action="append", default=[], help="leave this out_trade_no out of bills")
    parser.add_argument("--bill-amount", action="append", default=[], help="OTN=AMOUNT: bill this amount instead")
    args = parser.parse_args(argv)
    by_amount = _pairs(args.by_amount, "--by-amount")
    ident, config = merchant_files(args.out)
    config = SandboxConfig(**{**config.__dict__, "script": args.script, "by_amount": tuple(by_amount.items()),
                              "ledger": args.ledger, "silent_hold_s": args.silent_hold,
                              "auto_scan_s": args.auto_scan})
    lock = threading.Lock()

    def say(line: dict[str, Any]) -> None:
        with lock:
            print(json.dumps(line, ensure_ascii=False), flush=True)

    sandbox = Sandbox(config, args.host, args.port, say)
    sandbox.book.bill_drop.update(args.bill_drop)
    sandbox.book.bill_amount.update({k: Decimal(v) for k, v in _pairs(args.bill_amount, "--bill-amount").items()})
    write_credentials(args.out, ident, sandbox.gateway_url)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    sandbox.start()
    say({"ready": True, "port": sandbox.port, "gateway": sandbox.gateway_url, "pid": os.getpid()})
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    sandbox.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
