"""The ingest worker against a real Mosquitto (the deployment's TLS broker) and real SQLite files.

Faults: c (backend killed between commit and ack), d (two workers in the shared group),
f (tampered event), g (malformed payloads).
"""
from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest

from backend_clients import CREATED, SPAWN, TerminalClient, terminals  # noqa: F401  (fixture)
from sync.backend.ingest import IngestWorker
from sync.backend.service import cloud_stats, push_config, run_cloud, start_worker, worker_settings
from sync.backend.store import BackendError, EventStore
from sync.mqtt import make_client
from sync.schema import config_topic
from terminal.link.events import make_envelope

pytestmark = pytest.mark.integration


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cloud' / 'events.db'}"


@pytest.fixture
def worker(deployment: Any, broker: Any, store_url: str) -> Iterator[IngestWorker]:
    """An IngestWorker running in a thread of the test process."""
    made = IngestWorker(worker_settings(deployment.backend_settings(), 1), store_url, deployment.secrets(), "w-thread",
                        batch_max=200)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            made.run()
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            failures.append(err)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert made.ready.wait(20), f"worker not subscribed: {failures}\n{broker.log_tail()}"
    yield made
    made.stop()
    thread.join(20)
    assert not thread.is_alive() and not failures, failures


def test_signed_events_are_stored_acked_and_replays_are_duplicates(
        worker: IngestWorker, terminals: dict[str, TerminalClient], store_url: str) -> None:
    t1, t2 = terminals["T-0001"], terminals["T-0002"]
    first = [t1.envelope(), t1.envelope("refund/1"), t1.envelope("shift/1")]
    second = [t2.envelope("member/1")]
    t1.publish(*first)
    t2.publish(*second)
    assert {a.status for a in t1.wait_acks([e["id"] for e in first]).values()} == {"stored"}
    assert t2.wait_acks([second[0]["id"]])[second[0]["id"]].status == "stored"
    store = EventStore(store_url)
    assert store.event_ids("T-0001") == sorted(e["id"] for e in first)
    assert store.event_ids("T-0002") == [second[0]["id"]]

    t1.publish(first[0])                                       # a replay (the terminal never saw the ack)
    with t1.changed:
        assert t1.changed.wait_for(lambda: len(t1.acks[first[0]["id"]]) == 2, 20)
    assert t1.acks[first[0]["id"]][1].status == "duplicate"
    stats = cloud_stats(store_url)
    assert stats["terminals"]["T-0001"]["schemas"] == {"payment/1": 1, "refund/1": 1, "shift/1": 1}
    assert stats["totals"] == {"stored": 4, "duplicate": 1, "rejected": 0, "dead_letters": 0, "clock_flagged": 0}
    store.close()


def test_a_tampered_event_is_rejected_for_its_mac(
        worker: IngestWorker, terminals: dict[str, TerminalClient], store_url: str) -> None:
    t1 = terminals["T-0001"]
    tampered = t1.envelope()
    tampered["body"]["total"] = 1
    foreign = make_envelope("payment/1", t1.envelope()["body"], "T-0001", 99, CREATED, b"not the terminal's key")
    t1.publish(tampered, foreign)
    acks = t1.wait_acks([tampered["id"], foreign["id"]])
    for ack in acks.values():
        assert ack.status == "rejected" and "mac" in ack.reason.lower()
    assert EventStore(store_url).event_ids() == []
    stats = cloud_stats(store_url)["terminals"]["T-0001"]
    assert stats["rejected"] == 2 and "mac" in stats["last_reason"]


