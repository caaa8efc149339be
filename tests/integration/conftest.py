"""Fixtures for tests against a real Mosquitto: a provisioned deployment and a broker started from it."""
from __future__ import annotations

try:
    from tests.support.deploy import TERMINALS, broker, deployment
except ModuleNotFoundError:  # `pytest` rather than `python -m pytest`: only tests/ itself is on sys.path
    from support.deploy import TERMINALS, broker, deployment  # type: ignore[no-redef, import-not-found, unused-ignore]

__all__ = ["TERMINALS", "broker", "deployment"]
