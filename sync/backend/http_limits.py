"""Limits of a threading HTTP server against slow or many clients: a deadline per request, a cap on connections."""
from __future__ import annotations

import io
import logging
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

log = logging.getLogger(__name__)
DEADLINE_S = 10.0          # seconds for a whole request (headers and body, or the idle wait before it)
MAX_CONNECTIONS = 64       # connections served at once (a thread each); more are answered 503 at once
BUSY_PAGE = (b"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Busy</title></head><body>"
             b"<p>The receipt service is busy. Try again in a minute.</p></body></html>\n")
BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html; charset=utf-8\r\nRetry-After: 5\r\n"
        b"Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n"
        b"Content-Length: %d\r\n\r\n" % len(BUSY_PAGE)) + BUSY_PAGE


class DeadlineReader(io.RawIOBase):
    """A socket's reads that fail with TimeoutError once `deadline()` (a monotonic time) has passed."""

    def __init__(self, sock: socket.socket, deadline: Callable[[], float]) -> None:
        super().__init__()
        self._sock, self._deadline = sock, deadline

    def readable(self) -> bool:
        """Always: it is the read side of a socket."""
        return True

    def readinto(self, buffer: Any) -> int:
        """At most len(buffer) bytes, waiting no later than the deadline."""
        left = self._deadline() - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request took longer than its deadline")
        self._sock.settimeout(left)
        return self._sock.recv_into(buffer)


class LimitedHandler(BaseHTTPRequestHandler):
    """Reads through a DeadlineReader: each request (from the end of the previous answer) has `deadline_s`."""

    server: LimitedServer
    write_timeout_s = 15.0     # seconds one write of the answer may block on a client that does not read
    _deadline = 0.0

    def setup(self) -> None:
        """The usual streams, with the request's reads under its deadline."""
        super().setup()
        self.rfile.close()        # the socket's own reader: else the socket's file descriptor outlives close()
        self.rfile = io.BufferedReader(DeadlineReader(self.connection, lambda: self._deadline))

    def handle_one_request(self) -> None:
        """One request within the server's deadline; a timeout closes the connection (http.server logs it)."""
        self._deadline = time.monotonic() + self.server.deadline_s
        super().handle_one_request()

    def answering(self) -> None:
        """Call before writing the answer: writes get their own timeout, not what is left of the deadline."""
        self.connection.settimeout(self.write_timeout_s)


class LimitedServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer with at most `max_connections` handler threads; past that, 503 without a thread."""

    daemon_threads = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], handler: type[LimitedHandler], *, deadline_s: float = DEADLINE_S,
                 max_connections: int = MAX_CONNECTIONS) -> None:
        if deadline_s <= 0 or max_connections < 1:
            raise ValueError(f"deadline_s ({deadline_s}) must be positive, max_connections ({max_connections}) >= 1")
        self.deadline_s, self.max_connections = deadline_s, max_connections
        self._slots = threading.BoundedSemaphore(max_connections)
        self.refused = 0
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """A handler thread if a slot is free, else an immediate 503 from the accepting thread."""
        if not self._slots.acquire(blocking=False):
            self._refuse(request, client_address)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Handle the connection, then free its slot."""
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def _refuse(self, request: socket.socket, client_address: Any) -> None:
        self.refused += 1
        if self.refused == 1 or self.refused % 100 == 0:
            log.warning("%d connection(s) refused with 503 so far: %d already served at once (latest from %s)",
                        self.refused, self.max_connections, client_address[0])
        try:
            request.settimeout(0.5)      # a fresh socket's send buffer is empty: the short answer never waits
            request.sendall(BUSY)
        except OSError:
            pass
        self.shutdown_request(request)
