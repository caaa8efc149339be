"""Fixtures for tests against a real Mosquitto: a provisioned deployment and a broker started from it."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from sync.provision import Deployment, init_deployment

try:
    from tests.support.broker import MosquittoBroker, find_mosquitto, free_port
except ModuleNotFoundError:  # `pytest` rather than `python -m pytest`: only tests/ itself is on sys.path
    from support.broker import MosquittoBroker, find_mosquitto, free_port  # type: ignore[no-redef, import-not-found, unused-ignore]

TERMINALS = ["T-0001", "T-0002"]


def _require_mosquitto() -> None:
    if find_mosquitto() is None:
        pytest.skip("mosquitto is not installed (apt-get install mosquitto): the broker tests need a real broker")


@pytest.fixture
def deployment(tmp_path: Path) -> Deployment:
    """A fresh deployment (CA, broker users, ACL, conf) for T-0001 and T-0002 on a free loopback port."""
    _require_mosquitto()
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
