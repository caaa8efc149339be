"""The e-receipt server against hostile input over real sockets: sale ids scoped by terminal, bodies it cannot
render, a Content-Length of non-ASCII digits, slow clients and more connections than it serves at once."""
from __future__ import annotations

import json
import logging
import select
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from sync.backend.ereceipt import ReceiptServer, make_server
from sync.backend.ingest import check_event
from sync.backend.store import EventStore
from sync.schema import Envelope
from terminal.app.bootstrap import Terminal, load_secret
from terminal.link.events import make_envelope
from terminal.sales.money import Money
from terminal.sales.receipts import receipt_token
from test_ereceipt_page import BUYER, fetch, invoice_rows, pay_and_ingest, store_url  # noqa: F401 (a fixture)

pytestmark = pytest.mark.integration
ATTACKER = b"a" * 32                    # T-0002's secret: it signs whatever it likes under its own id
NOW = "2026-11-22T08:30:00Z"


def serve(url: str, secrets: dict[str, bytes], **limits: Any) -> Iterator[ReceiptServer]:
    server = make_server(url, secrets, "127.0.0.1", 0, **limits)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def store(url: str, terminal: str, secret: bytes, bodies: list[dict[str, Any]]) -> None:
    """Signed payment/1 events stored as they are (as a backend that did not check bodies stored them)."""
    raw = [make_envelope("payment/1", body, terminal, seq, NOW, secret) for seq, body in enumerate(bodies, 1)]
    envelopes = [Envelope("payment/1", r["id"], terminal, r["seq"], NOW, r["body"], r) for r in raw]
    events = EventStore(url)
    events.create()
    try:
        assert {a.status for a in events.store_batch(envelopes, "w1")} == {"stored"}
    finally:
        events.close()


def test_another_terminal_cannot_block_or_hide_a_sale_by_reusing_its_id(open_term: Terminal, store_url: str) -> None:
    till = open_term.till
    till.add_item("TEA-001")
    done = till.pay_cash(Money(10000, "CNY"))
    rows = open_term.outbox.pending()
    body = next(json.loads(r.envelope)["body"] for r in rows if r.schema == "payment/1")
    store(store_url, "T-0002", ATTACKER, [body] * 11)           # before the real one, more than it looks at
    secret = load_secret(open_term.data_dir)
    events = EventStore(store_url)
    events.store_batch([check_event(r.envelope.encode(), "T-0001", secret) for r in rows], "w1")
    events.close()
    sale_id, own = done.sale.id, f"/r/{done.sale.id}?k={receipt_token(secret, done.sale.id)}"
    for server in serve(store_url, {"T-0001": secret, "T-0002": ATTACKER}):
        claimed = fetch(f"{server.url}/r/{sale_id}?k={receipt_token(ATTACKER, sale_id)}", BUYER)
        assert claimed.status == 200 and "E-invoice requested" in claimed.text      # its own copy, nothing more
        page = fetch(server.url + own)
        assert page.status == 200 and "<form" in page.text and "has been requested" not in page.text
        assert "T-0001" in page.text and "T-0002" not in page.text
        mine = fetch(server.url + own, {**BUYER, "email": "lan@hoasen.example"})
        assert mine.status == 200 and "E-invoice requested" in mine.text
    assert sorted((r["terminal"], r["sale_id"], r["email"]) for r in invoice_rows(store_url)) == [
        ("T-0001", sale_id, "lan@hoasen.example"), ("T-0002", sale_id, BUYER["email"])]


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_stored_body_it_cannot_render_is_the_not_found_page_and_logged(
        open_term: Terminal, store_url: str, caplog: pytest.LogCaptureFixture) -> None:
    sale = pay_and_ingest(open_term, store_url)
    secret = load_secret(open_term.data_dir)
    good = next(json.loads(r.envelope)["body"] for r in open_term.outbox.pending() if r.schema == "payment/1")
    odd = {"negative": -5000, "absurd": 10**30, "huge float": 1e308, "float": 4500.0, "nan": float("nan")}
    ids = {name: uuid.uuid4().hex for name in odd}
    store(store_url, "T-0001", secret, [{**good, "sale_id": ids[name], "total": total} for name, total in odd.items()])
    caplog.set_level(logging.INFO)
    for server in serve(store_url, {"T-0001": secret}):
        missing = fetch(f"{server.url}/r/{uuid.uuid4().hex}?k=0")
        for name, sale_id in ids.items():
            answer = fetch(f"{server.url}/r/{sale_id}?k={receipt_token(secret, sale_id)}")
            assert (answer.status, answer.body) == (404, missing.body), name
        assert fetch(server.url + sale.path).status == 200
    logged = caplog.text
    assert all(ids[name] in logged for name in ("negative", "absurd", "huge float", "float")), logged


