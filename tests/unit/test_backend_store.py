"""The backend event store on real SQLite files and a real PostgreSQL (a fresh schema per test)."""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from support.backend_db import backend_store_url
from sync.backend.store import KEEP_REJECTIONS, BackendError, EventStore, Rejection
from sync.schema import Envelope, parse_envelope
from terminal.events import make_envelope

KEY = {"T-0001": b"k1" * 16, "T-0002": b"k2" * 16}


def envelope(terminal: str = "T-0001", seq: int = 1, schema: str = "payment/1", event_id: str | None = None,
             body: dict[str, Any] | None = None) -> Envelope:
    raw = make_envelope(schema, body or {"amount": 1250, "currency": "CNY"}, terminal, seq,
                        "2026-11-22T08:30:00.000000Z", KEY[terminal], event_id)
    return parse_envelope(json.dumps(raw).encode(), terminal)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EventStore]:
    with backend_store_url(request.param, tmp_path) as url:
        made = EventStore(url)
        made.create()
        made.create()    # idempotent
        yield made
        made.close()


def test_new_events_are_stored_and_replays_are_duplicates(store: EventStore) -> None:
    first, second = envelope(seq=1), envelope(seq=2)
    acks = store.store_batch([first, second], "w1")
    assert [(a.id, a.status) for a in acks] == [(first.id, "stored"), (second.id, "stored")]
    third = envelope(seq=3)
    acks = store.store_batch([second, third, first], "w2")
    assert [a.status for a in acks] == ["duplicate", "stored", "duplicate"]
    assert store.event_ids("T-0001") == sorted([first.id, second.id, third.id])
    with store.engine.connect() as conn:
        row = conn.execute(sa.text("SELECT body, envelope, worker, seq FROM events WHERE id = :i"),
                           {"i": first.id}).one()
    assert json.loads(row.body) == {"amount": 1250, "currency": "CNY"}
    assert json.loads(row.envelope)["mac"] == first.raw["mac"] and row.worker == "w1" and row.seq == 1


def test_a_batch_holding_the_same_event_twice_stores_it_once(store: EventStore) -> None:
    event = envelope()
    acks = store.store_batch([event, envelope(seq=2), event], "w1")
    assert [a.status for a in acks] == ["stored", "stored", "duplicate"]
    assert store.stats()["totals"] == {"stored": 2, "duplicate": 1, "rejected": 0}


def test_an_id_taken_by_another_terminal_is_rejected_not_acked_as_duplicate(store: EventStore) -> None:
    event = envelope("T-0001", event_id="shared-id")
    store.store_batch([event], "w1")
    [ack] = store.store_batch([envelope("T-0002", event_id="shared-id")], "w1")
    assert ack.status == "rejected" and "another terminal" in ack.reason
    assert store.event_ids("T-0002") == []


def test_stats_per_terminal_and_schema(store: EventStore) -> None:
    batch = [envelope("T-0001", 1), envelope("T-0001", 2, "refund/1"), envelope("T-0001", 3),
             envelope("T-0002", 1, "shift/1")]
    store.store_batch(batch, "w1")
    store.store_batch(batch[:1], "w1", [Rejection("T-0002", "x-1", "bad mac: altered")])
    store.record_rejection("T-0002", None, "not JSON: Expecting value")
    stats = store.stats()
    assert stats["terminals"]["T-0001"] == {"stored": 3, "schemas": {"payment/1": 2, "refund/1": 1},
                                            "duplicate": 1, "rejected": 0, "last_reason": ""}
    assert stats["terminals"]["T-0002"] == {"stored": 1, "schemas": {"shift/1": 1}, "duplicate": 0,
                                            "rejected": 2, "last_reason": "not JSON: Expecting value"}
    assert stats["totals"] == {"stored": 4, "duplicate": 1, "rejected": 2}


def test_rejections_are_logged_newest_first_and_capped(store: EventStore) -> None:
    store.record_rejection("T-0001", "e-1", "bad mac")
    store.store_batch([], "w1", [Rejection("T-0002", None, f"junk {i}") for i in range(KEEP_REJECTIONS + 5)])
    store.record_rejection("T-0001", "e-2", "unknown schema 'x/9'\x00 \ud800")   # unstorable characters
    log = store.recent_rejections(limit=KEEP_REJECTIONS + 100)
    assert len(log) == KEEP_REJECTIONS
    assert (log[0]["terminal"], log[0]["event_id"]) == ("T-0001", "e-2")
    assert log[0]["reason"].startswith("unknown schema 'x/9'\\x00")
    assert log[1]["reason"] == f"junk {KEEP_REJECTIONS + 4}" and log[1]["event_id"] is None
    assert store.stats()["totals"]["rejected"] == KEEP_REJECTIONS + 7


def test_two_stores_racing_on_the_same_ids_store_each_exactly_once(store: EventStore) -> None:
    events = [envelope(seq=i) for i in range(1, 201)]
    other = EventStore(store.engine.url.render_as_string(hide_password=False))
    results: dict[str, list[str]] = {}
    start = threading.Barrier(2)

    def work(name: str, target: EventStore, order: list[Envelope]) -> None:
        start.wait()
        statuses = []
        for at in range(0, len(order), 20):
            statuses += [a.status for a in target.store_batch(order[at:at + 20], name)]
        results[name] = statuses

    threads = [threading.Thread(target=work, args=("a", store, events)),
               threading.Thread(target=work, args=("b", other, events[::-1]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    other.close()
    assert results["a"].count("stored") + results["b"].count("stored") == 200
    assert results["a"].count("duplicate") + results["b"].count("duplicate") == 200
    assert len(store.event_ids()) == 200


def test_unusable_urls_and_unreachable_databases_raise_backend_error(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="not usable"):
        EventStore("not a url")
    with pytest.raises(BackendError, match="use sqlite"):
        EventStore("mysql://root@localhost/x")
    down = EventStore("postgresql+psycopg://postgres:secret@127.0.0.1:1/test?connect_timeout=2")
    with pytest.raises(BackendError) as caught:
        down.create()
    assert "127.0.0.1" in str(caught.value) and "secret" not in str(caught.value)
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(BackendError, match="event store"):
        EventStore(f"sqlite:///{tmp_path / 'dir.db'}").create()
