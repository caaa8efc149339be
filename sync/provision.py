"""Setting up a deployment: CA and broker certificates, broker users, ACL and config, per-terminal credentials."""
from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sync.broker_files import (ACQUIRER_USER, BACKEND_USER, FORWARDER_USER, acl_text, backend_users,
                               find_mosquitto_passwd, mosquitto_conf_text, write_passwd)
from sync.certs import write_certificates
from sync.mqtt import BrokerSettings
from sync.schema import TERMINAL_ID
from terminal.errors import ConfigError

DEPLOYMENT_FILE = "deployment.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class TerminalCredentials:
    """What one terminal needs: its broker password and its HMAC signing secret."""

    password: str = field(repr=False)
    secret: bytes = field(repr=False)


@dataclass(frozen=True)
class Deployment:
    """A provisioned deployment directory: broker address, CA, backend and terminal credentials."""

    directory: Path
    host: str
    port: int
    ca_file: Path
    backend_username: str
    backend_password: str = field(repr=False)
    terminals: dict[str, TerminalCredentials] = field(hash=False)

    @property
    def conf_path(self) -> Path:
        """The mosquitto.conf to start the broker with."""
        return self.directory / "mosquitto.conf"

    @property
    def url(self) -> str:
        """The broker URL terminals are given (`mqtts://host:port`)."""
        return f"mqtts://{f'[{self.host}]' if ':' in self.host else self.host}:{self.port}"

    def backend_settings(self) -> BrokerSettings:
        """Broker settings for the cloud backend's user."""
        return BrokerSettings(self.host, self.port, self.backend_username, self.backend_password, str(self.ca_file))

    def acquirer_settings(self) -> BrokerSettings:
        """Broker settings for the acquirer gateway (or its simulator): answers the terminals' rpc requests."""
        return BrokerSettings(self.host, self.port, ACQUIRER_USER, self.backend_password, str(self.ca_file))

    def forwarder_settings(self) -> BrokerSettings:
        """Broker settings for the backend's forwarder of offline payments."""
        return BrokerSettings(self.host, self.port, FORWARDER_USER, self.backend_password, str(self.ca_file))

    def terminal_settings(self, tid: str) -> BrokerSettings:
        """Broker settings for one terminal (its username is its id)."""
        return BrokerSettings(self.host, self.port, tid, self._terminal(tid).password, str(self.ca_file))

    def secrets(self) -> dict[str, bytes]:
        """Every terminal's HMAC secret by terminal id (what the backend verifies MACs with)."""
        return {tid: creds.secret for tid, creds in self.terminals.items()}

    def install_terminal(self, tid: str, data_dir: Path) -> None:
        """Write the terminal's secret to `data_dir/keys/terminal.key` (0600, keys dir 0700), where it loads it."""
        keys = data_dir / "keys"
        keys.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(keys, 0o700)
        _write_private(keys / "terminal.key", self._terminal(tid).secret.hex())

    def _terminal(self, tid: str) -> TerminalCredentials:
        try:
            return self.terminals[tid]
        except KeyError:
            raise ConfigError(f"terminal {tid!r} is not in the deployment at {self.directory}; "
                              f"known: {', '.join(sorted(self.terminals)) or 'none'}") from None


def _write_private(path: Path, text: str) -> None:
    """Write a file readable by its owner only, replacing it atomically (never briefly world-readable)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


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


def init_deployment(directory: Path, terminals: Sequence[str], host: str = "127.0.0.1", port: int = 8883,
                    extra_hosts: Sequence[str] = (), *, force: bool = False) -> Deployment:
    """Create a deployment directory (0700) with certificates, broker files and credentials for each terminal."""
    tids = _check_terminals(terminals)
    hosts = [host, *([extra_hosts] if isinstance(extra_hosts, str) else extra_hosts)]
    for name in hosts:
        if not isinstance(name, str) or not name or any(c.isspace() or c in "/[]" for c in name):
            raise ConfigError(f"broker host {name!r} must be a host name or IP address")
    if not 1 <= port <= 65535:
        raise ConfigError(f"broker port {port} must be between 1 and 65535")
    directory = Path(directory).resolve()
    if directory.exists() and not directory.is_dir():
        raise ConfigError(f"{directory} exists and is not a directory")
    if directory.exists() and any(directory.iterdir()) and not force:
        raise ConfigError(f"{directory} already holds a deployment: making a new one would invalidate the keys and "
                          "passwords of every installed terminal; choose another directory or pass force=True")
    find_mosquitto_passwd()  # fail before writing anything
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(directory, 0o700)

    certs = write_certificates(directory, hosts)
    backend_password = secrets.token_urlsafe(24)
    creds = {tid: TerminalCredentials(secrets.token_urlsafe(24), bytes.fromhex(secrets.token_hex(32)))
             for tid in tids}
    write_passwd(directory / "passwd", {**{u: backend_password for u in backend_users()},
                                        **{t: c.password for t, c in creds.items()}})
    (directory / "acl").write_text(acl_text(BACKEND_USER))
    run_as = pwd.getpwuid(os.geteuid()).pw_name
    (directory / "mosquitto.conf").write_text(mosquitto_conf_text(directory, host, port, run_as))
    for name in ("acl", "mosquitto.conf"):
        os.chmod(directory / name, 0o600)

    deployment = Deployment(directory, host, port, certs.ca_cert, BACKEND_USER, backend_password, creds)
    terminals_dir = directory / "terminals"
    if terminals_dir.exists():
        shutil.rmtree(terminals_dir)  # only with force: the old terminals' files are void now
    terminals_dir.mkdir(mode=0o700)
    for tid, cred in creds.items():
        tdir = terminals_dir / tid
        tdir.mkdir(mode=0o700)
        _write_private(tdir / "terminal.key", cred.secret.hex() + "\n")
        _write_private(tdir / "broker.toml", "\n".join([
            f"# Broker settings of terminal {tid}: paste into its edgepos config file.",
            "[broker]", f"url = {_toml_str(deployment.url)}", f"username = {_toml_str(tid)}",
            f"password = {_toml_str(cred.password)}", f"ca_file = {_toml_str(str(certs.ca_cert))}", ""]))
    document = {"format": FORMAT_VERSION, "host": host, "port": port, "ca_file": str(certs.ca_cert),
                "backend": {"username": BACKEND_USER, "password": backend_password},
                "terminals": {tid: {"password": c.password, "secret": c.secret.hex()} for tid, c in creds.items()}}
    _write_private(directory / DEPLOYMENT_FILE, json.dumps(document, indent=2) + "\n")  # last: marks it complete
    return deployment


def load_deployment(directory: Path) -> Deployment:
    """Read a deployment made by init_deployment; a ConfigError names the file if it is missing or corrupt."""
    directory = Path(directory).resolve()
    path = directory / DEPLOYMENT_FILE
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path} not found: create it first with `edgepos cloud init --terminal ID`") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ConfigError(f"{path} cannot be read: {err}") from err
    try:
        terminals = {str(tid): TerminalCredentials(str(c["password"]), bytes.fromhex(c["secret"]))
                     for tid, c in data["terminals"].items()}
        port = data["port"]
        if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
            raise ValueError(f"bad port {port!r}")
        return Deployment(directory, str(data["host"]), port, Path(data["ca_file"]),
                          str(data["backend"]["username"]), str(data["backend"]["password"]), terminals)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ConfigError(f"{path} is corrupt ({type(err).__name__}: {err}); restore it or provision again") from err
