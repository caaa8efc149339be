"""`edgepos sync ...` and `edgepos cloud ...`: argument parsing and handlers (paho loads only when run)."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from sync.backend.clock_window import HELP as CLOCK_WINDOW_HELP
from sync.backend.clock_window import clock_window_hours
from terminal.errors import ConfigError, EdgeposError


def add_sync_parser(sub: Any) -> None:
    """The `sync` subcommands of the terminal."""
    sync = sub.add_parser("sync", help="the outbox link to the cloud: status, or run it in the foreground")
    actions = sync.add_subparsers(dest="sync_command", metavar="ACTION", required=True)
    status = actions.add_parser("status", help="link state, pending events and their age, last ack")
    status.add_argument("--json", action="store_true", help="print one JSON object")
    run = actions.add_parser("run", help="drain the outbox to the broker, printing progress, until stopped "
                                         "(the kiosk does this itself)")
    run.add_argument("--until-empty", action="store_true",
                     help="exit once the outbox is empty (0), or non-zero with the reason when it cannot be drained")
    run.add_argument("--timeout", type=float, default=60.0,
                     help="with --until-empty: give up after this many seconds without progress (default 60)")
    retry = actions.add_parser("retry-rejected", help="put events set aside for a fixed cause (key, terminal id) "
                                                      "back in the outbox, re-signed, and send them")
    retry.add_argument("--old-key", type=Path, action="append", default=[],
                       help="a key file the events may have been signed with (besides keys/retired/); repeatable")
    retry.add_argument("--timeout", type=float, default=60.0,
                       help="give up sending after this many seconds without progress (default 60)")


def add_cloud_parser(sub: Any) -> None:
    """The `cloud` subcommands: the reference backend and its deployment."""
    cloud = sub.add_parser("cloud", help="the reference cloud backend: init, run, stats, push-config, web, "
                                         "gateway, reconcile")
    cloud.add_argument("--deploy", type=Path, default=None,
                       help="deployment directory (default DATA_DIR/deploy)")
    cloud.add_argument("--db", default=None, help="SQLAlchemy URL (default sqlite:///DATA_DIR/events.db)")
    actions = cloud.add_subparsers(dest="cloud_command", metavar="ACTION")
    init = actions.add_parser("init", help="make certificates, passwords, ACL and mosquitto.conf for terminals")
    init.add_argument("--terminal", action="append", required=True, help="a terminal id (repeat for each)")
    init.add_argument("--host", default="127.0.0.1",
                      help="the name or address terminals connect to (in their URL and the certificate)")
    init.add_argument("--bind", default=None,
                      help="the local address the broker listens on (default: --host if it is an address of "
                           "this machine, else 0.0.0.0 = every address)")
    init.add_argument("--port", type=int, default=8883, help="the broker's TLS port")
    init.add_argument("--extra-host", action="append", default=[], help="another name in the server certificate")
    init.add_argument("--force", action="store_true", help="replace an existing deployment (new passwords)")
    run = actions.add_parser("run", help="ingest events (the default action)")
    for parser in (cloud, run):
        parser.add_argument("--workers", type=int, default=1, help="consumers in the shared subscription group")
        parser.add_argument("--die-after-commit", type=int, default=None, help=argparse.SUPPRESS)
        parser.add_argument("--clock-window-hours", dest="clock_window", type=clock_window_hours, default=None,
                            help=CLOCK_WINDOW_HELP)
    actions.add_parser("stats", help="events stored per terminal and schema")
    push = actions.add_parser("push-config", help="publish retained settings to a terminal")
    push.add_argument("terminal", help="terminal id")
    push.add_argument("file", type=Path, help="a TOML or JSON file of settings (with `version`, a whole number)")
    push.add_argument("--currency", default=None,
                      help="the terminal's currency (e.g. CNY, JPY): amounts are checked for its decimals")
    actions.add_parser("broker", help="run Mosquitto with the deployment's config")
    web = actions.add_parser("web", help="serve the e-receipt pages (/r/SALE?k=TOKEN) from the event store")
    web.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    web.add_argument("--port", type=int, default=8080, help="the HTTP port")
    from sync.gateway.commands import add_gateway_parsers
    add_gateway_parsers(actions)


def cmd_sync(args: argparse.Namespace, data_dir: Path, load: Any) -> int:
    """Print the link status, run the link (until stopped, or drained), or put fixable rejected events back."""
    from sync.sync_cli import print_status, retry_rejected_command, run_link
    if args.sync_command == "status":
        return print_status(data_dir, None if args.json else _load_quietly(load), args.json)
    if args.sync_command == "retry-rejected":
        return retry_rejected_command(data_dir, load(), args.old_key, args.timeout)
    return run_link(data_dir, load(), args.until_empty, args.timeout)


def _load_quietly(load: Any) -> Any:
    """The config for naming fixes in `sync status`; the status still prints when the config is broken."""
    try:
        return load()
    except EdgeposError:
        return None


def cmd_cloud(args: argparse.Namespace, data_dir: Path) -> int:
    """The backend's actions; without one, run the ingest workers."""
    from sync.cloud_setup import (
        check_settings,
        cloud_paths,
        command_prefix,
        exec_broker,
        init_report,
        read_settings_file,
    )
    from sync.provision import init_deployment, load_deployment
    deploy, db = cloud_paths(data_dir, args.deploy, args.db)
    action = args.cloud_command or "run"
    if action == "init":
        dep = init_deployment(deploy, args.terminal, host=args.host, port=args.port, extra_hosts=args.extra_host,
                              force=args.force, bind=args.bind)
        print("\n".join(init_report(dep, command_prefix(data_dir, args.deploy))))
        return 0
    dep = load_deployment(deploy)
    if action == "broker":
        exec_broker(dep)
    if action == "stats":
        from sync.backend.service import cloud_stats
        print(json.dumps(cloud_stats(db), ensure_ascii=False, indent=2))
        return 0
    if action == "push-config":
        from sync.backend.service import push_config
        if args.terminal not in dep.terminals:
            raise ConfigError(f"terminal {args.terminal!r} is not in the deployment {deploy}")
        document = read_settings_file(args.file)
        check_settings(args.file, document, args.currency)
        push_config(dep.backend_settings(), args.terminal, document)
        print(f"edgepos cloud: settings from {args.file} pushed to {args.terminal} (retained)")
        return 0
    if action == "web":
        from sync.backend.ereceipt import make_server, serve_until_stopped
        if not 0 <= args.port <= 65535:
            raise ConfigError(f"--port {args.port} must be between 0 and 65535")
        server = make_server(db, dep.secrets(), args.host, args.port)
        logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s")
        print(f"e-receipts on {server.url}/r/...", flush=True)
        return serve_until_stopped(server)
    from sync.gateway import commands as gateway_commands
    if action == "gateway":
        return gateway_commands.run_gateway(dep, db, args.gateway_config)
    if action == "reconcile":
        return gateway_commands.run_reconcile(args, dep, db)
    from sync.backend.service import run_cloud
    if args.workers < 1:
        raise ConfigError("--workers must be at least 1")
    gateway_toml = gateway_commands.config_path(dep, None)
    gateway = gateway_commands.start_gateway(dep, db, gateway_toml) if gateway_toml.exists() else None
    print(f"edgepos cloud: {args.workers} worker(s) ingesting from {dep.host}:{dep.port} into {db}"
          + (" with the payment gateway" if gateway is not None else ""), flush=True)
    try:
        return run_cloud(dep.backend_settings(), db, dep.secrets(), workers=args.workers,
                         die_after_commit=args.die_after_commit, forwarder=dep.forwarder_settings(),
                         clock_window=args.clock_window)
    finally:
        if gateway is not None:
            gateway.stop()
