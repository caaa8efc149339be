"""Poison events against real worker processes, a real Mosquitto and SQLite or PostgreSQL: none stops ingest."""
from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import pytest

from backend_clients import SPAWN, TerminalClient, terminals  # noqa: F401  (fixture)
from support.backend_db import backend_store_url
from sync.backend.service import cloud_stats, start_worker, worker_settings
from sync.backend.store import EventStore
from sync.schema import Ack
from sync_helpers import start_cloud, stop, wait_for

pytestmark = pytest.mark.integration


@contextmanager
def worker_process(deployment: Any, url: str, name: str = "w-1") -> Iterator[BaseProcess]:
    """One ingest worker process, started as `edgepos cloud` starts them; stopped (or killed) at the end."""
    ready = SPAWN.Event()
    process = start_worker(worker_settings(deployment.backend_settings(), 1), url, deployment.secrets(), name,
                           ready=ready)
    try:
        assert ready.wait(30), f"{name} did not subscribe"
        yield process
    finally:
        process.terminate()
        process.join(20)
        if process.exitcode is None:
            process.kill()
            process.join(5)


def ack_or_death(client: TerminalClient, event_id: str, process: BaseProcess, timeout: float = 15.0) -> Ack | None:
    """The first ack of the event, or None when the worker process died (or nothing came within `timeout`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.exitcode is None:
        with client.changed:
            if client.changed.wait_for(lambda: event_id in client.acks, 0.2):
                return client.acks[event_id][0]
    return None


def assert_worker_survives(client: TerminalClient, deployment: Any, url: str, poison: dict[str, Any]) -> Ack:
    """Publish the poison to a worker process; fail with what happened when the worker does not answer it."""
    with worker_process(deployment, url) as first:
        client.publish(poison)
        ack = ack_or_death(client, poison["id"], first)
        if ack is None and first.exitcode is not None:
            with worker_process(deployment, url, "w-again") as again:      # the broker redelivers the poison
                again.join(10)
                then = "lived" if again.exitcode is None else f"died (exit {again.exitcode})"
                pytest.fail(f"the worker died (exit {first.exitcode}) on event seq={poison['seq']}; a restarted "
                            f"worker then {then} on the redelivery")
        assert ack is not None, f"no answer within 15 s to event seq={poison['seq']}: the worker is stuck on it"
        good = client.envelope()
        client.publish(good)
        assert client.wait_acks([good["id"]])[good["id"]].status == "stored"
        assert first.exitcode is None
    return ack


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_seq_beyond_64_bits_is_rejected_and_the_worker_goes_on(
        kind: str, deployment: Any, broker: Any, terminals: dict[str, TerminalClient], tmp_path: Path) -> None:
    t1 = terminals["T-0001"]
    with backend_store_url(kind, tmp_path) as url:
        poison = t1.envelope(seq=10**30)
        ack = assert_worker_survives(t1, deployment, url, poison)
        assert ack.status == "rejected" and "'seq'" in ack.reason, ack
        with worker_process(deployment, url, "w-after"):                  # nothing is redelivered to a new worker
            later = t1.envelope()
            t1.publish(later)
            assert t1.wait_acks([later["id"]])[later["id"]].status == "stored"
        assert len(t1.acks[poison["id"]]) == 1
        stats = cloud_stats(url)["terminals"]["T-0001"]
        assert stats["stored"] == 2 and stats["rejected"] == 1 and "seq" in stats["last_reason"]


TRIGGERS = {
    "sqlite": ["CREATE TRIGGER refuse_poison BEFORE INSERT ON events WHEN substr(NEW.id, 1, 7) = 'poison-' "
               "BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END"],
    "postgresql": ["CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN IF starts_with(NEW.id, 'poison-') THEN "
                   "RAISE EXCEPTION 'refused by the test trigger'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
                   "CREATE TRIGGER refuse_poison BEFORE INSERT ON events FOR EACH ROW "
                   "EXECUTE FUNCTION refuse_poison()"],
}


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_an_event_the_database_refuses_is_dead_lettered_and_the_batch_goes_on(
        kind: str, deployment: Any, broker: Any, terminals: dict[str, TerminalClient], tmp_path: Path) -> None:
    # A row the database itself refuses (a trigger here, as a DBA's constraint would): nothing the worker can judge.
    t1 = terminals["T-0001"]
    with backend_store_url(kind, tmp_path) as url:
        store = EventStore(url)
        store.create()
        with store.engine.begin() as conn:
            for statement in TRIGGERS[kind]:
                conn.exec_driver_sql(statement)
        poison_id = f"poison-{kind}"
        poison = t1.envelope(event_id=poison_id)
        good = t1.envelope()
        with worker_process(deployment, url) as worker:
            t1.publish(poison, good)                                          # most likely one batch
            assert ack_or_death(t1, good["id"], worker) == Ack(good["id"], "stored")
            assert t1.no_ack_for(poison_id, 0.5)                              # not judged: the terminal resends
            assert worker.exitcode is None
        with worker_process(deployment, url, "w-after"):                  # PUBACKed: never redelivered
            later = t1.envelope()
            t1.publish(later)
            assert t1.wait_acks([later["id"]])[later["id"]].status == "stored"
        rows = store.dead_letters()
        assert [(r["terminal"], r["event_id"], r["attempts"]) for r in rows] == [("T-0001", poison_id, 1)]
        assert "refused by the test trigger" in rows[0]["error"]
        assert json.loads(rows[0]["payload"]) == poison
        assert cloud_stats(url)["terminals"]["T-0001"]["dead_letters"] == 1
        assert sorted(store.event_ids()) == sorted([good["id"], later["id"]])
        store.close()


def test_a_tampered_copy_of_a_stored_event_is_answered_duplicate_not_rejected(
        deployment: Any, broker: Any, terminals: dict[str, TerminalClient], tmp_path: Path) -> None:
    t1, t2 = terminals["T-0001"], terminals["T-0002"]
    url = f"sqlite:///{tmp_path / 'cloud' / 'events.db'}"
    event = t1.envelope()
    with worker_process(deployment, url) as worker:
        t1.publish(event)
        assert ack_or_death(t1, event["id"], worker) == Ack(event["id"], "stored")
        tampered = dict(event, body=dict(event["body"], total=1))                # the MAC no longer matches
        t1.publish(tampered)
        with t1.changed:
            assert t1.changed.wait_for(lambda: len(t1.acks[event["id"]]) == 2, 15)
        # The terminal deletes its row on `duplicate`: right, the genuine event is stored. `rejected` would make
        # it set aside an event that is in fact stored.
        assert t1.acks[event["id"]][1].status == "duplicate", t1.acks[event["id"]][1]
        forged = t2.envelope(event_id=event["id"])
        t2.publish(forged)                                                   # another terminal claims the id
        assert t2.wait_acks([event["id"]])[event["id"]].status == "rejected"
    store = EventStore(url)
    with store.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT envelope FROM events").scalars().all()
    assert [json.loads(text) for text in stored] == [event]                  # the stored event stands
    logged = [(r["terminal"], r["event_id"]) for r in store.recent_rejections()]
    assert ("T-0001", event["id"]) in logged and ("T-0002", event["id"]) in logged   # the tampering is seen
    store.close()


def _worker_pids(parent: int) -> list[int]:
    """The ingest worker processes of `edgepos cloud` (spawned children; not multiprocessing's resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent and b"spawn_main" in cmdline:
            found.append(int(entry.name))
    return sorted(found)


def test_a_worker_killed_with_sigkill_is_restarted_and_the_backend_goes_on(
        deployment: Any, broker: Any, terminals: dict[str, TerminalClient], tmp_path: Path) -> None:
    t1, db, log = terminals["T-0001"], tmp_path / "cloud" / "events.db", tmp_path / "cloud.log"
    db.parent.mkdir(parents=True, exist_ok=True)
    cloud = start_cloud(deployment, db, log, "--workers", "2")
    try:
        first = t1.envelope()
        assert t1.send_until_acked([first], 60)[first["id"]].status == "stored"
        workers = wait_for("two worker processes",
                           lambda: len(_worker_pids(cloud.pid)) == 2 and _worker_pids(cloud.pid), 30, (log,))
        os.kill(workers[0], signal.SIGKILL)
        wait_for("a replacement worker or the backend's end",
                 lambda: set(_worker_pids(cloud.pid)) - set(workers) or cloud.poll() is not None, 30, (log,))
        assert cloud.poll() is None, log.read_text(errors="replace")[-3000:]
        later = [t1.envelope() for _ in range(10)]
        acks = t1.send_until_acked(later, 60)
        assert {a.status for a in acks.values()} == {"stored"}
        assert len(_worker_pids(cloud.pid)) == 2
    finally:
        stop(cloud)
    assert cloud.returncode == 0
    text = log.read_text(errors="replace")
    assert f"pid {workers[0]}" in text and "restart" in text, text[-3000:]
    assert sorted(EventStore(f"sqlite:///{db}").event_ids()) == sorted(e["id"] for e in [first, *later])
