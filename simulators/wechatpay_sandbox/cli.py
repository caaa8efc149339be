"""`edgepos sim wechatpay`: a WeChat Pay API v2 sandbox over HTTPS, with the acquirer simulator's fault scripts.

It writes what a merchant is given into --out: wechatpay.json {appid, mch_id, api_key, cert, key, api_base_url,
ca_file}, the client certificate and key (apiclient_cert.pem, apiclient_key.pem) and the sandbox's CA, all 0600.
wechatpy works against it unchanged with API_BASE_URL set to api_base_url and ca_file trusted.
Paths: /pay/micropay /pay/orderquery /secapi/pay/reverse /secapi/pay/refund /pay/unifiedorder (NATIVE)
/pay/closeorder /pay/downloadbill. Customer actions: POST /_sandbox/scan {"out_trade_no"} pays a NATIVE order;
POST /_sandbox/bill {"drop": [OTN], "amount": {OTN: "12.00"}} makes the bill differ.
Prints {"ready": true, "port": P} once listening, then one JSON line per request.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path

from simulators.wechatpay_sandbox.book import Book
from simulators.wechatpay_sandbox.book import __doc__ as SCRIPTS
from simulators.wechatpay_sandbox.credentials import write_credentials, write_merchant
from simulators.wechatpay_sandbox.server import SandboxServer


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="edgepos sim wechatpay", description=f"{__doc__}\n{SCRIPTS}",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0, help="the HTTPS port (0: any free port, printed)")
    parser.add_argument("--out", type=Path, required=True, help="where wechatpay.json and the PEM files go")
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    parser.add_argument("--script", default="approve", help="the default script")
    parser.add_argument("--by-amount", action="append", default=[], help="YUAN=SCRIPT, e.g. 13.00=decline:NOTENOUGH")
    parser.add_argument("--ledger", type=Path, default=None, help="write every trade's state to this JSON file")
    parser.add_argument("--bill-drop", action="append", default=[], help="leave this out_trade_no out of bills")
    parser.add_argument("--bill-amount", action="append", default=[], help="OTN=YUAN: the bill shows this amount")
    parser.add_argument("--hold", type=float, default=60.0, help="seconds a silent script holds a request")
    parser.add_argument("--notify-backoff", type=float, default=0.5, help="first notification retry delay (s)")
    return parser


def _ledger_writer(server: SandboxServer, path: Path) -> None:
    lock = threading.Lock()

    def write() -> None:
        with lock:
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(json.dumps(server.book.ledger(), indent=1), encoding="utf-8")
            os.replace(tmp, path)

    server.write_ledger_hook = write  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    """Run the sandbox until SIGTERM/Ctrl-C."""
    args = _parser().parse_args(argv)
    hosts = [args.host] if args.host not in ("0.0.0.0", "::", "") else []
    merchant = write_merchant(args.out, hosts)
    book = Book(args.script, dict(item.split("=", 1) for item in args.by_amount))
    book.bill_drop.update(args.bill_drop)
    book.bill_amount.update(dict(item.split("=", 1) for item in args.bill_amount))
    server = SandboxServer((args.host, args.port), merchant, book, args.hold, args.notify_backoff)
    port = int(server.server_address[1])
    url_host = hosts[0] if hosts else "127.0.0.1"
    url_host = f"[{url_host}]" if ":" in url_host else url_host
    write_credentials(args.out, merchant, f"https://{url_host}:{port}/")
    if args.ledger is not None:
        _ledger_writer(server, args.ledger)
        server.write_ledger_hook()
    server.notifier.start()
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    print(json.dumps({"ready": True, "port": port}), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.stopping.set()
        server.notifier.stop()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
