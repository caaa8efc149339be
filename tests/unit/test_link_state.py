"""What the link leaves in the terminal's DB, and what the doctor and `sync retry-rejected` make of it (real SQLite)."""
from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sync.retry import RetryAction, retry_rejected
from terminal.link.events import rfc3339, verify_envelope
from terminal.store.db import Database
from terminal.store.outbox import OutboxStore
from terminal.store.sync_store import LinkState, SyncStore
from terminal.technician.doctor_link import check_rejected, check_terminal_id, running_link_check

NOW = datetime(2026, 11, 22, 8, 30, tzinfo=UTC)
OLD_KEY, NEW_KEY = b"o" * 32, b"n" * 32


def queue(db: Database, terminal: str, secret: bytes, count: int) -> list[str]:
    """Enqueue `count` events signed as `terminal` with `secret`; their ids in seq order."""
    outbox = OutboxStore(db, terminal, secret)
    with db.transaction() as tx:
        return [outbox.enqueue(tx, "shift/1", {"n": n}, NOW) for n in range(count)]


def test_a_link_that_stopped_beating_is_not_trusted(tmp_path: Path) -> None:
    store = SyncStore(Database(tmp_path / "t.db"))
    store.set_state(link=LinkState.ONLINE, since=rfc3339(NOW), pid=os.getpid(), detail="")
    store.heartbeat(rfc3339(NOW - timedelta(seconds=60)))
    assert store.status(NOW).link == LinkState.NOT_RUNNING        # its pid lives, but it said nothing for a minute
    assert running_link_check(store.status(NOW), "T-0001", "T-0001") is None
    store.heartbeat(rfc3339(NOW - timedelta(seconds=1)))
    live = store.status(NOW)
    assert live.link == LinkState.ONLINE
    check = running_link_check(live, "T-0001", "T-0001")
    assert check is not None and check.ok and f"(pid {os.getpid()}) online since" in check.detail


def test_a_running_link_refused_by_the_broker_is_a_failure_with_its_fix(tmp_path: Path) -> None:
    store = SyncStore(Database(tmp_path / "t.db"))
    store.set_state(link=LinkState.REFUSED, since=rfc3339(NOW), pid=os.getpid(),
                    detail="the broker refused the terminal: Bad user name or password")
    store.heartbeat(rfc3339(NOW))
    check = running_link_check(store.status(NOW), "T-0001", "T-0001")
    assert check is not None and not check.ok and "Bad user name or password" in check.detail
    assert "[broker] username/password" in check.fix


def test_terminal_id_must_be_the_broker_user() -> None:
    assert check_terminal_id("T-0001", "T-0001").ok
    wrong = check_terminal_id("T-0002", "T-0001")
    assert not wrong.ok and "T-0002" in wrong.detail and "T-0001" in wrong.detail and 'id = "T-0001"' in wrong.fix


def test_rejections_are_counted_by_reason_with_the_fix(tmp_path: Path) -> None:
    db = Database(tmp_path / "t.db")
    store = SyncStore(db)
    assert check_rejected(store).ok
    ids = queue(db, "T-0001", OLD_KEY, 3)
    for event_id in ids[:2]:
        store.reject(event_id, "bad mac: the envelope was altered or signed with another key", rfc3339(NOW))
    store.reject(ids[2], "field 'total' must be at least 0", rfc3339(NOW))
    check = check_rejected(store)
    assert not check.ok and "3 set aside" in check.detail and "2 bad mac" in check.detail
    assert "terminal.key" in check.fix and "edgepos sync retry-rejected" in check.fix


def test_retry_rejected_resigns_what_checks_out_and_keeps_the_rest(tmp_path: Path) -> None:
    db = Database(tmp_path / "t.db")
    store = SyncStore(db)
    ids = queue(db, "T-0001", OLD_KEY, 4)
    for event_id in ids[:3]:
        store.reject(event_id, "bad mac: the envelope was altered or signed with another key", rfc3339(NOW))
    store.reject(ids[3], "field 'total' must be at least 0", rfc3339(NOW))
    tampered = json.loads(db.query_one("SELECT envelope FROM outbox_rejected WHERE id = ?", (ids[1],))[0])
    tampered["body"]["n"] = 99
    with db.transaction() as tx:
        tx.execute("UPDATE outbox_rejected SET envelope = ? WHERE id = ?", (json.dumps(tampered), ids[1]))

    outcomes = {o.id: o for o in retry_rejected(db, "T-0001", NEW_KEY, [OLD_KEY])}
    assert outcomes[ids[0]].action == outcomes[ids[2]].action == RetryAction.RESIGNED
    assert outcomes[ids[1]].action == RetryAction.KEPT and "no key" in outcomes[ids[1]].detail
    assert outcomes[ids[3]].action == RetryAction.KEPT and "content" in outcomes[ids[3]].detail
    back = db.query("SELECT seq, id, envelope FROM outbox ORDER BY seq")
    assert [r["id"] for r in back] == [ids[0], ids[2]]
    assert all(verify_envelope(json.loads(r["envelope"]), NEW_KEY) for r in back)
    assert {r["id"] for r in db.query("SELECT id FROM outbox_rejected")} == {ids[1], ids[3]}


def test_retry_rejected_moves_events_to_the_right_terminal_id(tmp_path: Path) -> None:
    db = Database(tmp_path / "t.db")
    ids = queue(db, "T-0002", NEW_KEY, 2)
    for event_id in ids:
        SyncStore(db).reject(event_id, "terminal 'T-0002' published on 'T-0001''s topic", rfc3339(NOW))
    outcomes = retry_rejected(db, "T-0001", NEW_KEY, [])
    assert [o.action for o in outcomes] == [RetryAction.RESIGNED] * 2
    assert all("T-0002 -> T-0001" in o.detail for o in outcomes)
    envelopes = [json.loads(r[0]) for r in db.query("SELECT envelope FROM outbox ORDER BY seq")]
    assert [e["terminal"] for e in envelopes] == ["T-0001", "T-0001"] and [e["id"] for e in envelopes] == ids
