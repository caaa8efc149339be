"""A provisioned deployment as a value: broker address, CA, backend and terminal credentials, private files."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sync.broker_files import ACQUIRER_USER, FORWARDER_USER
from sync.mqtt import BrokerSettings
from sync.schema import SHARED_GROUP
from terminal.errors import ConfigError


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
    bind: str = ""                 # the address Mosquitto listens on ("" = host); terminals use `host`
    shared_group: str = field(default=SHARED_GROUP, repr=False)   # the backend's secret share name

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
        return BrokerSettings(self.host, self.port, self.backend_username, self.backend_password, str(self.ca_file),
                              self.shared_group)

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
        write_private(keys / "terminal.key", self._terminal(tid).secret.hex())

    def _terminal(self, tid: str) -> TerminalCredentials:
        try:
            return self.terminals[tid]
        except KeyError:
            raise ConfigError(f"terminal {tid!r} is not in the deployment at {self.directory}; "
                              f"known: {', '.join(sorted(self.terminals)) or 'none'}") from None


def write_private(path: Path, text: str | bytes) -> None:
    """Write a file readable by its owner only, replacing it atomically (never briefly world-readable)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