def exchange(server: ReceiptServer, raw: bytes) -> bytes:
    with socket.create_connection(server.server_address[:2], timeout=10) as conn:
        conn.sendall(raw)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
        return answer


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("length", [b"\xb2", b"1\xb9", b"+5", b"-1", b"5_0"])
def test_a_content_length_of_anything_but_ascii_digits_is_400(open_term: Terminal, store_url: str,
                                                              length: bytes) -> None:
    sale = pay_and_ingest(open_term, store_url)
    for server in serve(store_url, {"T-0001": load_secret(open_term.data_dir)}):
        answer = exchange(server, b"POST " + sale.path.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Type: "
                          b"application/x-www-form-urlencoded\r\nContent-Length: " + length + b"\r\n\r\nbuyer_name=a")
        assert answer.startswith((b"HTTP/1.1 400 ", b"HTTP/1.0 400 ")), answer[:200]
        assert b"Content-Length" in answer.partition(b"\r\n\r\n")[2]         # the page says what was wrong
        assert fetch(server.url + sale.path).status == 200
    assert invoice_rows(store_url) == []


def drip(server: ReceiptServer, head: bytes, drop: bytes, every: float = 0.25) -> float:
    """Send `head`, then `drop` one byte at a time; seconds until the server closed (inf if it never did)."""
    started = time.monotonic()
    with socket.create_connection(server.server_address[:2], timeout=10) as conn:
        conn.sendall(head)
        for byte in drop:
            readable, _, _ = select.select([conn], [], [], every)
            try:
                if readable and not conn.recv(65536, socket.MSG_PEEK):
                    return time.monotonic() - started
                if readable:
                    conn.recv(65536)       # a 408 page, then the close
                conn.sendall(bytes([byte]))
            except (ConnectionResetError, BrokenPipeError):
                return time.monotonic() - started
    return float("inf")


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_client_sending_one_byte_at_a_time_is_cut_off_at_the_deadline(open_term: Terminal, store_url: str) -> None:
    sale = pay_and_ingest(open_term, store_url)
    for server in serve(store_url, {"T-0001": load_secret(open_term.data_dir)}, deadline_s=1.0):
        slow_head = drip(server, b"GET /r/", b"x" * 40)
        form = b"buyer_name=a&tax_id=91310000MA1FL8XQ3B&email=a%40b.example" * 2
        slow_body = drip(server, b"POST " + sale.path.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Type: "
                         b"application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % len(form), form[:40])
        assert slow_head < 8 and slow_body < 8, (slow_head, slow_body)       # 40 drops would take 10 s
        assert fetch(server.url + sale.path).status == 200
    assert invoice_rows(store_url) == []


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_connections_over_the_cap_get_503_at_once_and_the_server_recovers(open_term: Terminal,
                                                                        store_url: str) -> None:
    sale = pay_and_ingest(open_term, store_url)
    for server in serve(store_url, {"T-0001": load_secret(open_term.data_dir)}, max_connections=2, deadline_s=20):
        idle = [socket.create_connection(server.server_address[:2], timeout=10) for _ in range(2)]
        try:
            with socket.create_connection(server.server_address[:2], timeout=5) as extra:
                answer = extra.recv(65536)
            assert answer.startswith(b"HTTP/1.1 503 ") and b"Retry-After:" in answer, answer[:200]
        finally:
            for conn in idle:
                conn.close()
        deadline = time.monotonic() + 10
        while (status := status_of(server.url + sale.path)) != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert status == 200


def status_of(url: str) -> int:
    """The HTTP status, or 0 when a refused connection was reset before its answer could be read."""
    try:
        return fetch(url).status
    except OSError:
        return 0
