"""The sandbox's HTTP server: /gateway.do (GET query or POST form), the bill file, and /_sandbox/* (the
customer's and the tests' side, not Alipay's API). One thread per request, so a `silent` request can be held.
"""
from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

from cryptography.hazmat.primitives.asymmetric import rsa

from simulators.alipay_sandbox.api import Api
from simulators.alipay_sandbox.bill import BILL_PATH, bill_zip, change_bill
from simulators.alipay_sandbox.codes import Hold
from simulators.alipay_sandbox.gateway import Gateway
from simulators.alipay_sandbox.notify import Notifier
from simulators.alipay_sandbox.orders import CustomerError, Orders
from simulators.alipay_sandbox.trades import Book

CHARSET = re.compile(rb"(?:^|&)charset=([A-Za-z0-9-]+)")
MAX_BODY = 1 << 20


@dataclass(frozen=True)
class SandboxConfig:
    """Who the merchant is, and how the sandbox behaves."""

    app_id: str
    seller_id: str
    app_public: rsa.RSAPublicKey      # the key the merchant uploaded to Alipay
    alipay_key: rsa.RSAPrivateKey     # Alipay's own key (its public half is given to the merchant)
    script: str = "approve"
    by_amount: tuple[tuple[str, str], ...] = ()
    ledger: Path | None = None
    silent_hold_s: float = 30.0
    auto_scan_s: float | None = None


class Sandbox:
    """The running sandbox: state, notifier, API, and the HTTP server bound to host:port (0: any free port)."""

    def __init__(self, config: SandboxConfig, host: str, port: int, say: Callable[[dict[str, Any]], None]) -> None:
        self.config, self.say, self.stop = config, say, threading.Event()
        self.book = Book(config.script, dict(config.by_amount), config.ledger)
        self.notifier = Notifier(config.alipay_key, config.app_id, config.seller_id, say, self.stop)
        self.api = Api(self.book, self.notifier, self.stop, lambda: self.base_url)
        self.orders = Orders(self.api, config.auto_scan_s)
        self.gateway = Gateway(config.app_id, config.app_public, config.alipay_key, self.api, self.orders,
                               lambda: self.base_url, config.seller_id)
        self.httpd = ThreadingHTTPServer((host, port), _handler(self))
        self.port = int(self.httpd.server_address[1])
        self.base_url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{self.port}"
        self._thread: threading.Thread | None = None

    @property
    def gateway_url(self) -> str:
        """The URL a merchant gives the SDK (`_gateway`)."""
        return f"{self.base_url}/gateway.do"

    def start(self) -> Sandbox:
        """Serve from a background thread."""
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="alipay-sandbox", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving; held requests and pending notifications end."""
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def _handler(sandbox: Sandbox) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "Alipay-Sandbox/1.0"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            pass  # one JSON line per request instead (sandbox.say)

        def do_GET(self) -> None:
            self._route(b"")

        def do_POST(self) -> None:
            length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
            self._route(self.rfile.read(length))

        def _route(self, body: bytes) -> None:
            url = urlsplit(self.path)
            if url.path == "/gateway.do":
                self._gateway(url.query.encode("latin-1"), body)
            elif url.path == BILL_PATH and self.command == "GET":
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                data, name = bill_zip(sandbox.book, query.get("bizDates", "")[:8], sandbox.config.seller_id)
                sandbox.say({"download": "bill", "day": query.get("bizDates", "")})
                self._send(200, "application/octet-stream", data,
                           {"Content-Disposition": f"attachment; filename={name}"})
            elif url.path.startswith("/_sandbox/") and self.command == "POST":
                self._customer(url.path.removeprefix("/_sandbox/"), body)
            else:
                self._send(404, "text/plain", b"not found")

        def _gateway(self, query: bytes, body: bytes) -> None:
            found = CHARSET.search(query) or CHARSET.search(body)
            charset = found.group(1).decode("ascii") if found else "utf-8"
            try:
                params = dict(parse_qsl(query.decode("latin-1"), keep_blank_values=True, encoding=charset))
                params.update(parse_qsl(body.decode("latin-1"), keep_blank_values=True, encoding=charset))
            except LookupError:
                params = {"charset": charset}
            reply = sandbox.gateway.handle(params)
            if isinstance(reply, Hold):
                sandbox.say({"method": params.get("method"), "out_trade_no": _otn(params), "held": True})
                sandbox.stop.wait(sandbox.config.silent_hold_s)
                self.close_connection = True
                return   # never answered: the connection closes with no response
            sandbox.say(reply.log)
            self._send(200, reply.content_type, reply.body)

        def _customer(self, action: str, body: bytes) -> None:
            form = "application/x-www-form-urlencoded" in (self.headers.get("Content-Type") or "")
            try:
                data = dict(parse_qsl(body.decode("utf-8"))) if form else json.loads(body or b"{}")
                if action == "scan":
                    answer = sandbox.orders.scan(data)
                elif action == "sign":
                    answer = self._sign(data)
                elif action == "bill":
                    answer = change_bill(sandbox.book, data)
                else:
                    self._send(404, "text/plain", b"no such sandbox action")
                    return
            except (CustomerError, ValueError, TypeError) as err:
                sandbox.say({"sandbox": action, "error": str(err)})
                self._send(409, "application/json", json.dumps({"error": str(err)}).encode("utf-8"))
                return
            sandbox.say({"sandbox": action, **{k: v for k, v in answer.items() if k != "agreement_no"}})
            self._send(200, "application/json", json.dumps(answer, ensure_ascii=False).encode("utf-8"))

        def _sign(self, data: dict[str, Any]) -> dict[str, Any]:
            url = str(data.get("url") or "")
            if url:   # the member opens the sign page, then agrees
                reply = sandbox.gateway.handle(dict(parse_qsl(urlsplit(url).query, keep_blank_values=True)))
                if isinstance(reply, Hold) or reply.log.get("code") != "10000":
                    refused = "" if isinstance(reply, Hold) else reply.log.get("sub_code")
                    raise CustomerError(f"the sign page refused: {refused}")
                biz = json.loads(dict(parse_qsl(urlsplit(url).query)).get("biz_content") or "{}")
                data = {"external_agreement_no": biz.get("external_agreement_no")}
            return sandbox.orders.sign(str(data.get("external_agreement_no") or ""))

        def _send(self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _otn(params: dict[str, str]) -> str:
    try:
        return str(json.loads(params.get("biz_content") or "{}").get("out_trade_no", ""))
    except (ValueError, AttributeError):
        return ""
