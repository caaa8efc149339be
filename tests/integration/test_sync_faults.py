"""Faults a, b, e of the sync issue, and `sync status`, against real Mosquitto, real link and backend processes."""
from __future__ import annotations

import os
import signal
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from sync_helpers import (
    all_event_ids,
    open_terminal,
    outbox_ids,
    start_cloud,
    start_link,
    stop,
    stored_ids,
    sync_status,
    take_sales,
    terminal_dir,
    wait_for,
)

pytestmark = pytest.mark.integration


def exactly_once(cloud_db: Path, wanted: set[str]) -> None:
    stored = Counter(stored_ids(cloud_db))
    assert not [i for i, n in stored.items() if n > 1], "an event was stored twice"
    assert wanted <= set(stored), f"{len(wanted - set(stored))} events never reached the backend"


def test_broker_down_while_500_sales_are_taken(deployment: Any, broker: Any, tmp_path: Path) -> None:
    data_dir = terminal_dir(deployment, tmp_path)
    cloud_db, logs = tmp_path / "cloud" / "events.db", (tmp_path / "link.log", tmp_path / "cloud.log")
    broker.stop()
    link = start_link(data_dir, logs[0])
    cloud = start_cloud(deployment, cloud_db, logs[1])
    try:
        term = open_terminal(data_dir)
        take_sales(term, 500)
        wanted = all_event_ids(data_dir)
        assert len(wanted) == 501  # 500 payments and the shift opening
        status = wait_for("the link to report offline", lambda: (s := sync_status(data_dir))["link"] == "offline"
                          and s, logs=logs)
        assert status["pending"] == 501 and status["oldest_pending_age_s"] >= 0 and status["last_ack_at"] is None
        broker.start()
        wait_for("the outbox to empty", lambda: not outbox_ids(data_dir), 120, logs=logs)
        exactly_once(cloud_db, wanted)
        status = sync_status(data_dir)
        assert status["link"] == "online" and status["pending"] == 0 and status["last_ack_at"]
    finally:
        stop(link)
        stop(cloud)
    assert sync_status(data_dir)["link"] == "stopped"


def test_link_killed_while_draining_then_restarted(deployment: Any, broker: Any, tmp_path: Path) -> None:
    data_dir = terminal_dir(deployment, tmp_path)
    cloud_db, logs = tmp_path / "cloud" / "events.db", (tmp_path / "link.log", tmp_path / "cloud.log")
    term = open_terminal(data_dir)
    take_sales(term, 1500)
    wanted = all_event_ids(data_dir)
    cloud = start_cloud(deployment, cloud_db, logs[1])
    try:
        link = start_link(data_dir, logs[0])
        wait_for("some events acked", lambda: 0 < len(outbox_ids(data_dir)) < len(wanted), logs=logs)
        os.kill(link.pid, signal.SIGKILL)
        link.wait(10)
        assert outbox_ids(data_dir), "drained before the kill: the test proves nothing"
        assert sync_status(data_dir)["link"] == "not running"
        link = start_link(data_dir, logs[0])
        wait_for("the outbox to empty", lambda: not outbox_ids(data_dir), 120, logs=logs)
        stop(link)
        exactly_once(cloud_db, wanted)
        assert len(stored_ids(cloud_db)) == len(wanted)
    finally:
        stop(cloud)


def test_broker_restarts_in_the_middle_of_a_drain(deployment: Any, broker: Any, tmp_path: Path) -> None:
    data_dir = terminal_dir(deployment, tmp_path)
    cloud_db, logs = tmp_path / "cloud" / "events.db", (tmp_path / "link.log", tmp_path / "cloud.log")
    take_sales(open_terminal(data_dir), 1500)
    wanted = all_event_ids(data_dir)
    cloud = start_cloud(deployment, cloud_db, logs[1])
    link = start_link(data_dir, logs[0])
    try:
        wait_for("some events acked", lambda: 0 < len(outbox_ids(data_dir)) < len(wanted), logs=logs)
        broker.restart()
        wait_for("the outbox to empty", lambda: not outbox_ids(data_dir), 120, logs=logs)
        exactly_once(cloud_db, wanted)
        assert len(stored_ids(cloud_db)) == len(wanted)
    finally:
        stop(link)
        stop(cloud)


def test_status_without_any_link(tmp_path: Path, deployment: Any) -> None:
    data_dir = terminal_dir(deployment, tmp_path)
    take_sales(open_terminal(data_dir), 3)
    status = sync_status(data_dir)
    assert status["link"] == "never started" and status["pending"] == 4 and status["rejected"] == 0
