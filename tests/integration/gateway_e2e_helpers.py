"""Real processes for the gateway's end-to-end tests: the two sandboxes, `edgepos cloud` with gateway.toml, an
observer of every reply the terminals get, and the secrets the scan looks for."""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from sync.broker_files import BACKEND_USER
from sync.mqtt import make_client
from sync.provision import Deployment

ROOT = Path(__file__).resolve().parents[2]
OBSERVER = f"{BACKEND_USER}-8"          # an ingest worker's user the test deployment lets read terminal replies
CLI = [sys.executable, "-m", "terminal.app.cli"]


def env() -> dict[str, str]:
    """The environment for our subprocesses (this worktree first on the path)."""
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def let_observer_read_replies(dep: Deployment) -> None:
    """Test deployment only: user OBSERVER may also read every terminal's rpc replies and notifications."""
    acl = dep.directory / "acl"
    acl.write_text(acl.read_text().replace(f"user {OBSERVER}\n", f"user {OBSERVER}\ntopic read edgepos/v1/+/rpc/#\n"))


class Observer:
    """Every message published on a terminal's rpc reply topics, as the broker delivered it."""

    def __init__(self, dep: Deployment) -> None:
        settings = dep.backend_settings()
        self.payloads: list[bytes] = []
        self.ready = threading.Event()
        self.client = make_client(settings.__class__(settings.host, settings.port, OBSERVER, settings.password,
                                                     settings.ca_file), OBSERVER)
        self.client.on_connect = lambda c, *_: c.subscribe("edgepos/v1/+/rpc/+/reply", qos=1)
        self.client.on_subscribe = lambda *_: self.ready.set()
        self.client.on_message = lambda _c, _u, m: self.payloads.append(bytes(m.payload))
        self.client.connect(settings.host, settings.port)
        self.client.loop_start()
        assert self.ready.wait(10)

    def close(self) -> None:
        """Disconnect."""
        self.client.loop_stop()
        self.client.disconnect()


class Process:
    """A started subprocess whose stdout lines are kept."""

    def __init__(self, args: list[str], log: Path | None = None) -> None:
        self.args = args
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log.open("ab") if log else None,
                                     text=True, env=env(), cwd=ROOT)
        self.lines: list[str] = []
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        self.first: dict[str, Any] = json.loads(line) if line.startswith("{") else {"line": line}
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    def cmdline(self) -> bytes:
        """What /proc shows as this process's argument list."""
        return Path(f"/proc/{self.proc.pid}/cmdline").read_bytes()

    def stop(self) -> None:
        """SIGTERM, then wait (kill after 10 s)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def alipay_sandbox(out: Path, *args: str) -> Process:
    """`edgepos sim alipay` on a free port."""
    sandbox = Process([*CLI, "sim", "alipay", "--port", "0", "--out", str(out), *args])
    assert sandbox.first.get("ready"), sandbox.first
    return sandbox


def wechat_sandbox(out: Path, *args: str) -> Process:
    """`edgepos sim wechatpay` on a free port."""
    sandbox = Process([*CLI, "sim", "wechatpay", "--port", "0", "--out", str(out), *args])
    assert sandbox.first.get("ready"), sandbox.first
    return sandbox


def new_code(scheme: str) -> str:
    """A fresh customer payment code of the wallet."""
    return ("28" if scheme == "alipay" else "13") + "".join(secrets.choice("0123456789") for _ in range(16))


def pem_body_lines(path: Path) -> list[str]:
    """The base64 lines of a PEM file (any of them found elsewhere means the key leaked)."""
    return [line for line in path.read_text().splitlines() if line and not line.startswith("-----")]


def scan(blob: bytes, needles: dict[str, str]) -> list[str]:
    """The names of the needles found in blob."""
    return [name for name, text in needles.items() if text.encode() in blob]
