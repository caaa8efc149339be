"""Runs every doctor check for a terminal's config and prints the table (or JSON)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from terminal.config.settings import Config
from terminal.store.sync_store import SyncStore
from terminal.technician.doctor import Check, check_clock, check_database, check_disk, check_outbox, format_table
from terminal.technician.doctor_link import check_rejected, check_terminal_id, running_link_check

if TYPE_CHECKING:
    from terminal.app.bootstrap import Terminal


def collect_checks(config: Config, data_dir: Path, terminal: Terminal | None = None,
                   link_online_since: str | None = None) -> list[Check]:
    """Clock, disk, DB, outbox, printer, scanner, camera, terminal id, broker and rejected events, in that order.

    With a running `terminal` (the kiosk) its database and printer are checked as they are. The broker line
    is the running link's own record when a link is alive (`link_online_since` from the kiosk, or a fresh
    heartbeat in the DB): logging in again would take the connection over from it. Only without a live link
    does the doctor log in itself.
    """
    from drivers.probes import check_camera, check_printer, check_scanner
    from sync.mqtt import BrokerSettings
    from sync.probe import check_broker
    from terminal.app.bootstrap import build_terminal
    from terminal.app.devices import open_camera
    from terminal.errors import ConfigError

    own = terminal is None
    term = build_terminal(config, data_dir) if terminal is None else terminal
    checks: list[Check] = [check_clock(), check_disk(data_dir), check_database(term.db),
                           check_outbox(term.db, term.offline_caps().max_age_hours),
                           check_printer(term.printer, config.devices), check_scanner(config.devices),
                           check_camera(config.devices, lambda: open_camera(config.devices))]
    broker = config.broker
    store = SyncStore(term.db)
    checks.append(check_terminal_id(config.terminal_id, broker.username, str(config.path)))
    running = running_link_check(store.status(), config.terminal_id, broker.username, str(config.path))
    if link_online_since is not None:
        checks.append(Check("broker", True, f"the kiosk's link is online since {link_online_since[:19]}"))
    elif running is not None:
        checks.append(running)
    else:
        try:
            settings = BrokerSettings.from_url(broker.url, broker.username, broker.password, broker.ca_file)
            checks.append(check_broker(settings, config.terminal_id))
        except ConfigError as err:
            checks.append(Check("broker", False, str(err), f"fix [broker] in {config.path}"))
    checks.append(check_rejected(store, config.terminal_id, str(data_dir / "keys" / "terminal.key")))
    close = getattr(term.printer, "close", None)
    if own and callable(close):
        close()
    return checks


def run_doctor(config: Config, data_dir: Path, as_json: bool = False) -> int:
    """Check devices, services and the sync link (see collect_checks); exit status 1 on any failure."""
    checks = collect_checks(config, data_dir)
    if as_json:
        print(json.dumps([c.__dict__ for c in checks], ensure_ascii=False))
    else:
        print(format_table(checks))
    return 0 if all(c.ok for c in checks) else 1
