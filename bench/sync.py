"""`edgepos bench sync`: 10,000 queued events through link, TLS broker and backend, against paho's raw rate."""
from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sync.broker_process import MosquittoBroker, free_port
from sync.link import SyncLink
from sync.mqtt import BrokerSettings, make_client
from sync.provision import Deployment, init_deployment
from sync.schema import status_topic
from terminal.store.db import Database
from terminal.store.outbox import OutboxStore

TERMINAL = "BENCH-1"


def queue_events(db: Database, secret: bytes, count: int) -> list[str]:
    """Fill the outbox as sales would (payment-sized bodies), in batches of 1,000 per transaction."""
    outbox, ids, now = OutboxStore(db, TERMINAL, secret), [], datetime.now(UTC)
    body = {"sale_id": "", "currency": "CNY", "total": 5258, "tax": 512, "lines": [
        {"sku": f"SKU-{n}", "quantity": 1, "amount": 1000 + n, "tax": 100} for n in range(5)],
        "payments": [{"method": "cash", "amount": 5258}]}
    for start in range(0, count, 1000):
        with db.transaction() as tx:
            for n in range(start, min(start + 1000, count)):
                ids.append(outbox.enqueue(tx, "payment/1", {**body, "sale_id": f"bench-{n:06d}"}, now))
    return ids


def raw_publish_rate(settings: BrokerSettings, count: int) -> float:
    """paho alone: QoS 1 publishes per second to the same broker, first send to last PUBACK."""
    client = make_client(settings, settings.username)
    client.max_inflight_messages_set(1000)
    done, acked = threading.Event(), [0]

    def on_publish(*_args: Any) -> None:
        acked[0] += 1
        if acked[0] == count:
            done.set()

    client.on_publish = on_publish
    client.connect(settings.host, settings.port)
    client.loop_start()
    payload = b"x" * 420  # about the size of a payment envelope
    start = time.perf_counter()
    for _ in range(count):
        client.publish(status_topic(settings.username) + "/bench", payload, qos=1)
    done.wait(120)
    seconds = time.perf_counter() - start
    client.loop_stop()
    client.disconnect()
    return count / seconds


def _start_backend(dep: Deployment, db_url: str, log: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "terminal.app.cli", "--data-dir", str(dep.directory.parent), "cloud",
           "--deploy", str(dep.directory), "--db", db_url]
    return subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def _drain(link: SyncLink, db: Database, timeout: float) -> float:
    thread = link.start_thread()
    start, deadline = time.perf_counter(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = db.query_one("SELECT COUNT(*) FROM outbox")
        if row is not None and row[0] == 0:
            break
        time.sleep(0.005)
    seconds = time.perf_counter() - start
    link.stop()
    thread.join(10)
    return seconds


def run_sync_bench(events: int, say: Callable[[str], Any] = print) -> dict[str, Any]:
    """Queue `events`, drain them through the real stack, and count what the backend stored."""
    from sqlalchemy import create_engine, text
    with tempfile.TemporaryDirectory(prefix="edgepos-bench-sync-") as tmp:
        root = Path(tmp)
        dep = init_deployment(root / "deploy", [TERMINAL], port=free_port())
        with MosquittoBroker(dep.conf_path, dep.port, root / "mosquitto.log"):
            raw = raw_publish_rate(dep.terminal_settings(TERMINAL), events)
            say(f"paho raw QoS 1 publish: {raw:.0f}/s")
            db_url = f"sqlite:///{root / 'cloud.db'}"
            backend = _start_backend(dep, db_url, root / "backend.log")
            try:
                db = Database(root / "terminal" / "terminal.db")
                secret = dep.terminals[TERMINAL].secret
                queue_events(db, secret, 1)  # warm-up: the backend is ready once this one is acked
                warm = SyncLink(db, TERMINAL, dep.terminal_settings(TERMINAL), "CNY", idle_poll=0.02)
                if _drain(warm, db, 60) >= 60:
                    raise RuntimeError(f"the backend did not ack within 60 s; see {root / 'backend.log'}")
                ids = queue_events(db, secret, events)
                say(f"queued {events} events; draining")
                link = SyncLink(db, TERMINAL, dep.terminal_settings(TERMINAL), "CNY", idle_poll=0.02)
                seconds = _drain(link, db, 600)
                left = db.query_one("SELECT COUNT(*) FROM outbox")
            finally:
                backend.terminate()
                backend.wait(10)
            engine = create_engine(db_url)
            with engine.connect() as conn:
                stored = [r[0] for r in conn.execute(text("SELECT id FROM events WHERE terminal = :t"),
                                                     {"t": TERMINAL})]
            engine.dispose()
            from sync.backend.service import cloud_stats
            answers = cloud_stats(db_url)["totals"]
    wanted = set(ids)
    got = [i for i in stored if i in wanted]
    return {"bench": "sync", "events": events, "seconds": round(seconds, 3),
            "events_per_s": round(events / seconds, 1), "raw_publish_per_s": round(raw, 1),
            "ratio": round(events / seconds / raw, 3), "lost": len(wanted - set(got)),
            "duplicates": len(got) - len(set(got)), "outbox_left": int(left[0]) if left else -1,
            "replays_answered_duplicate": answers["duplicate"], "rejected": answers["rejected"]}
