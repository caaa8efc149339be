"""A provisioned deployment and a real Mosquitto for it, and terminal data dirs on it: for integration and UI tests."""
from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sync.broker_process import MosquittoBroker, find_mosquitto, free_port
from sync.provision import Deployment, init_deployment
from terminal.config.settings import default_config_text

TERMINALS = ["T-0001", "T-0002"]


@pytest.fixture
def deployment(tmp_path: Path) -> Deployment:
    """A fresh deployment (CA, broker users, ACL, conf) for T-0001 and T-0002 on a free loopback port."""
    if find_mosquitto() is None:
        pytest.skip("mosquitto is not installed (apt-get install mosquitto): the broker tests need a real broker")
    return init_deployment(tmp_path / "deploy", TERMINALS, port=free_port())


@pytest.fixture
def broker(deployment: Deployment, tmp_path: Path) -> Iterator[MosquittoBroker]:
    """A running Mosquitto for `deployment`, stopped at teardown; its log is tmp_path/mosquitto.log."""
    server = MosquittoBroker(deployment.conf_path, deployment.port, tmp_path / "mosquitto.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def terminal_dir(dep: Deployment, root: Path, tid: str = "T-0001") -> Path:
    """A terminal's data dir: the default config with this deployment's [broker] and the terminal id, its key."""
    data_dir = root / tid
    data_dir.mkdir(parents=True)
    creds = dep.terminals[tid]
    broker = (f'[broker]\nurl = "mqtts://{dep.host}:{dep.port}"\nusername = "{tid}"\n'
              f'password = "{creds.password}"\nca_file = "{dep.ca_file}"\n')
    text = re.sub(r"\[broker\]\n(?:[^\[]*\n)", broker + "\n", default_config_text(), count=1)
    text = text.replace('id = "T-0001"', f'id = "{tid}"', 1)
    (data_dir / "edgepos.toml").write_text(text, encoding="utf-8")
    dep.install_terminal(tid, data_dir)
    return data_dir


def stop(proc: subprocess.Popen[Any]) -> None:
    """Terminate a helper process and reap it (killed when it does not go); close its pipes."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
