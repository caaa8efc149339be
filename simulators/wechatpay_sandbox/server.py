"""The sandbox over HTTPS: stdlib ThreadingHTTPServer, TLS per connection with the client certificate optional.

Why http.server: the /secapi/ paths need the peer certificate of the very request (ssl's getpeercert() on the
handler's connection), the TLS handshake runs in the connection's own thread (a slow client does not stall
accept), and a silent script simply keeps its thread waiting. An ASGI server hides the peer certificate and
would add a dependency to a simulator.
"""
from __future__ import annotations

import json
import socket
import ssl
import sys
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from simulators.wechatpay_sandbox.api import HANDLERS
from simulators.wechatpay_sandbox.bill import NO_BILL, bill_csv
from simulators.wechatpay_sandbox.book import Book
from simulators.wechatpay_sandbox.credentials import Merchant
from simulators.wechatpay_sandbox.notify import Notifier
from simulators.wechatpay_sandbox.wire import (
    CERT_ERROR,
    SIGN_ERROR,
    Code,
    fail,
    parse_xml,
    signature_ok,
    signed,
    to_xml,
)

MAX_BODY = 1 << 20
HANDSHAKE_TIMEOUT = 10.0


def mask(code: str) -> str:
    """A payment code as logs may show it: the first 4 and last 4 digits."""
    return f"{code[:4]}{'*' * max(len(code) - 8, 0)}{code[-4:]}" if len(code) > 8 else "*" * len(code)


def tls_context(merchant: Merchant) -> ssl.SSLContext:
    """Server TLS: the sandbox's certificate; a client certificate is asked for and checked against the CA."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(merchant.server_cert, merchant.server_key)
    context.load_verify_locations(merchant.ca_file)
    context.verify_mode = ssl.CERT_OPTIONAL
    return context


class SandboxServer(ThreadingHTTPServer):
    """One merchant's WeChat Pay: the book of trades, the notifier, and the TLS context."""

    daemon_threads = True
    request_queue_size = 128    # the listen backlog: 5 by default, too few for a bench of 50 terminals

    def __init__(self, address: tuple[str, int], merchant: Merchant, book: Book, hold_s: float,
                 notify_backoff: float) -> None:
        super().__init__(address, Handler)
        self.merchant, self.book, self.hold_s = merchant, book, hold_s
        self.context = tls_context(merchant)
        self.stopping = threading.Event()
        self.print_lock = threading.Lock()
        self.notifier = Notifier(book, merchant, notify_backoff, self.log, lambda: self.write_ledger_hook())

    def finish_request(self, request: Any, client_address: Any) -> None:
        """The TLS handshake happens here, in the connection's thread."""
        request.settimeout(HANDSHAKE_TIMEOUT)
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)   # headers and body go out as two writes
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return     # a client that does not trust us, or offers a certificate our CA did not issue
        tls.settimeout(None)
        try:
            Handler(tls, client_address, self)
        finally:
            try:
                tls.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            tls.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a timed-out merchant) is no error worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError | ssl.SSLError | TimeoutError):
            super().handle_error(request, client_address)

    def log(self, line: dict[str, Any]) -> None:
        """One JSON line on stdout (never a key, never a full payment code)."""
        with self.print_lock:
            print(json.dumps(line, ensure_ascii=False), flush=True)

    def write_ledger_hook(self) -> None:
        """Replaced by the CLI when --ledger is given."""