def test_malformed_payloads_never_stop_the_worker(
        worker: IngestWorker, terminals: dict[str, TerminalClient], store_url: str) -> None:
    t1 = terminals["T-0001"]
    unknown = t1.envelope()
    unknown["schema"] = "teleport/9"
    missing = {k: v for k, v in t1.envelope().items() if k != "seq"}
    other_terminal = terminals["T-0002"].envelope()             # a valid T-0002 event on T-0001's topic
    nul_id = dict(t1.envelope(), id="abc\u0000def")
    junk = [b"not json at all", b"\xff\xfe\x00garbage", bytes(200 * 1024), b"[1, 2, 3]", b'"a string"', b"{}",
            json.dumps(nul_id).encode(), b'{"id": "x-surrogate", "body": {"t": "\\ud800"}, "schema": "payment/1", '
            b'"terminal": "T-0001", "seq": 5, "created_at": "now", "mac": "00"}', b""]
    t1.publish(*junk, unknown, missing, other_terminal)
    good = t1.envelope()
    t1.publish(good)
    acks = t1.wait_acks([unknown["id"], missing["id"], other_terminal["id"], "x-surrogate", good["id"]])
    assert acks[good["id"]].status == "stored"                # processed after all the junk: the worker lives
    assert "unknown schema" in acks[unknown["id"]].reason
    assert "'seq'" in acks[missing["id"]].reason
    assert "T-0002" in acks[other_terminal["id"]].reason and acks[other_terminal["id"]].status == "rejected"
    assert acks["x-surrogate"].status == "rejected"
    assert EventStore(store_url).event_ids() == [good["id"]]
    assert cloud_stats(store_url)["terminals"]["T-0001"]["rejected"] == len(junk) + 3
    reasons = " | ".join(r["reason"] for r in EventStore(store_url).recent_rejections())
    assert "not JSON" in reasons and "byte limit" in reasons and "JSON object" in reasons


def test_backend_killed_between_commit_and_ack_then_restarted(
        deployment: Any, broker: Any, terminals: dict[str, TerminalClient], store_url: str) -> None:
    t1, settings = terminals["T-0001"], worker_settings(deployment.backend_settings(), 1)
    ready = SPAWN.Event()
    doomed = start_worker(settings, store_url, deployment.secrets(), "w-doomed", die_after_commit=1, ready=ready)
    try:
        assert ready.wait(30), broker.log_tail()
        event = t1.envelope()
        t1.publish(event)
        doomed.join(30)
        assert doomed.exitcode == 137
        assert EventStore(store_url).event_ids() == [event["id"]]     # committed...
        assert t1.no_ack_for(event["id"])                                # ...but never acked
    finally:
        doomed.kill()
    ready = SPAWN.Event()
    again = start_worker(settings, store_url, deployment.secrets(), "w-again", ready=ready)
    try:
        assert ready.wait(30), broker.log_tail()
        # The broker redelivers the event it never got a PUBACK for (same persistent session)...
        assert t1.wait_acks([event["id"]], 30)[event["id"]].status == "duplicate"
        t1.publish(event)                                                # ...and the terminal's re-send too
        with t1.changed:
            assert t1.changed.wait_for(lambda: len(t1.acks[event["id"]]) >= 2, 20)
        assert {a.status for a in t1.acks[event["id"]]} == {"duplicate"}
        stats = cloud_stats(store_url)["totals"]
        assert stats["stored"] == 1 and stats["duplicate"] == len(t1.acks[event["id"]])
    finally:
        again.terminate()
        again.join(20)
    assert again.exitcode == 0


def test_two_workers_share_2000_events_each_stored_exactly_once(
        deployment: Any, broker: Any, terminals: dict[str, TerminalClient], store_url: str) -> None:
    EventStore(store_url).create()
    base, secrets = deployment.backend_settings(), deployment.secrets()
    readies = [SPAWN.Event(), SPAWN.Event()]
    workers = [start_worker(worker_settings(base, i + 1), store_url, secrets, f"w-{i + 1}", ready=readies[i])
               for i in range(2)]
    try:
        for ready in readies:
            assert ready.wait(30), "a worker did not subscribe"
        batches = {tid: [client.envelope() for _ in range(1000)] for tid, client in terminals.items()}
        senders = [threading.Thread(target=terminals[tid].send_until_acked, args=(events, 120))
                   for tid, events in batches.items()]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(150)
        for tid, events in batches.items():
            acks = terminals[tid].wait_acks([e["id"] for e in events], 1)
            assert {a.status for a in acks.values()} <= {"stored", "duplicate"}
    finally:
        for process in workers:
            process.terminate()
        for process in workers:
            process.join(20)
    assert [p.exitcode for p in workers] == [0, 0]
    store = EventStore(store_url)
    ids = store.event_ids()
    assert len(ids) == len(set(ids)) == 2000
    assert set(ids) == {e["id"] for events in batches.values() for e in events}
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT worker, COUNT(*) FROM events GROUP BY worker").all()
    per_worker: Counter[str] = Counter({str(worker): int(count) for worker, count in rows})
    assert set(per_worker) == {"w-1", "w-2"} and all(n > 0 for n in per_worker.values()), per_worker


