"""Issue 11 point 10: a technician setting up a deployment by the README's commands, as real subprocesses.

`cloud init` with a --host that is not an address of this machine, a re-run, `--data-dir cloud`, the printed
hints, `cloud broker` without /usr/sbin on PATH, `sim acquirer --deploy` given the cloud data dir, .gitignore.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sync.broker_process import find_mosquitto, free_port
from sync.provision import load_deployment

try:
    from tests.support.cli import edgepos_command
except ModuleNotFoundError:  # `pytest` rather than `python -m pytest`: only tests/ itself is on sys.path
    from support.cli import edgepos_command  # type: ignore[no-redef, import-not-found, unused-ignore]

try:
    from tests.support.deploy import stop
except ModuleNotFoundError:  # `pytest` rather than `python -m pytest`: only tests/ itself is on sys.path
    from support.deploy import stop  # type: ignore[no-redef, import-not-found, unused-ignore]

ROOT = Path(__file__).resolve().parents[2]
NOT_HERE = "192.0.2.10"   # TEST-NET-1: documentation only, never an address of this machine
pytestmark = pytest.mark.skipif(find_mosquitto() is None,
                                reason="mosquitto is not installed (apt-get install mosquitto)")


def no_sbin_env() -> dict[str, str]:
    """A non-root user's PATH: the venv and /usr/bin, /bin, but no sbin directory."""
    return dict(os.environ, PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin", PYTHONIOENCODING="utf-8")


def edgepos(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run edgepos to completion in cwd."""
    return subprocess.run(edgepos_command(*args), cwd=cwd, capture_output=True, text=True, timeout=120,
                          env=no_sbin_env())


def listening(port: int) -> bool:
    """True once something accepts TCP connections on 127.0.0.1:port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def run_until(proc: subprocess.Popen[str], ready: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    """Wait for ready() while proc runs; fail with its output if it exits or times out."""
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            out, err = proc.communicate(timeout=10)
            pytest.fail(f"{what}: exit {proc.returncode}\n{out}\n{err}")
        time.sleep(0.05)


def test_init_with_a_remote_host_listens_on_every_address_and_cloud_broker_starts(tmp_path: Path) -> None:
    port = str(free_port())
    refused = edgepos("--data-dir", "cloud", "cloud", "init", "--terminal", "T-0001", "--host", NOT_HERE,
                      "--bind", NOT_HERE, "--port", port, cwd=tmp_path)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert NOT_HERE in refused.stderr and "0.0.0.0" in refused.stderr and "--bind" in refused.stderr

    made = edgepos("--data-dir", "cloud", "cloud", "init", "--terminal", "T-0001", "--host", NOT_HERE,
                   "--port", port, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert not (tmp_path / "cloud" / "cloud").exists()
    deploy = tmp_path / "cloud" / "deploy"
    assert load_deployment(deploy).host == NOT_HERE
    assert f"listener {port} 0.0.0.0" in (deploy / "mosquitto.conf").read_text()
    assert f"{NOT_HERE} is not an address of this machine" in made.stdout
    assert "edgepos --data-dir cloud cloud broker" in made.stdout
    assert f'url = "mqtts://{NOT_HERE}:{port}"' in (deploy / "terminals" / "T-0001" / "broker.toml").read_text()

    again = edgepos("--data-dir", "cloud", "cloud", "init", "--terminal", "T-0001", "--host", NOT_HERE,
                    "--port", port, cwd=tmp_path)
    assert again.returncode == 1 and "--force" in again.stderr and "force=True" not in again.stderr

    broker = subprocess.Popen(edgepos_command("--data-dir", "cloud", "cloud", "broker"), cwd=tmp_path, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=no_sbin_env())
    try:
        run_until(broker, lambda: listening(int(port)), "cloud broker (mosquitto is in /usr/sbin, not on PATH)")
    finally:
        stop(broker)


def test_a_local_deployment_from_the_readme_commands_serves_the_acquirer(tmp_path: Path) -> None:
    port = free_port()
    made = edgepos("--data-dir", "cloud", "cloud", "init", "--terminal", "T-0001", "--port", str(port), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert f"listener {port} 127.0.0.1" in (tmp_path / "cloud" / "deploy" / "mosquitto.conf").read_text()
    hints = [line for line in made.stdout.splitlines() if " edgepos " in line]
    assert hints and all("--data-dir cloud" in line or "--deploy" in line for line in hints), made.stdout

    missing = edgepos("sim", "acquirer", "--deploy", "elsewhere", cwd=tmp_path)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert "deployment.json" in missing.stderr and "cloud init" in missing.stderr

    broker = subprocess.Popen(edgepos_command("--data-dir", "cloud", "cloud", "broker"), cwd=tmp_path, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=no_sbin_env())
    acquirer = None
    try:
        run_until(broker, lambda: listening(port), "cloud broker")
        acquirer = subprocess.Popen(edgepos_command("sim", "acquirer", "--deploy", "cloud"), cwd=tmp_path, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=no_sbin_env())
        assert acquirer.stdout is not None
        first = acquirer.stdout.readline()
        assert json.loads(first or "{}") == {"ready": True}, acquirer.stderr.read() if acquirer.stderr else ""
    finally:
        if acquirer is not None:
            stop(acquirer)
        stop(broker)


def test_deployment_secrets_are_ignored_by_git() -> None:
    paths = ["cloud/deploy/ca.key", "cloud/deploy/passwd", "cloud/deploy/deployment.json", "var/keys/terminal.key",
             "cloud/events.db", "shop/deploy/ca.key", "shop/deploy/server.key", "shop/deploy/terminals/T-1/broker.toml"]
    out = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "--no-index", *paths], capture_output=True,
                         text=True, timeout=30)
    assert sorted(out.stdout.split()) == sorted(paths)