class Handler(BaseHTTPRequestHandler):
    """WeChat's paths, and the customer actions under /_sandbox/."""

    server: SandboxServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the stdlib's parameter name)
        """Silence the stdlib's access log: the sandbox prints its own JSON lines."""

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(length, MAX_BODY))

    def do_POST(self) -> None:
        """A WeChat API call, or a sandbox action."""
        path = self.path.split("?", 1)[0]
        body = self._body()
        if path.startswith("/_sandbox/"):
            self._sandbox(path, body)
            return
        reply, line = self._api(path, body)
        self.server.write_ledger_hook()
        self.server.log(line)
        if reply is None:      # silent: hold the request past any client timeout, then drop the connection
            self.server.stopping.wait(self.server.hold_s)
            self.close_connection = True
            return
        content_type = "text/plain; charset=utf-8" if path == "/pay/downloadbill" and not reply.startswith(b"<xml>") \
            else "text/xml; charset=utf-8"
        self._send(200, reply, content_type)

    def _api(self, path: str, body: bytes) -> tuple[bytes | None, dict[str, Any]]:
        m = self.server.merchant
        line: dict[str, Any] = {"method": path.rsplit("/", 1)[-1]}
        try:
            fields = parse_xml(body)
        except ValueError:
            line["answer"] = "XML_FORMAT_ERROR"
            return to_xml(fail("XML格式错误")), line
        line["out_trade_no"] = fields.get("out_trade_no", "")
        if fields.get("auth_code"):
            line["auth_code"] = mask(fields["auth_code"])
        handler = HANDLERS.get(path)
        if handler is None and path != "/pay/downloadbill":
            line["answer"] = "NOT_FOUND"
            return to_xml(fail("请求的接口不存在")), line
        if not signature_ok(fields, m.api_key):
            line["answer"] = "SIGNERROR"
            return to_xml(fail(SIGN_ERROR)), line
        if not 0 < len(fields.get("nonce_str", "")) <= 32:
            line["answer"] = "PARAM_ERROR"
            return to_xml(fail("nonce_str 参数错误")), line
        if fields.get("mch_id") != m.mch_id or fields.get("appid") != m.appid:
            line["answer"] = "APPID_MCHID_NOT_MATCH"
            return to_xml(fail("appid和mch_id不匹配")), line
        if path.startswith("/secapi/") and not self._merchant_cert_ok():
            line["answer"] = "CERT_ERROR"
            return to_xml(fail(CERT_ERROR)), line
        if handler is None:
            return self._bill(fields, line)
        reply = handler(self.server.book, m, fields)
        if reply is None:
            line["answer"] = "held"
            return None, line
        line["answer"] = reply.get("err_code") or reply.get("trade_state") or reply.get("result_code") \
            or reply["return_code"]
        if reply["return_code"] != Code.SUCCESS:
            return to_xml(reply), line
        return to_xml(signed(reply, m.api_key, fields.get("sign_type", "") or "MD5")), line

    def _merchant_cert_ok(self) -> bool:
        """A peer certificate (verified against the sandbox CA in the handshake) issued to this mch_id."""
        peer = self.connection.getpeercert() if isinstance(self.connection, ssl.SSLSocket) else None
        if not peer:
            return False
        names = [str(pair[1]) for rdn in peer.get("subject", ()) for pair in rdn if pair[0] == "commonName"]
        return self.server.merchant.mch_id in names

    def _bill(self, fields: dict[str, str], line: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
        try:
            day = datetime.strptime(fields.get("bill_date", ""), "%Y%m%d").date()
        except ValueError:
            line["answer"] = "PARAM_ERROR"
            return to_xml({**fail("invalid bill_date"), "error_code": "20001"}), line
        text = bill_csv(self.server.book, self.server.merchant, day)
        line["answer"] = "bill" if text else NO_BILL
        if text is None:
            return to_xml({**fail(NO_BILL), "error_code": "20002"}), line
        return text.encode("utf-8"), line

    def _sandbox(self, path: str, body: bytes) -> None:
        """POST /_sandbox/scan {"out_trade_no"}; POST /_sandbox/bill {"drop": [...], "amount": {...}}."""
        try:
            req = json.loads(body or b"{}")
        except ValueError:
            self._send(400, b'{"error": "not JSON"}', "application/json")
            return
        book, answer = self.server.book, dict[str, Any](ok=True)
        if path == "/_sandbox/scan":
            otn = str(req.get("out_trade_no", ""))
            changed = book.scan(otn)
            if changed is not None:
                self.server.notifier.enqueue(changed)
            known = book.trades.get(otn)
            answer = {"ok": known is not None, "trade_state": known.state if known else ""}
        elif path == "/_sandbox/bill":
            with book.lock:
                book.bill_drop.update(str(o) for o in req.get("drop", []))
                book.bill_amount.update({str(k): str(v) for k, v in dict(req.get("amount", {})).items()})
        else:
            self._send(404, b'{"error": "no such sandbox action"}', "application/json")
            return
        self.server.write_ledger_hook()
        self.server.log({"method": path, **{k: v for k, v in answer.items() if k != "ok"}, **req})
        self._send(200, json.dumps(answer).encode(), "application/json")
