"""The WeChat Pay sandbox as a real subprocess, a tampering TLS proxy in front of it, and a notify receiver."""
from __future__ import annotations

import http.client
import json
import os
import ssl
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sync.certs import write_certificates

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Sandbox:
    """A running `edgepos sim wechatpay` and what it printed."""

    process: subprocess.Popen[str]
    out: Path
    port: int
    lines: list[str] = field(default_factory=list)

    @property
    def credentials(self) -> Path:
        """DIR/wechatpay.json."""
        return self.out / "wechatpay.json"

    def config(self) -> dict[str, str]:
        """The merchant's credentials as the sandbox wrote them."""
        return dict(json.loads(self.credentials.read_text()))

    def action(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST a customer action (/_sandbox/scan, /_sandbox/bill) over HTTPS."""
        context = ssl.create_default_context(cafile=self.config()["ca_file"])
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=context, timeout=5)
        try:
            conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
            return dict(json.loads(conn.getresponse().read()))
        finally:
            conn.close()

    def stop(self) -> None:
        """SIGTERM, then wait."""
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_sandbox(out: Path, *args: str) -> Sandbox:
    """Start the sandbox on a free port (--port 0) and wait for its ready line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "terminal.app.cli", "sim", "wechatpay", "--port", "0",
                                "--out", str(out), *args], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert process.stdout is not None
    ready = json.loads(process.stdout.readline() or "{}")
    assert ready.get("ready") is True, ready
    sandbox = Sandbox(process, out, int(ready["port"]))

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            sandbox.lines.append(line)

    threading.Thread(target=pump, daemon=True).start()
    return sandbox


class TamperingProxy(ThreadingHTTPServer):
    """A TLS-terminating proxy with its own CA: forwards requests to the sandbox, rewrites the responses."""

    daemon_threads = True

    def __init__(self, directory: Path, upstream_port: int, upstream_ca: str,
                 tamper: Callable[[bytes], bytes]) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        directory.mkdir(parents=True, exist_ok=True)
        paths = write_certificates(directory, ["127.0.0.1"])
        self.ca_file = paths.ca_cert
        server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_context.load_cert_chain(paths.server_cert, paths.server_key)
        self.socket = server_context.wrap_socket(self.socket, server_side=True)
        self.upstream_port, self.tamper = upstream_port, tamper
        self.upstream_context = ssl.create_default_context(cafile=upstream_ca)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """The proxy's base URL."""
        return f"https://127.0.0.1:{self.server_address[1]}/"

    def stop(self) -> None:
        """Stop serving."""
        self.shutdown()
        self.server_close()


class _ProxyHandler(BaseHTTPRequestHandler):
    server: TamperingProxy

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the stdlib's parameter name)
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        conn = http.client.HTTPSConnection("127.0.0.1", self.server.upstream_port,
                                           context=self.server.upstream_context, timeout=10)
        try:
            conn.request("POST", self.path, body, {"Content-Type": self.headers.get("Content-Type", "text/xml")})
            response = conn.getresponse()
            answer = self.server.tamper(response.read())
        finally:
            conn.close()
        self.send_response(response.status)
        self.send_header("Content-Type", response.getheader("Content-Type", "text/xml"))
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


class NotifyReceiver(ThreadingHTTPServer):
    """The merchant's notify_url: hands each body to `answer` (which returns body and content type)."""

    daemon_threads = True

    def __init__(self, answer: Callable[[bytes], tuple[bytes, str]]) -> None:
        super().__init__(("127.0.0.1", 0), _NotifyHandler)
        self.answer = answer
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """The notify_url to give unifiedorder."""
        return f"http://127.0.0.1:{self.server_address[1]}/wechat/notify"

    def stop(self) -> None:
        """Stop serving."""
        self.shutdown()
        self.server_close()


class _NotifyHandler(BaseHTTPRequestHandler):
    server: NotifyReceiver

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the stdlib's parameter name)
        pass

    def do_POST(self) -> None:
        body, content_type = self.server.answer(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
