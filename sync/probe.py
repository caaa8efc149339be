"""The doctor's broker check: connect with the terminal's own credentials and wait for the CONNACK."""
from __future__ import annotations

import threading
from typing import Any

from sync.mqtt import BrokerSettings, make_client, reason_text
from terminal.technician.doctor import Check


def check_broker(settings: BrokerSettings, client_id: str, timeout: float = 5.0) -> Check:
    """OK when the broker accepts this terminal's login."""
    where = f"{settings.host}:{settings.port}{' (TLS)' if settings.tls else ''}"
    client = make_client(settings, client_id)
    answer: dict[str, str] = {}
    done = threading.Event()

    def on_connect(_c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        answer["reason"] = "" if not reason.is_failure else reason_text(reason)
        done.set()

    client.on_connect = on_connect
    try:
        client.connect(settings.host, settings.port, keepalive=10)
        client.loop_start()
        done.wait(timeout)
    except (OSError, ValueError) as err:
        return Check("broker", False, f"{where}: {err}", "check the network and [broker] url; is the broker up?")
    finally:
        client.loop_stop()
        client.disconnect()
    if not done.is_set():
        return Check("broker", False, f"{where}: no answer in {timeout:.0f} s", "check the network and firewall")
    if answer["reason"]:
        return Check("broker", False, f"{where}: {answer['reason']}",
                     "check [broker] username/password (from `edgepos cloud init`) and ca_file")
    return Check("broker", True, f"{where}: logged in as {settings.username}")
