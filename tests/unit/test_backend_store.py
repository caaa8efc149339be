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
from sync.backend.store import KEEP_REJECTIONS, BackendError, EventStore, Received, Rejection, StoreUnavailable
from sync.schema import MAX_SEQ, Ack, Envelope, EnvelopeError, parse_envelope
from terminal.link.events import make_envelope

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
    assert store.stats()["totals"] == {"stored": 2, "duplicate": 1, "rejected": 0, "dead_letters": 0,
                                       "clock_flagged": 0}


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
                                            "duplicate": 1, "rejected": 0, "dead_letters": 0, "clock_flagged": 0,
                                            "last_reason": ""}
    assert stats["terminals"]["T-0002"] == {"stored": 1, "schemas": {"shift/1": 1}, "duplicate": 0,
                                            "rejected": 2, "dead_letters": 0, "clock_flagged": 0,
                                            "last_reason": "not JSON: Expecting value"}
    assert stats["totals"] == {"stored": 4, "duplicate": 1, "rejected": 2, "dead_letters": 0, "clock_flagged": 0}


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
    with pytest.raises(StoreUnavailable) as caught:                  # worth retrying: a worker waits, keeps the batch
        down.create()
    assert "127.0.0.1" in str(caught.value) and "secret" not in str(caught.value)
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(BackendError, match="event store"):
        EventStore(f"sqlite:///{tmp_path / 'dir.db'}").create()


def test_seq_must_fit_a_signed_64_bit_column(store: EventStore) -> None:
    [ack] = store.store_batch([envelope(seq=MAX_SEQ)], "w1")
    assert ack.status == "stored"
    for seq, shown in ((MAX_SEQ + 1, str(MAX_SEQ + 1)), (10**30, "a 31-digit number"), (0, "0"), (-5, "-5")):
        raw = make_envelope("payment/1", {"amount": 1}, "T-0001", seq, "2026-11-22T08:30:00Z", KEY["T-0001"])
        with pytest.raises(EnvelopeError, match=f"field 'seq' must be between 1 and {MAX_SEQ}, got {shown}") as got:
            parse_envelope(json.dumps(raw).encode(), "T-0001")
        assert got.value.event_id == raw["id"]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1" * 5000])
def test_non_json_numbers_and_endless_digits_are_not_json(number: str) -> None:
    payload = ('{"schema": "payment/1", "id": "e-1", "terminal": "T-0001", "seq": 1, "created_at": "x", '
               f'"body": {{"amount": {number}}}, "mac": "00"}}').encode()
    with pytest.raises(EnvelopeError, match="not JSON"):
        parse_envelope(payload, "T-0001")
    with pytest.raises(EnvelopeError, match="not JSON"):
        parse_envelope(b"[" * 60000, "T-0001")


def test_a_refused_copy_of_a_stored_event_is_a_duplicate_for_its_own_terminal_only(store: EventStore) -> None:
    event = envelope()
    text = json.dumps(event.raw)
    store.store_batch([event], "w1", texts=[text])
    same = Received("T-0001", text, reason="bad mac", event_id=event.id)
    altered = Received("T-0001", text.replace("1250", "1"), reason="bad mac", event_id=event.id)
    claimed = Received("T-0002", text, reason="terminal 'T-0001' published on 'T-0002's topic", event_id=event.id)
    nameless = Received("?", "junk", reason="not JSON")
    answers = store.ingest([same, altered, claimed, nameless], "w1")
    assert answers[0] == Ack(event.id, "duplicate")
    assert answers[1] is not None and answers[1].status == "duplicate" and "stored event stands" in answers[1].reason
    assert answers[2] == Ack(event.id, "rejected", claimed.reason) and answers[3] is None
    logged = [(r["terminal"], r["event_id"]) for r in store.recent_rejections()]
    assert sorted(logged, key=str) == sorted([("T-0001", event.id), ("T-0002", event.id), ("?", None)], key=str)
    counts = store.stats()["terminals"]
    assert counts["T-0001"]["duplicate"] == 1 and counts["T-0001"]["rejected"] == 1


def test_dead_letters_keep_the_payload_and_count_attempts(store: EventStore) -> None:
    store.dead_letter("T-0001", "e-1", "InternalError: refused", '{"id": "e-1"}')
    store.dead_letter("T-0001", "e-1", "InternalError: refused again", '{"id": "e-1"}')
    store.dead_letter("T-0002", None, "TypeError: x", "\\xff junk")
    rows = store.dead_letters()
    assert [(r["terminal"], r["event_id"], r["attempts"]) for r in rows] == [("T-0002", None, 1), ("T-0001", "e-1", 2)]
    assert rows[1]["error"] == "InternalError: refused again" and rows[1]["payload"] == '{"id": "e-1"}'
    assert store.stats()["totals"]["dead_letters"] == 2


def test_a_store_made_before_clock_flags_gets_the_column(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = sa.create_engine(url)
    with old.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE events (id TEXT PRIMARY KEY, terminal TEXT NOT NULL, schema TEXT NOT NULL, "
                             "seq BIGINT NOT NULL, created_at TEXT NOT NULL, body TEXT NOT NULL, "
                             "envelope TEXT NOT NULL, received_at TEXT NOT NULL, worker TEXT NOT NULL)")
    old.dispose()
    store = EventStore(url)
    store.create()
    event = envelope()
    flagged = Envelope(event.schema, event.id, event.terminal, event.seq, event.created_at, event.body, event.raw,
                       ("clock_ahead",))
    assert [a.status for a in store.store_batch([flagged], "w1")] == ["stored"]
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT flags FROM events").scalar() == '["clock_ahead"]'
    assert store.stats()["totals"]["clock_flagged"] == 1
    store.close()


def test_cloud_stats_on_a_store_nothing_was_written_to_yet(tmp_path: Path) -> None:
    """`edgepos cloud stats` before the first event: zero counts, not 'no such table: events'."""
    from sync.backend.service import cloud_stats
    stats = cloud_stats(f"sqlite:///{tmp_path / 'events.db'}")
    assert stats["terminals"] == {} and stats["totals"]["stored"] == 0
