"""Remote config on the terminal: check a pushed document whole, then store and apply it, or say why not."""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from terminal.config.remote import RemoteSettings, parse_remote_config, settings_to_json
from terminal.errors import ConfigError
from terminal.store.sync_store import SyncStore

log = logging.getLogger(__name__)


class ConfigReceiver:
    """Collects pushes from the network thread; `apply_pending` runs them on the link's thread."""

    def __init__(self, store: SyncStore, currency: str,
                 on_config: Callable[[RemoteSettings], None] | None = None) -> None:
        self.store, self.currency, self.on_config = store, currency, on_config
        self._pending: list[bytes] = []

    def received(self, payload: bytes | bytearray) -> None:
        """A message on the config topic (a retained one comes again at each connect)."""
        self._pending.append(bytes(payload))

    def applied_version(self) -> int | None:
        """The version in force, from the DB."""
        version = self.store.state().get("config_version")
        return int(version) if version else None

    def status_fields(self) -> dict[str, Any]:
        """What the retained status reports about remote config."""
        facts = self.store.state()
        fields: dict[str, Any] = {"config_version": int(facts["config_version"]) if "config_version" in facts
                                  else None}
        if facts.get("config_error"):
            fields["config_error"] = facts["config_error"]
        return fields

    def apply_pending(self) -> bool:
        """Apply or reject what arrived; True if the status changed."""
        pending, self._pending = self._pending, []
        changed = False
        for payload in pending:
            changed |= self._apply(payload)
        return changed

    def _apply(self, payload: bytes) -> bool:
        if not payload:
            return False  # the shop cleared the retained message: keep what is applied
        applied = self.applied_version()
        try:
            if applied is not None and json.loads(payload).get("version") == applied:
                return False  # the retained copy of what is already in force
        except (ValueError, AttributeError):
            pass  # parse_remote_config names the problem
        try:
            settings = parse_remote_config(payload, self.currency, applied)
        except ConfigError as err:
            log.error("remote config refused: %s", err)
            self.store.set_state(config_error=str(err))
            return True
        # Stored in one transaction: a crash leaves either the old or the new settings, never a mix.
        self.store.set_state(config_version=settings.version, remote_config=settings_to_json(settings),
                             config_error=None)
        log.info("remote config version %d applied", settings.version)
        if self.on_config is not None:
            self.on_config(settings)
        return True
