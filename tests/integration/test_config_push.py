"""Remote config end to end: `edgepos cloud push-config` -> broker -> link -> applied, or refused with the reason."""
from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from sync.backend.service import push_config
from sync.mqtt import make_client
from sync.schema import config_topic, status_topic
from sync_helpers import CLI, open_terminal, start_link, stop, sync_status, take_sales, terminal_dir, wait_for

pytestmark = pytest.mark.integration


def push(deployment: Any, tmp_path: Path, name: str, text: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return subprocess.run(CLI + ["--data-dir", str(tmp_path / "cloud"), "cloud", "--deploy", str(deployment.directory),
                                 "push-config", "T-0001", str(path)], capture_output=True, text=True, timeout=60)


def retained_status(deployment: Any) -> dict[str, Any]:
    """What the backend sees on the terminal's retained status topic."""
    client = make_client(deployment.backend_settings(), "status-reader")
    got: dict[str, Any] = {}
    done = threading.Event()

    def on_message(_c: Any, _u: Any, message: Any) -> None:
        got.update(json.loads(message.payload))
        done.set()

    client.on_message = on_message
    client.on_connect = lambda c, *_: c.subscribe(status_topic("T-0001"), qos=1)
    client.connect(deployment.host, deployment.port)
    client.loop_start()
    done.wait(10)
    client.loop_stop()
    client.disconnect()
    return got


def test_push_applies_and_a_bad_push_changes_nothing(deployment: Any, broker: Any, tmp_path: Path) -> None:
    data_dir = terminal_dir(deployment, tmp_path)
    take_sales(open_terminal(data_dir), 1)
    logs = (tmp_path / "link.log", data_dir / "logs" / "edgepos.log")
    link = start_link(data_dir, logs[0])
    try:
        wait_for("the link online", lambda: sync_status(data_dir)["link"] == "online", logs=logs)
        good = push(deployment, tmp_path, "shop.toml", 'version = 7\ncatalog_version = "2026-11"\n'
                    '[offline]\nper_payment_cap = "300.00"\n[receipt]\nheader = "Khai trương 开业大吉"\n')
        assert good.returncode == 0, good.stderr
        wait_for("version 7 applied", lambda: sync_status(data_dir)["config_version"] == 7, logs=logs)
        # `cloud push-config` now checks a file before publishing; another tool may still publish a bad one.
        push_config(deployment.backend_settings(), "T-0001", {"version": 8, "offline": {"per_payment_cap": "lots"}})
        status = wait_for("the refusal", lambda: (s := sync_status(data_dir))["config_error"] and s, logs=logs)
        assert "offline.per_payment_cap" in status["config_error"] and status["config_version"] == 7
        seen = wait_for("the retained status to report it",
                        lambda: (r := retained_status(deployment)).get("config_error") and r, logs=logs)
        assert seen["state"] == "online" and seen["config_version"] == 7
    finally:
        stop(link)
    term = open_terminal(data_dir)   # a restart keeps version 7 in force, not a mix with version 8
    assert term.remote is not None and term.remote.version == 7
    assert term.offline_caps().per_payment_cap == term.till.money("300.00")
    assert term.offline_caps().total_cap == term.config.offline.total_cap
    term.till.add_item("DRK-001")
    receipt = term.till.pay_cash(term.till.money("2.00")).receipt.as_text()
    assert "Khai trương 开业大吉" in receipt


def test_push_to_an_unknown_terminal_is_refused(deployment: Any, broker: Any, tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text("version = 1\n")
    out = subprocess.run(CLI + ["--data-dir", str(tmp_path), "cloud", "--deploy", str(deployment.directory),
                                "push-config", "T-9999", str(path)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "T-9999" in out.stderr


def retained_config(deployment: Any) -> bytes | None:
    """The retained settings of T-0001 as T-0001 reads them, or None: a later plain message is the barrier."""
    client = make_client(deployment.terminal_settings("T-0001"), "T-0001")
    first: list[bytes] = []
    done, subscribed = threading.Event(), threading.Event()

    def on_message(_c: Any, _u: Any, message: Any) -> None:
        first.append(bytes(message.payload))
        done.set()

    client.on_message = on_message
    client.on_subscribe = lambda *_: subscribed.set()
    client.on_connect = lambda c, *_: c.subscribe(config_topic("T-0001"), qos=1)
    client.connect(deployment.host, deployment.port)
    client.loop_start()
    try:
        assert subscribed.wait(10)
        backend = make_client(deployment.backend_settings(), "barrier")
        backend.connect(deployment.host, deployment.port)
        backend.loop_start()
        try:
            backend.publish(config_topic("T-0001"), b"barrier", qos=1).wait_for_publish(10)
        finally:
            backend.loop_stop()
            backend.disconnect()
        assert done.wait(10)
    finally:
        client.loop_stop()
        client.disconnect()
    return None if first[0] == b"barrier" else first[0]


@pytest.mark.parametrize(("text", "named"), [
    ('catalog_version = "2026-11"\n[offline]\nper_payment_cap = "300.00"\n', "version"),
    ('version = 0\n', "version"),
    ('version = 3\n[offline]\nper_paymnet_cap = "300.00"\n', "offline.per_paymnet_cap"),
    ('version = 3\n[offline]\nper_payment_cap = "lots"\n', "offline.per_payment_cap"),
])
def test_push_config_refuses_what_the_terminal_would_refuse_and_publishes_nothing(
        deployment: Any, broker: Any, tmp_path: Path, text: str, named: str) -> None:
    out = push(deployment, tmp_path, "shop.toml", text)
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    assert named in out.stderr and "not pushed" in out.stderr
    assert retained_config(deployment) is None


def test_push_config_checks_amounts_for_the_terminals_currency(deployment: Any, broker: Any, tmp_path: Path) -> None:
    path = tmp_path / "jpy.toml"
    path.write_text('version = 2\n[offline]\nper_payment_cap = "300.50"\n')
    base = CLI + ["--data-dir", str(tmp_path / "cloud"), "cloud", "--deploy", str(deployment.directory), "push-config"]
    out = subprocess.run(base + ["--currency", "JPY", "T-0001", str(path)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "JPY" in out.stderr and "offline.per_payment_cap" in out.stderr
    assert retained_config(deployment) is None
    out = subprocess.run(base + ["T-0001", str(path)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(retained_config(deployment) or b"{}")["version"] == 2
