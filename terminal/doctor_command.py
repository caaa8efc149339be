"""Runs every doctor check for a terminal's config and prints the table (or JSON)."""
from __future__ import annotations

import json
from pathlib import Path

from terminal.config import Config
from terminal.doctor import Check, check_clock, check_database, check_disk, check_outbox, format_table


def run_doctor(config: Config, data_dir: Path, as_json: bool = False) -> int:
    """Check clock, disk, DB, outbox, printer, scanner, camera and broker; exit status 1 on any failure."""
    from drivers.probes import check_camera, check_printer, check_scanner
    from sync.mqtt import BrokerSettings
    from sync.probe import check_broker
    from terminal.bootstrap import build_terminal
    from terminal.errors import ConfigError

    terminal = build_terminal(config, data_dir)
    checks: list[Check] = [check_clock(), check_disk(data_dir), check_database(terminal.db),
                           check_outbox(terminal.db, terminal.offline_caps().max_age_hours),
                           check_printer(terminal.printer, config.devices), check_scanner(config.devices),
                           check_camera(config.devices)]
    broker = config.broker
    try:
        settings = BrokerSettings.from_url(broker.url, broker.username, broker.password, broker.ca_file)
        checks.append(check_broker(settings, config.terminal_id))
    except ConfigError as err:
        checks.append(Check("broker", False, str(err), f"fix [broker] in {config.path}"))
    close = getattr(terminal.printer, "close", None)
    if callable(close):
        close()
    if as_json:
        print(json.dumps([c.__dict__ for c in checks], ensure_ascii=False))
    else:
        print(format_table(checks))
    return 0 if all(c.ok for c in checks) else 1
