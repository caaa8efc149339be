"""The e-receipt pages: GET /r/{sale_id}?k={token} shows a stored sale, POST requests its e-invoice (stdlib HTTP)."""
from __future__ import annotations

import logging
import re
import signal
import socket
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sync.backend.ereceipt_html import (
    ReceiptView,
    invoice_form_html,
    invoice_status_html,
    message_page,
    page,
    receipt_html,
    receipt_view,
)
from sync.backend.ereceipt_store import InvoiceForm, ReceiptStore, StoredSale, check_invoice_form
from sync.backend.http_limits import DEADLINE_S, MAX_CONNECTIONS, LimitedHandler, LimitedServer
from sync.backend.store import BackendError

log = logging.getLogger(__name__)
ROUTE = re.compile(r"/r/([0-9A-Za-z_-]{1,64})")
MAX_BODY = 8192            # bytes of a POSTed form; more is 413
DRAIN_MAX = 65536          # an oversized body up to this is read and dropped first, so the client sees the 413
HEADERS = {"Content-Type": "text/html; charset=utf-8",
           "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                      "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
           "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
NOT_FOUND = message_page("Receipt not found", "Check the link on your paper receipt.")
ALREADY = "An e-invoice was already requested for this sale."
DIGITS = re.compile(r"[0-9]{1,20}")
_TOKEN = re.compile(r"([?&]k=)[^&\s\"']*")


class ReceiptServer(LimitedServer):
    """A threading HTTP server of the e-receipt pages; `receipts` is the store they read."""

    def __init__(self, host: str, port: int, receipts: ReceiptStore, *, deadline_s: float = DEADLINE_S,
                 max_connections: int = MAX_CONNECTIONS) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.receipts = receipts
        super().__init__((host, port), ReceiptHandler, deadline_s=deadline_s, max_connections=max_connections)

    @property
    def url(self) -> str:
        """Where it listens, e.g. http://127.0.0.1:8080."""
        host, port = str(self.server_address[0]), self.server_address[1]
        return f"http://{f'[{host}]' if ':' in host else host}:{port}"

    def server_close(self) -> None:
        """Stop listening and close the store's connections."""
        super().server_close()
        self.receipts.close()


class ReceiptHandler(LimitedHandler):
    """One request: every answer is a whole HTML page with the security headers; errors never say why."""

    server: ReceiptServer
    _sent = False                 # the response is out: nothing else may be written

    def do_GET(self) -> None:
        """The receipt, with the e-invoice form until a request is stored."""
        self._guarded(self._show)

    def do_HEAD(self) -> None:
        """The GET answer without its body."""
        self._guarded(self._show)

    def do_POST(self) -> None:
        """An e-invoice request from the form."""
        self._guarded(self._request_invoice)

    def _guarded(self, action: Callable[[], None]) -> None:
        self._sent = False
        try:
            action()
        except TimeoutError as err:
            log.info("e-receipt client %s too slow: %s", self.address_string(), err)
            self._fail(408, "The request took too long. Send it again.")
        except ConnectionError as err:
            self.close_connection = True
            log.info("e-receipt client %s went away: %s", self.address_string(), err)
        except BackendError as err:
            log.error("e-receipt page: %s", err)
            self._fail(503, "The receipt service is busy. Try again in a minute.")
        except Exception:
            log.exception("e-receipt page failed")
            self._fail(500, "This receipt cannot be shown right now.")

    def _show(self) -> None:
        sale = self._sale()
        view = self._view(sale)
        if sale is None or view is None:
            self._send(404, NOT_FOUND)
        elif self.server.receipts.invoice_requested(sale.terminal, sale.sale_id):
            self._send(200, self._page(sale, view, status="An e-invoice has been requested for this sale."))
        else:
            self._send(200, self._page(sale, view, form=InvoiceForm()))

    def _request_invoice(self) -> None:
        body = self._read_body()
        if body is None:
            return
        sale = self._sale()
        view = self._view(sale)
        if sale is None or view is None:
            self._send(404, NOT_FOUND)
            return
        receipts = self.server.receipts
        if receipts.invoice_requested(sale.terminal, sale.sale_id):
            self._send(200, self._page(sale, view, status=ALREADY))
            return
        try:
            fields = parse_qs(body.decode("ascii"), keep_blank_values=True, errors="strict", max_num_fields=20)
        except ValueError:            # not ASCII, bad UTF-8 in an escape, too many fields
            self._fail(400, "The form could not be read.")
            return
        form = check_invoice_form(fields)
        if not form.valid:
            self._send(400, self._page(sale, view, form=form))
        elif receipts.request_invoice(sale, form):
            self._send(200, self._page(sale, view, status=f"E-invoice requested: it will be sent to {form.email}."))
        else:
            self._send(200, self._page(sale, view, status=ALREADY))

    def _sale(self) -> StoredSale | None:
        """The sale the URL names, if its `k` is right; None for any other URL (all answered the same 404)."""
        url = urlsplit(self.path)
        route = ROUTE.fullmatch(url.path)
        try:
            token = parse_qs(url.query, keep_blank_values=True, max_num_fields=10).get("k", [])
        except ValueError:
            return None
        if route is None or len(token) != 1 or not 1 <= len(token[0]) <= 64:
            return None
        return self.server.receipts.find(route.group(1), token[0])

    @staticmethod
    def _view(sale: StoredSale | None) -> ReceiptView | None:
        """What the page shows of the sale; None (answered as not found, and logged) for a body it cannot show."""
        if sale is None:
            return None
        try:
            return receipt_view(sale.body, sale.terminal, sale.forwarded)
        except ValueError as err:
            log.warning("e-receipt: sale %s of %s is stored but cannot be shown (answered 404): %s",
                        sale.sale_id, sale.terminal, err)
            return None

    def _page(self, sale: StoredSale, view: ReceiptView, *, form: InvoiceForm | None = None,
              status: str = "") -> bytes:
        action = f"/r/{sale.sale_id}?k={sale.token}"
        invoice = invoice_form_html(action, form) if form is not None else invoice_status_html(status)
        return page(f"Receipt · {view.shop_name or view.terminal}", receipt_html(view) + invoice)

    def _read_body(self) -> bytes | None:
        """The POSTed form, or None once an error page (411, 400, 413, 415) has been sent."""
        length = self.headers.get("Content-Length")
        if length is None or self.headers.get("Transfer-Encoding"):
            self._fail(411, "Send the form with a Content-Length.")
            return None
        if not DIGITS.fullmatch(length):       # str.isdigit() takes '²', which int() then refuses
            self._fail(400, "The form could not be read: its Content-Length must be its size in bytes, "
                            "in the digits 0-9.")
            return None
        size = int(length)
        if size > MAX_BODY:
            if size <= DRAIN_MAX:
                self.rfile.read(size)
            self._fail(413, "The form is too large.")
            return None
        body = self.rfile.read(size)
        if len(body) < size:
            self._fail(400, "The form could not be read.")
            return None
        if self.headers.get_content_type() != "application/x-www-form-urlencoded":
            self._fail(415, "The form could not be read.")
            return None
        return body

    def _send(self, status: int, body: bytes) -> None:
        if self._sent:
            return
        self._sent = True
        self.answering()
        self.send_response(status)
        for name, value in HEADERS.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _fail(self, status: int, text: str) -> None:
        self.close_connection = True
        title = self.responses.get(status, ("Error",))[0]
        self._send(status, NOT_FOUND if status == 404 else message_page(title, text))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed or unsupported requests (http.server's own errors) get the same kind of page."""
        self.log_error("code %d, message %s", code, message)
        self._sent = False
        self._fail(code, "The request could not be understood.")

    def version_string(self) -> str:
        """The Server header: no Python version."""
        return "edgepos"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        """To the logging module, with every receipt token cut out."""
        log.info("%s %s", self.address_string(), _TOKEN.sub(r"\1…", format % args))


def make_server(store_url: str, secrets: Mapping[str, bytes], host: str = "127.0.0.1", port: int = 8080, *,
                deadline_s: float = DEADLINE_S, max_connections: int = MAX_CONNECTIONS) -> ReceiptServer:
    """A bound server over the store (tables and index made); serve_forever(), then shutdown() and server_close().

    Each request must arrive whole within `deadline_s`; past `max_connections` at once, clients get 503.
    """
    receipts = ReceiptStore(store_url, secrets)
    try:
        receipts.prepare()
        return ReceiptServer(host, port, receipts, deadline_s=deadline_s, max_connections=max_connections)
    except OSError as err:
        receipts.close()
        raise BackendError(f"e-receipts: cannot listen on {host}:{port}: {err.strerror or err}") from err
    except BaseException:
        receipts.close()
        raise


def serve_until_stopped(server: ReceiptServer) -> int:
    """Serve until SIGTERM or Ctrl-C (exit code 0), then close; 1 if the server thread died by itself."""
    asked: list[int] = []         # a signal handler only appends: it takes no lock the main thread may hold
    previous = {sig: signal.signal(sig, lambda signum, _f: asked.append(signum))
                for sig in (signal.SIGTERM, signal.SIGINT)}
    worker = threading.Thread(target=server.serve_forever, name="ereceipt-http", daemon=True)
    worker.start()
    try:
        while not asked and worker.is_alive():
            time.sleep(0.2)
    finally:
        server.shutdown()
        server.server_close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if not asked:
        log.error("the e-receipt server stopped by itself")
    return 0 if asked else 1
