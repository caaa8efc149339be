"""The Alipay sandbox as a real process (`edgepos sim alipay`), a merchant's notify endpoint, and a proxy
that alters answers in transit: for the Alipay sandbox and AlipayProvider tests.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class SandboxProcess:
    """A running `edgepos sim alipay`: its credentials file, base URL and the JSON lines it printed."""

    proc: subprocess.Popen[str]
    out: Path
    port: int
    lines: list[dict[str, Any]] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)

    @property
    def credentials(self) -> Path:
        return self.out / "alipay.json"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST JSON to a /_sandbox/ action; (status, JSON answer)."""
        request = urllib.request.Request(self.base_url + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"{}")

    def ledger(self, path: Path) -> dict[str, Any]:
        return dict(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else {}

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start_sandbox(out: Path, *args: str) -> SandboxProcess:
    """`python -m terminal.app.cli sim alipay --port 0 --out OUT ARGS...`, once it printed its ready line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "terminal.app.cli", "sim", "alipay", "--port", "0",
                             "--out", str(out), *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=env, cwd=ROOT)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    try:
        ready = json.loads(first)
    except ValueError:
        proc.kill()
        raise AssertionError(f"the sandbox did not start: {first}{proc.stdout.read()}") from None
    sandbox = SandboxProcess(proc, out, int(ready["port"]), [ready], [first])

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            sandbox.raw.append(line)
            try:
                sandbox.lines.append(json.loads(line))
            except ValueError:
                pass
    threading.Thread(target=pump, daemon=True).start()
    return sandbox


class NotifyReceiver:
    """A merchant's notify_url: records each POST; answers `failure` to the first one for each out_trade_no in
    `refuse_once` (Alipay must send it again), `success` otherwise."""

    def __init__(self, refuse_once: frozenset[str] = frozenset()) -> None:
        self.posts: list[bytes] = []
        self.refuse_once = set(refuse_once)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.posts.append(body)
                otn = dict(parse_qsl(body.decode("utf-8", "replace"))).get("out_trade_no", "")
                answer = b"failure" if otn in receiver.refuse_once else b"success"
                receiver.refuse_once.discard(otn)
                self.send_response(200)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/alipay/notify"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait_for(self, match: Callable[[bytes], bool], count: int = 1, timeout: float = 5.0) -> list[bytes]:
        """The posts matching `match`, once there are `count` of them."""
        deadline = time.monotonic() + timeout
        while True:
            found = [p for p in list(self.posts) if match(p)]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class TamperProxy:
    """An HTTP proxy in front of the sandbox that changes `old` to `new` in every answer body (after signing)."""

    def __init__(self, upstream: str, old: bytes, new: bytes) -> None:
        target = urlsplit(upstream)
        proxy = self
        self.tampered = 0

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:
                self._forward(b"")

            def do_POST(self) -> None:
                self._forward(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def _forward(self, body: bytes) -> None:
                conn = HTTPConnection(target.hostname or "127.0.0.1", target.port or 80, timeout=10)
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "content-length")}
                conn.request(self.command, self.path, body=body or None, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                if old in data:
                    data, proxy.tampered = data.replace(old, new), proxy.tampered + 1
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.getheader("Content-Type") or "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/gateway.do"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
