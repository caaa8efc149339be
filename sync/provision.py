"""Setting up a deployment: CA and broker certificates, broker users, ACL and config, per-terminal credentials."""
from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sync.broker_files import (
    ACQUIRER_USER,
    BACKEND_USER,
    FORWARDER_USER,
    SHARE_NAME,
    acl_text,
    backend_users,
    find_mosquitto_passwd,
    mosquitto_conf_text,
    write_passwd,
)
from sync.broker_process import ALL_ADDRESSES, is_local_address
from sync.certs import write_certificates
from sync.deployment import Deployment, TerminalCredentials, write_private
from sync.schema import TERMINAL_ID
from terminal.errors import ConfigError

__all__ = [
    "DEPLOYMENT_FILE",
    "Deployment",
    "TerminalCredentials",
    "find_deployment",
    "init_deployment",
    "load_deployment",
]
DEPLOYMENT_FILE = "deployment.json"
FORMAT_VERSION = 1
WILDCARDS = (ALL_ADDRESSES, "::")


def _check_terminals(terminals: Sequence[str]) -> list[str]:
    """The terminal ids, or a ConfigError for a malformed, reserved or repeated one."""
    if isinstance(terminals, str) or not terminals:
        raise ConfigError("give at least one terminal id, e.g. ['T-0001', 'T-0002']")
    seen: list[str] = []
    for tid in terminals:
        if not isinstance(tid, str) or not TERMINAL_ID.fullmatch(tid):
            raise ConfigError(f"terminal id {tid!r} is not valid: use 1 to 64 letters, digits, '.', '_' or '-', "
                              "starting with a letter or digit")
        if tid.startswith(BACKEND_USER) or tid in (ACQUIRER_USER, FORWARDER_USER):
            raise ConfigError(f"terminal id {tid!r} is reserved for the cloud backend's broker user")
        if tid in seen:
            raise ConfigError(f"terminal id {tid!r} is given twice")
        seen.append(tid)
    return seen


def _toml_str(value: str) -> str:
    return json.dumps(value)  # a JSON string with ASCII escapes is a valid TOML basic string


def choose_bind(host: str, bind: str | None) -> str:
    """Where the broker listens: `bind` if given (checked), else `host` when it is local, else every address."""
    if bind is None:
        return host if is_local_address(host) else ALL_ADDRESSES
    if bind not in WILDCARDS and not is_local_address(bind):
        raise ConfigError(f"--bind {bind}: not an address of this machine, so the broker could not listen on it; "
                          f"give one of this machine's addresses, or --bind {ALL_ADDRESSES} to listen on every "
                          f"address (terminals still connect to --host {host})")
    return bind


