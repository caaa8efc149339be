"""Pushing retained settings to a terminal's config topic (as the backend's tools user, not a worker)."""
from __future__ import annotations

import json
import threading
from typing import Any

from sync.backend.store_base import BackendError
from sync.mqtt import BrokerSettings, make_client, reason_text
from sync.schema import config_topic

PUBLISH_TIMEOUT_S = 15.0


def push_config(settings: BrokerSettings, terminal: str, document: dict[str, Any]) -> None:
    """Publish the settings as retained JSON on the terminal's config topic; returns once the broker has it."""
    payload = json.dumps(document, ensure_ascii=False).encode("utf-8")
    client = make_client(settings, f"{settings.username}-config")
    done = threading.Event()
    outcome: dict[str, str] = {}

    def on_connect(_c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            outcome["error"] = f"the broker refused {settings.username!r}: {reason_text(reason)}"
            done.set()
        else:
            outcome["mid"] = str(client.publish(config_topic(terminal), payload, qos=1, retain=True).mid)

    def on_publish(_c: Any, _u: Any, mid: int, reason: Any, _p: Any) -> None:
        if str(mid) == outcome.get("mid"):
            if reason.is_failure:
                outcome["error"] = f"the broker refused the settings for {terminal}: {reason_text(reason)}"
            done.set()

    def on_disconnect(_c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        outcome.setdefault("error", f"the broker closed the connection: {reason_text(reason)}")
        done.set()

    client.on_connect, client.on_publish, client.on_disconnect = on_connect, on_publish, on_disconnect
    try:
        client.connect(settings.host, settings.port, 30)
    except (OSError, ValueError) as err:
        raise BackendError(f"cannot reach the broker at {settings.host}:{settings.port}: {err}") from err
    client.loop_start()
    try:
        if not done.wait(PUBLISH_TIMEOUT_S):
            raise BackendError(f"no answer from the broker at {settings.host}:{settings.port} "
                               f"within {PUBLISH_TIMEOUT_S:.0f} s")
    finally:
        client.on_disconnect = None
        client.disconnect()
        client.loop_stop()
    if "error" in outcome:
        raise BackendError(f"settings not pushed to {terminal}: {outcome['error']}")
