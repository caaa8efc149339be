"""The technician's side of `edgepos cloud`: where files go, what init prints, starting the broker, checking pushes."""
from __future__ import annotations

import json
import os
import shlex
import socket
from pathlib import Path
from typing import Any

from sync.broker_process import ALL_ADDRESSES, is_local_address, mosquitto_or_advice, not_local_advice
from sync.deployment import Deployment
from terminal.config.remote import parse_remote_config
from terminal.errors import ConfigError
from terminal.sales.money import EXPONENTS

LEGACY = "cloud"   # before, the cloud's files went to DATA_DIR/cloud/: `--data-dir cloud` gave cloud/cloud/deploy
# Without --currency, amounts are checked against a currency with the most decimals, so none valid is refused.
LOOSE_CURRENCY = max(EXPONENTS, key=lambda code: EXPONENTS[code])


def cloud_paths(data_dir: Path, deploy: Path | None, db: str | None) -> tuple[Path, str]:
    """The deployment directory and store URL: DATA_DIR/deploy and DATA_DIR/events.db unless given.

    A deployment made by an older release under DATA_DIR/cloud/ is still found there.
    """
    home = data_dir
    if not (data_dir / "deploy").exists() and (data_dir / LEGACY / "deploy").exists():
        home = data_dir / LEGACY
    url = db or f"sqlite:///{(home / 'events.db').resolve()}"
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return deploy or home / "deploy", url


def command_prefix(data_dir: Path, deploy: Path | None) -> str:
    """`edgepos --data-dir DIR cloud [--deploy D]` as the technician typed it, to print ready-to-run commands."""
    words = ["edgepos", "--data-dir", str(data_dir), "cloud"] + (["--deploy", str(deploy)] if deploy else [])
    return shlex.join(words)


def init_report(dep: Deployment, prefix: str) -> list[str]:
    """What `cloud init` prints: where things went, how the broker listens, the next commands, per terminal."""
    lines = [f"edgepos cloud: deployment written to {dep.directory}",
             "  keep this directory private and out of version control: ca.key, passwd and deployment.json are "
             "the deployment's secrets"]
    if dep.bind == ALL_ADDRESSES and dep.host != ALL_ADDRESSES:
        lines.append(f"  {dep.host} is not an address of this machine: the broker listens on every address "
                     f"({ALL_ADDRESSES}) and terminals connect to {dep.host}; if they cannot reach this machine "
                     "by that name, run init again with the right --host (and --force)")
    else:
        lines.append(f"  the broker listens on {dep.bind}:{dep.port}; terminals connect to {dep.url}")
    lines += [f"  broker:   {prefix} broker          (or: mosquitto -c {shlex.quote(str(dep.conf_path))})",
              f"  backend:  {prefix} run --workers 2",
              f"  acquirer: edgepos sim acquirer --deploy {shlex.quote(str(dep.directory))}   (a simulator)"]
    for tid in dep.terminals:
        tdir = dep.directory / "terminals" / tid
        lines.append(f"  terminal {tid}: copy {tdir / 'terminal.key'} to its DATA_DIR/keys/ and paste "
                     f"{tdir / 'broker.toml'} into its config")
    return lines


def exec_broker(dep: Deployment) -> None:
    """Replace this process with Mosquitto on the deployment's config, after checking it can start here."""
    try:
        exe = mosquitto_or_advice()
    except RuntimeError as err:
        raise ConfigError(str(err)) from None
    bind = dep.bind or dep.host
    if bind not in (ALL_ADDRESSES, "::") and not is_local_address(bind):
        raise ConfigError(not_local_advice(bind, dep.conf_path))
    try:
        with socket.create_connection(("127.0.0.1" if bind in (ALL_ADDRESSES, "::") else bind, dep.port), 0.5):
            raise ConfigError(f"something already listens on port {dep.port}: is the broker running already? "
                              "Stop it first, or make the deployment with another --port")
    except OSError:
        pass   # nothing answers: the port is ours
    os.execv(exe, [exe, "-c", str(dep.conf_path)])


def read_settings_file(path: Path) -> dict[str, Any]:
    """The settings document of a TOML or JSON file (a table/object), or a ConfigError naming the file."""
    import tomllib
    try:
        text = path.read_text(encoding="utf-8")
        data: Any = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (OSError, ValueError) as err:
        raise ConfigError(f"{path}: cannot read settings: {err}") from err
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: settings must be a table/object")
    return data


def check_settings(path: Path, document: dict[str, Any], currency: str | None) -> None:
    """Refuse, before publishing, a document the terminal would refuse (the terminal's own check)."""
    if currency is not None and currency.upper() not in EXPONENTS:
        raise ConfigError(f"--currency {currency}: not a known currency; use one of {', '.join(sorted(EXPONENTS))}")
    code = (currency or LOOSE_CURRENCY).upper()
    try:
        parse_remote_config(json.dumps(document).encode("utf-8"), code, None)
    except ConfigError as err:
        reason = str(err) if currency else str(err).replace(f" in {code}", "")
        example = "" if "version" not in reason else (" Start the file with `version = N`, N a whole number "
                                                      "above the version the terminal has applied.")
        raise ConfigError(f"{path}: not pushed: {reason}.{example}") from None