def test_push_config_is_retained_for_the_terminal(deployment: Any, broker: Any) -> None:
    push_config(deployment.backend_settings(), "T-0001", {"receipt_footer": "Cảm ơn 谢谢", "tax_rate": 0.1})
    got: list[bytes] = []
    arrived = threading.Event()
    settings = deployment.terminal_settings("T-0001")
    client = make_client(settings, "T-0001")
    client.on_connect = lambda c, *_: c.subscribe(config_topic("T-0001"), qos=1)

    def on_message(_c: Any, _u: Any, msg: mqtt.MQTTMessage) -> None:
        got.append(bytes(msg.payload))
        arrived.set()

    client.on_message = on_message
    client.connect(settings.host, settings.port, 30)
    client.loop_start()
    try:
        assert arrived.wait(20)
    finally:
        client.disconnect()
        client.loop_stop()
    assert json.loads(got[0]) == {"receipt_footer": "Cảm ơn 谢谢", "tax_rate": 0.1}
    with pytest.raises(BackendError, match="refused"):
        push_config(deployment.terminal_settings("T-0002"), "T-0001", {"x": 1})   # a terminal may not push


def test_push_config_does_not_disturb_a_running_worker(
        deployment: Any, worker: IngestWorker, terminals: dict[str, TerminalClient]) -> None:
    push_config(deployment.backend_settings(), "T-0001", {"x": 1})      # the tools' user, not a worker's
    event = terminals["T-0001"].envelope()
    terminals["T-0001"].publish(event)
    assert terminals["T-0001"].wait_acks([event["id"]])[event["id"]].status == "stored"
    assert worker.connections == 1


def test_a_worker_whose_session_was_taken_over_subscribes_again(
        deployment: Any, worker: IngestWorker, terminals: dict[str, TerminalClient]) -> None:
    # Someone logs in with the worker's user (same client id) and a clean start: the broker drops the worker's
    # session and its subscription. The worker must reconnect and subscribe again.
    settings = worker_settings(deployment.backend_settings(), 1)
    intruder = make_client(settings, settings.username)
    connected = threading.Event()
    intruder.on_connect = lambda *_: connected.set()
    intruder.connect(settings.host, settings.port, 30, clean_start=True)
    intruder.loop_start()
    assert connected.wait(20)
    intruder.disconnect()
    intruder.loop_stop()
    event = terminals["T-0001"].envelope()
    assert terminals["T-0001"].send_until_acked([event], 30)[event["id"]].status == "stored"
    assert worker.connections >= 2


def _run_cloud_process(settings: Any, store_url: str, secrets: dict[str, bytes], workers: int,
                       die_after_commit: int | None) -> None:
    sys.exit(run_cloud(settings, store_url, secrets, workers, die_after_commit))


def test_run_cloud_stops_cleanly_on_sigterm_and_restarts_a_worker_that_dies(
        deployment: Any, broker: Any, terminals: dict[str, TerminalClient], store_url: str) -> None:
    t1, args = terminals["T-0001"], (deployment.backend_settings(), store_url, deployment.secrets(), 2)
    service = SPAWN.Process(target=_run_cloud_process, args=(*args, None))
    service.start()
    try:
        event = t1.envelope()
        assert t1.send_until_acked([event], 60)[event["id"]].status == "stored"
        assert service.pid is not None
        os.kill(service.pid, signal.SIGTERM)
        service.join(30)
        assert service.exitcode == 0
    finally:
        service.kill()
    service = SPAWN.Process(target=_run_cloud_process, args=(*args, 1))      # each first worker dies after 1 commit
    service.start()
    try:
        doomed = t1.envelope()
        # Committed, then the worker dies before acking; its replacement answers the redelivery or the re-send.
        assert t1.send_until_acked([doomed], 60)[doomed["id"]].status == "duplicate"
        assert service.exitcode is None                              # the backend went on
        assert service.pid is not None
        os.kill(service.pid, signal.SIGTERM)
        service.join(30)
        assert service.exitcode == 0
    finally:
        service.kill()
    assert EventStore(store_url).event_ids().count(doomed["id"]) == 1


def test_a_worker_without_a_broker_user_fails_with_a_clear_error(deployment: Any, broker: Any, store_url: str) -> None:
    unknown = worker_settings(deployment.backend_settings(), 99)              # provisioning made 1..8
    with pytest.raises(BackendError, match="refused 'edgepos-backend-99'"):
        IngestWorker(unknown, store_url, deployment.secrets(), "w-99").run()
