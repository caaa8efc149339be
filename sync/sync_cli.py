"""`edgepos sync status | run [--until-empty] | retry-rejected`: the handlers (paho loads only when run)."""
from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

from terminal.errors import EdgeposError
from terminal.link.advice import refusal_fix, rejection_fix
from terminal.store.db import Database
from terminal.store.sync_store import SyncStore


def _open_db(data_dir: Path) -> Database:
    db_path = data_dir / "terminal.db"
    if not db_path.exists():
        raise EdgeposError(f"no terminal database at {db_path}: is --data-dir right?")
    return Database(db_path)


def print_status(data_dir: Path, config: Any, as_json: bool) -> int:
    """The link's recorded state, the queue and the set-aside events, each problem with its fix."""
    store = SyncStore(_open_db(data_dir))
    status = store.status()
    if as_json:
        print(json.dumps(status.as_dict(), ensure_ascii=False))
        return 0
    for key, value in status.as_dict().items():
        print(f"{key.replace('_', ' '):22} {'' if value is None else value}")
    tid, user, path = _identity(config)
    fix = refusal_fix(status.detail, tid, user, path) if status.detail else ""
    if fix:
        print(f"{'':22} fix: {fix}")
    key_path = str(data_dir / "keys" / "terminal.key")
    for reason, count in store.rejected_reasons():
        print(f"{'set aside':22} {count} x {reason}\n{'':22} fix: {rejection_fix(reason, tid, key_path)}")
    return 0


def _identity(config: Any) -> tuple[str, str, str]:
    if config is None:
        return "this terminal", "its broker user", "edgepos.toml"
    return config.terminal_id, config.broker.username, str(config.path)


def run_link(data_dir: Path, config: Any, until_empty: bool, timeout: float) -> int:
    """Run the link in the foreground printing progress; with until_empty stop when drained or stuck."""
    from sync.drain import Advice, Drain
    from terminal.app.bootstrap import build_sync_link, build_terminal
    if timeout <= 0:
        raise EdgeposError(f"--timeout {timeout} must be more than 0 seconds")
    from terminal.app.recovery_run import start_sync_recovery
    terminal = build_terminal(config, data_dir)
    link = build_sync_link(terminal)
    start_sync_recovery(terminal, link)   # open wallet attempts are resolved while the link runs (daemon thread)
    tid, user, path = _identity(config)
    drain = Drain(link, Advice(tid, user, path, str(data_dir / "keys" / "terminal.key")),
                  lambda text: print(text, flush=True))
    signal.signal(signal.SIGTERM, lambda *_: link.stop())
    print(f"edgepos sync: draining {data_dir / 'terminal.db'} to {link.settings.host}:{link.settings.port}"
          + (" until the outbox is empty" if until_empty else ""), flush=True)
    try:
        return drain.watch(until_empty, timeout)
    except KeyboardInterrupt:
        link.stop()
        return 130


def retry_rejected_command(data_dir: Path, config: Any, old_keys: list[Path], timeout: float) -> int:
    """Put fixable set-aside events back (verified, re-signed), say what was done per event, then send them."""
    from sync.retry import RetryAction, retry_rejected
    from terminal.app.bootstrap import load_secret
    from terminal.link.keyring import retired_keys
    db = _open_db(data_dir)
    status = SyncStore(db).status()
    done = retry_rejected(db, config.terminal_id, load_secret(data_dir),
                          retired_keys(data_dir / "keys", old_keys))
    for item in done:
        print(item.line(), flush=True)
    back = sum(1 for item in done if item.action is not RetryAction.KEPT)
    kept = len(done) - back
    print(f"{back} back in the outbox, {kept} kept aside" if done else "no event is set aside", flush=True)
    if not back:
        return 1 if kept else 0
    if status.link.running:
        print(f"the running sync link (pid {status.pid}) sends them", flush=True)
        return 1 if kept else 0
    sent = run_link(data_dir, config, until_empty=True, timeout=timeout)
    return sent or (1 if kept else 0)
