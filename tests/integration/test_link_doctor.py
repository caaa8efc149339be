"""The doctor and `sync` commands against a real Mosquitto, backend and link: a running link is never kicked off,
a wrong terminal id or key is named with its fix, and set-aside events come back with `sync retry-rejected`."""
from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sync.provision import Deployment
from sync_helpers import (
    CLI,
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


def edgepos(data_dir: Path, *args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    """Run the edgepos CLI for this terminal; stdout and stderr together in .stdout."""
    return subprocess.run([*CLI, "--data-dir", str(data_dir), *args], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=timeout)


def line(output: str, pattern: str) -> str:
    """The first line of the output matching pattern (fails with the whole output otherwise)."""
    found = [text for text in output.splitlines() if re.search(pattern, text)]
    assert found, f"no line matching {pattern!r} in:\n{output}"
    return found[0]


def set_terminal_id(data_dir: Path, tid: str) -> None:
    """Change `[terminal] id` in the config, as a technician editing the file would."""
    config = data_dir / "edgepos.toml"
    text = re.sub(r'(\[terminal\][^\[]*?\nid = )"[^"]*"', rf'\1"{tid}"', config.read_text(encoding="utf-8"), count=1)
    config.write_text(text, encoding="utf-8")


def test_doctor_reads_the_running_links_state_instead_of_logging_in(deployment: Deployment, broker: Any,
                                                                     tmp_path: Path) -> None:
    data_dir = terminal_dir(deployment, tmp_path)
    term = open_terminal(data_dir)
    cloud_db, logs = tmp_path / "cloud" / "events.db", (tmp_path / "link.log", tmp_path / "cloud.log")
    cloud = start_cloud(deployment, cloud_db, logs[1])
    link = start_link(data_dir, logs[0])
    try:
        wait_for("the link to come online", lambda: sync_status(data_dir)["link"] == "online", logs=logs)
        since = sync_status(data_dir)["since"]
        report = edgepos(data_dir, "doctor")
        assert re.search(rf"OK\s+broker\s.*link \(pid {link.pid}\) online since", report.stdout), report.stdout
        ids = take_sales(term, 2)                           # the link still drains, on its first connection
        wait_for("the new sales to be acked", lambda: not outbox_ids(data_dir), logs=logs)
        assert set(ids) and sync_status(data_dir)["since"] == since
        assert "sync link offline" not in logs[0].read_text(), "the doctor kicked the running link off"

        os.kill(link.pid, signal.SIGKILL)                        # its last state says online, but nobody runs it
        link.wait(10)
        report = edgepos(data_dir, "doctor")
        assert re.search(r"OK\s+broker\s.*logged in as T-0001", report.stdout), report.stdout
    finally:
        stop(link)
        stop(cloud)


def test_a_terminal_id_that_is_not_its_broker_user(deployment: Deployment, broker: Any, tmp_path: Path) -> None:
    data_dir = terminal_dir(deployment, tmp_path)                # T-0001's broker user and key...
    set_terminal_id(data_dir, "T-0002")                          # ...but the id of another terminal
    take_sales(open_terminal(data_dir), 2)
    wanted = outbox_ids(data_dir)
    cloud_db, logs = tmp_path / "cloud" / "events.db", (tmp_path / "cloud.log",)
    cloud = start_cloud(deployment, cloud_db, logs[0])
    try:
        report = edgepos(data_dir, "doctor")
        assert report.returncode == 1
        failed = line(report.stdout, r"FAIL\s+terminal id\s")
        assert "T-0002" in failed and "T-0001" in failed, report.stdout
        assert 'id = "T-0001"' in report.stdout.splitlines()[report.stdout.splitlines().index(failed) + 1]

        run = edgepos(data_dir, "sync", "run", "--until-empty", "--timeout", "20")
        assert run.returncode != 0, run.stdout
        assert "Not authorized" in run.stdout and 'id = "T-0001"' in run.stdout, run.stdout
        status = edgepos(data_dir, "sync", "status")
        assert "Not authorized" in line(status.stdout, r"^detail") and 'id = "T-0001"' in status.stdout, status.stdout

        set_terminal_id(data_dir, "T-0001")                      # the fix: the events still say T-0002
        run = edgepos(data_dir, "sync", "run", "--until-empty", "--timeout", "20")
        assert run.returncode != 0 and "rejected" in run.stdout, run.stdout
        assert "edgepos sync retry-rejected" in run.stdout, run.stdout
        assert sync_status(data_dir)["rejected"] == len(wanted)

        retry = edgepos(data_dir, "sync", "retry-rejected", "--timeout", "20")
        assert retry.returncode == 0, retry.stdout
        for event_id in wanted:
            assert "T-0002 -> T-0001" in line(retry.stdout, event_id), retry.stdout
        assert wanted <= set(stored_ids(cloud_db, "T-0001")), retry.stdout
        status_after = sync_status(data_dir)
        assert status_after["rejected"] == 0 and status_after["pending"] == 0
    finally:
        stop(cloud)


def test_a_terminal_key_that_is_not_the_backends(deployment: Deployment, broker: Any, tmp_path: Path) -> None:
    data_dir = terminal_dir(deployment, tmp_path)
    (data_dir / "keys" / "terminal.key").unlink()                # first start makes a key of its own
    take_sales(open_terminal(data_dir), 2)
    wanted = outbox_ids(data_dir)
    cloud_db, logs = tmp_path / "cloud" / "events.db", (tmp_path / "cloud.log",)
    cloud = start_cloud(deployment, cloud_db, logs[0])
    try:
        run = edgepos(data_dir, "sync", "run", "--until-empty", "--timeout", "20")
        assert run.returncode != 0, run.stdout
        assert "bad mac" in run.stdout and "terminal.key" in run.stdout, run.stdout
        assert re.search(r"sent \d+, acked \d+, rejected 3, pending 0", run.stdout), run.stdout

        report = edgepos(data_dir, "doctor")
        failed = line(report.stdout, r"FAIL\s+rejected\s")
        assert "3" in failed and "bad mac" in failed, report.stdout
        assert "terminal.key" in report.stdout and "edgepos sync retry-rejected" in report.stdout

        deployment.install_terminal("T-0001", data_dir)          # the key from the deployment, as the fix says
        retry = edgepos(data_dir, "sync", "retry-rejected", "--timeout", "20")
        assert retry.returncode == 0, retry.stdout
        for event_id in wanted:
            assert "re-signed" in line(retry.stdout, event_id), retry.stdout
        assert wanted <= set(stored_ids(cloud_db, "T-0001")), retry.stdout
        assert sync_status(data_dir)["rejected"] == 0
    finally:
        stop(cloud)


def test_sync_run_until_empty_prints_progress_and_exits(deployment: Deployment, broker: Any, tmp_path: Path) -> None:
    data_dir = terminal_dir(deployment, tmp_path)
    take_sales(open_terminal(data_dir), 5)
    cloud_db, logs = tmp_path / "cloud" / "events.db", (tmp_path / "cloud.log",)
    cloud = start_cloud(deployment, cloud_db, logs[0])
    try:
        run = edgepos(data_dir, "sync", "run", "--until-empty", "--timeout", "20")
        assert run.returncode == 0, run.stdout
        assert re.search(r"sent 6, acked 6, rejected 0, pending 0", run.stdout), run.stdout
        assert "drained" in run.stdout.splitlines()[-1]
    finally:
        stop(cloud)
    broker.stop()
    take_sales(open_terminal(data_dir), 1)
    run = edgepos(data_dir, "sync", "run", "--until-empty", "--timeout", "3")
    assert run.returncode != 0 and "1 event still pending" in run.stdout and "cannot reach" in run.stdout, run.stdout
