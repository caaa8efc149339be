"""Signed bodies checked against their schema by a real worker process (real Mosquitto, SQLite); clock flags."""
from __future__ import annotations

import copy
import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from backend_clients import PAYMENT, TerminalClient, terminals  # noqa: F401  (fixture)
from sync.backend.service import cloud_stats
from sync.backend.store import EventStore
from sync_helpers import CLI, start_cloud, stop
from terminal.link.events import rfc3339
from test_backend_poison import worker_process

pytestmark = pytest.mark.integration


def payment(**changes: Any) -> dict[str, Any]:
    """The valid sale with some fields replaced."""
    body = copy.deepcopy(PAYMENT)
    body.update(changes)
    return body


def test_bodies_that_break_their_schema_are_rejected_with_the_field_named(
        deployment: Any, broker: Any, terminals: dict[str, TerminalClient], tmp_path: Path) -> None:
    t1, url = terminals["T-0001"], f"sqlite:///{tmp_path / 'cloud' / 'events.db'}"
    bad = {
        "body.total": t1.envelope(body=payment(total=-5000)),
        "body.subtotal": t1.envelope(body=payment(subtotal=10**30)),
        "body.lines[0].amount": t1.envelope(body=payment(lines=[dict(PAYMENT["lines"][0], amount=1e308)])),
        "body.colour": t1.envelope(body=payment(colour="red")),
        "body.payments": t1.envelope(body=payment(payments=[dict(PAYMENT["payments"][0], amount=1000)])),
        "created_at": t1.envelope(created="yesterday"),
        "body.currency": t1.envelope("refund/1", body={"refund_id": "r", "sale_id": "s", "amount": 1,
                                                        "currency": "XXX", "method": "cash", "reason": ""}),
    }
    good = t1.envelope()
    with worker_process(deployment, url):
        t1.publish(*bad.values(), good)
        acks = t1.wait_acks([e["id"] for e in [*bad.values(), good]])
    assert acks[good["id"]].status == "stored"
    for field, event in bad.items():
        ack = acks[event["id"]]
        assert ack.status == "rejected" and f"'{field}'" in ack.reason, (field, ack)
    assert EventStore(url).event_ids() == [good["id"]]
    assert cloud_stats(url)["terminals"]["T-0001"]["rejected"] == len(bad)


def test_a_time_outside_the_clock_window_is_stored_with_a_flag(
        deployment: Any, broker: Any, terminals: dict[str, TerminalClient], tmp_path: Path) -> None:
    t1, url = terminals["T-0001"], f"sqlite:///{tmp_path / 'cloud' / 'events.db'}"
    ahead, behind = t1.envelope(created="2999-01-01T00:00:00Z"), t1.envelope(created="2001-01-01T00:00:00Z")
    now = t1.envelope()
    with worker_process(deployment, url):
        t1.publish(ahead, behind, now)
        acks = t1.wait_acks([ahead["id"], behind["id"], now["id"]])
    assert {a.status for a in acks.values()} == {"stored"}
    store = EventStore(url)
    with store.engine.connect() as conn:
        flags = dict(conn.exec_driver_sql("SELECT id, flags FROM events").all())
    assert flags == {ahead["id"]: '["clock_ahead"]', behind["id"]: '["clock_behind"]', now["id"]: None}
    stats = cloud_stats(url)
    assert stats["terminals"]["T-0001"]["clock_flagged"] == 2 and stats["totals"]["clock_flagged"] == 2
    store.close()


def test_the_clock_window_is_set_on_the_command_line(
        deployment: Any, broker: Any, terminals: dict[str, TerminalClient], tmp_path: Path) -> None:
    t1, db, log = terminals["T-0001"], tmp_path / "cloud" / "events.db", tmp_path / "cloud.log"
    two_hours_ago = rfc3339(datetime.now(UTC) - timedelta(hours=2))
    cloud = start_cloud(deployment, db, log, "run", "--clock-window-hours", "1")
    try:
        event = t1.envelope(created=two_hours_ago)                     # within the default 7 days, not within 1 h
        assert t1.send_until_acked([event], 60)[event["id"]].status == "stored"
    finally:
        stop(cloud)
    store = EventStore(f"sqlite:///{db}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT flags FROM events").scalar() == '["clock_behind"]'
    store.close()
    refused = subprocess.run(CLI + ["--data-dir", str(tmp_path), "cloud", "--deploy", str(deployment.directory),
                                    "run", "--clock-window-hours", "0"], capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "--clock-window-hours" in refused.stderr + refused.stdout
    assert json.loads(subprocess.run(CLI + ["--data-dir", str(tmp_path), "cloud", "--deploy",
                                            str(deployment.directory), "--db", f"sqlite:///{db}", "stats"],
                                     capture_output=True, text=True, timeout=60, check=True).stdout
                      )["totals"]["clock_flagged"] == 1