def init_deployment(directory: Path, terminals: Sequence[str], host: str = "127.0.0.1", port: int = 8883,
                    extra_hosts: Sequence[str] = (), *, force: bool = False, bind: str | None = None) -> Deployment:
    """Create a deployment directory (0700) with certificates, broker files and credentials for each terminal.

    `host` is the name or address terminals connect to (in their URL and the server certificate); the broker
    listens on `bind`, by default `host` when it is an address of this machine and every address otherwise.
    """
    tids = _check_terminals(terminals)
    hosts = [host, *([extra_hosts] if isinstance(extra_hosts, str) else extra_hosts)]
    for name in hosts:
        if not isinstance(name, str) or not name or any(c.isspace() or c in "/[]" for c in name):
            raise ConfigError(f"broker host {name!r} must be a host name or IP address")
    if not 1 <= port <= 65535:
        raise ConfigError(f"broker port {port} must be between 1 and 65535")
    listen = choose_bind(host, bind)
    directory = Path(directory).resolve()
    if directory.exists() and not directory.is_dir():
        raise ConfigError(f"{directory} exists and is not a directory")
    if directory.exists() and any(directory.iterdir()) and not force:
        raise ConfigError(f"{directory} already holds a deployment: making a new one would invalidate the keys and "
                          "passwords of every installed terminal; choose another directory, or re-run `cloud init` "
                          "with --force to replace it")
    find_mosquitto_passwd()  # fail before writing anything
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(directory, 0o700)

    certs = write_certificates(directory, hosts)
    backend_password = secrets.token_urlsafe(24)
    creds = {tid: TerminalCredentials(secrets.token_urlsafe(24), bytes.fromhex(secrets.token_hex(32)))
             for tid in tids}
    write_passwd(directory / "passwd", {**dict.fromkeys(backend_users(), backend_password),
                                        **{t: c.password for t, c in creds.items()}})
    (directory / "acl").write_text(acl_text(BACKEND_USER))
    run_as = pwd.getpwuid(os.geteuid()).pw_name
    (directory / "mosquitto.conf").write_text(mosquitto_conf_text(directory, listen, port, run_as))
    for name in ("acl", "mosquitto.conf"):
        os.chmod(directory / name, 0o600)

    group = secrets.token_urlsafe(24)   # the backend's share name: see broker_files.shared_events_topic
    deployment = Deployment(directory, host, port, certs.ca_cert, BACKEND_USER, backend_password, creds, listen, group)
    terminals_dir = directory / "terminals"
    if terminals_dir.exists():
        shutil.rmtree(terminals_dir)  # only with force: the old terminals' files are void now
    terminals_dir.mkdir(mode=0o700)
    for tid, cred in creds.items():
        tdir = terminals_dir / tid
        tdir.mkdir(mode=0o700)
        write_private(tdir / "terminal.key", cred.secret.hex() + "\n")
        write_private(tdir / "broker.toml", "\n".join([
            f"# Broker settings of terminal {tid}: paste into its edgepos config file.",
            "[broker]", f"url = {_toml_str(deployment.url)}", f"username = {_toml_str(tid)}",
            f"password = {_toml_str(cred.password)}", f"ca_file = {_toml_str(str(certs.ca_cert))}", ""]))
    document = {"format": FORMAT_VERSION, "host": host, "bind": listen, "port": port, "ca_file": str(certs.ca_cert),
                "backend": {"username": BACKEND_USER, "password": backend_password, "shared_group": group},
                "terminals": {tid: {"password": c.password, "secret": c.secret.hex()} for tid, c in creds.items()}}
    write_private(directory / DEPLOYMENT_FILE, json.dumps(document, indent=2) + "\n")  # last: marks it complete
    return deployment


def find_deployment(directory: Path) -> Path:
    """The deployment directory given itself or the cloud data dir above it; a ConfigError naming both otherwise."""
    directory = Path(directory).resolve()
    candidates = [directory, directory / "deploy", directory / "cloud" / "deploy"]
    found = next((c for c in candidates if (c / DEPLOYMENT_FILE).is_file()), None)
    if found is None:
        raise ConfigError(f"no deployment at {directory}: neither {directory / DEPLOYMENT_FILE} nor "
                          f"{directory / 'deploy' / DEPLOYMENT_FILE} exists; pass the directory `cloud init` printed "
                          "(\"deployment written to ...\") or its --data-dir, or create one with "
                          "`edgepos --data-dir DIR cloud init --terminal ID`")
    return found


def load_deployment(directory: Path) -> Deployment:
    """Read a deployment made by init_deployment (given its directory or the cloud data dir above it)."""
    directory = find_deployment(directory)
    path = directory / DEPLOYMENT_FILE
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ConfigError(f"{path} cannot be read: {err}") from err
    try:
        terminals = {str(tid): TerminalCredentials(str(c["password"]), bytes.fromhex(c["secret"]))
                     for tid, c in data["terminals"].items()}
        port = data["port"]
        if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
            raise ValueError(f"bad port {port!r}")
        group = data["backend"].get("shared_group")
        if group is None:   # made before the share name was a secret: give it one, once
            group = data["backend"]["shared_group"] = secrets.token_urlsafe(24)
            write_private(path, json.dumps(data, indent=2) + "\n")
        if not isinstance(group, str) or not SHARE_NAME.fullmatch(group):
            raise ValueError(f"bad backend.shared_group {group!r}")
        return Deployment(directory, str(data["host"]), port, Path(data["ca_file"]),
                          str(data["backend"]["username"]), str(data["backend"]["password"]), terminals,
                          str(data.get("bind", data["host"])), group)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ConfigError(f"{path} is corrupt ({type(err).__name__}: {err}); restore it or provision again") from err
