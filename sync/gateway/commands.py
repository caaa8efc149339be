"""`edgepos cloud gateway` and `edgepos cloud reconcile`: the gateway alone, and the day's reconciliation."""
from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Any

from sync.deployment import Deployment
from sync.gateway.config import CONFIG_FILE, build_providers, load_gateway_config
from terminal.errors import ConfigError


def add_gateway_parsers(actions: Any) -> None:
    """The gateway's actions under `edgepos cloud`."""
    gateway = actions.add_parser("gateway", help="answer the terminals' wallet requests through Alipay / WeChat Pay")
    gateway.add_argument("--config", dest="gateway_config", metavar="FILE", type=Path, default=None,
                         help=f"default DEPLOY/{CONFIG_FILE}")
    rec = actions.add_parser("reconcile", help="compare each provider's bill for a day with the stored payments")
    rec.add_argument("--date", required=True, type=_day, help="the billing day, YYYY-MM-DD (Beijing time)")
    rec.add_argument("--config", dest="gateway_config", metavar="FILE", type=Path, default=None,
                     help=f"default DEPLOY/{CONFIG_FILE}")
    rec.add_argument("--json", action="store_true", help="print the whole report as JSON")
    rec.add_argument("--csv", metavar="FILE", type=Path, default=None,
                     help="also write every compared line to this CSV file")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--date must look like 2026-12-01, got {text!r}") from None


def config_path(dep: Deployment, given: Path | None) -> Path:
    """The gateway config: --config, else DEPLOY/gateway.toml."""
    return given if given is not None else dep.directory / CONFIG_FILE


def start_gateway(dep: Deployment, store_url: str, path: Path) -> Any:
    """Load the config and credentials (ConfigError on the first problem), then start the gateway."""
    from sync.gateway.service import Gateway
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = load_gateway_config(path)
    gateway = Gateway(dep.acquirer_settings(), store_url, build_providers(config), config)
    gateway.start()
    return gateway


def run_gateway(dep: Deployment, store_url: str, given: Path | None) -> int:
    """Run the gateway alone until SIGTERM/SIGINT."""
    path = config_path(dep, given)
    if not path.exists():
        raise ConfigError(f"no gateway config at {path}: write one (see sync/gateway/config.py) or pass --config")
    gateway = start_gateway(dep, store_url, path)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print(json.dumps({"ready": True, "notify": gateway.notify.where}), flush=True)
    stop.wait()
    gateway.stop()
    return 0


def run_reconcile(args: argparse.Namespace, dep: Deployment, store_url: str) -> int:
    """Print (and write) the day's reconciliation; 0 whatever it found."""
    from sync.backend.store import EventStore
    from sync.gateway.reconcile import csv_text, reconcile, report, sales_window, without_sale
    from sync.gateway.store import GatewayStore
    config = load_gateway_config(config_path(dep, args.gateway_config))
    store, books = GatewayStore(store_url), EventStore(store_url)
    try:
        store.create()
        books.create()
        lines = reconcile(build_providers(config), store, args.date, books.sales_by_trade(*sales_window(args.date)))
    finally:
        store.close()
        books.close()
    document = report(args.date, lines)
    if args.csv is not None:
        args.csv.write_text(csv_text(lines), encoding="utf-8")
    if args.json:
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print(f"reconciliation {document['date']} (UTC+08:00): " + ", ".join(
            f"{count} {name.replace('_', ' ')}" for name, count in document["summary"].items()))
        for line in lines:
            if line.result != "matched":
                print(f"  {line.result}: {line.provider} {line.kind} {line.out_trade_no} {line.refund_no} "
                      f"ours={line.ours or '-'} theirs={line.theirs or '-'}")
        for line in without_sale(lines):
            print(f"  paid without a sale: {line.provider} {line.out_trade_no} {line.ours} (a refund still due, "
                  "or a terminal not synced yet)")
    return 0
