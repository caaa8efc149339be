"""Fuzz: random signed envelopes from T-0001 against a running `edgepos cloud` (2 worker processes, real Mosquitto,
SQLite). After every burst a good event from T-0002 is stored within 1 s; at the end the stored T-0001 ids are
exactly the ones the generator labelled valid. `EDGEPOS_SOAK=1` (make soak) runs many more examples.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from backend_clients import TerminalClient, terminals  # noqa: F401  (fixture)
from fuzz_events import Sent, batches
from sync.backend.store import EventStore
from sync_helpers import start_cloud, stop

pytestmark = pytest.mark.integration
EXAMPLES = 500 if os.environ.get("EDGEPOS_SOAK") == "1" else 50
GOOD_WITHIN_S = 1.0


def test_random_signed_envelopes_never_stop_the_backend_and_only_valid_ones_are_stored(
        deployment: Any, broker: Any, terminals: dict[str, TerminalClient], tmp_path: Path) -> None:
    t1, t2 = terminals["T-0001"], terminals["T-0002"]
    db, log = tmp_path / "cloud" / "events.db", tmp_path / "cloud.log"
    cloud = start_cloud(deployment, db, log, "--workers", "2")
    valid: set[str] = set()
    invalid: list[Sent] = []
    probes: list[str] = []
    try:
        first = t2.envelope()
        assert t2.send_until_acked([first], 60)[first["id"]].status == "stored", log.read_text(errors="replace")
        probes.append(first["id"])

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=False,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(batch=batches(t1.secret))
        def burst(batch: list[Sent]) -> None:
            t1.publish(*[sent.payload for sent in batch])
            answered = [sent for sent in batch if sent.event_id is not None]
            acks = t1.wait_acks([sent.event_id for sent in answered if sent.event_id], 20)
            for sent in answered:
                expected = "stored" if sent.valid else "rejected"
                assert acks[sent.event_id or ""].status == expected, (sent, acks[sent.event_id or ""])
            valid.update(sent.event_id for sent in batch if sent.valid and sent.event_id)
            invalid.extend(sent for sent in batch if not sent.valid)
            probe = t2.envelope()
            started = time.monotonic()
            t2.publish(probe)
            ack = t2.wait_acks([probe["id"]], 20)[probe["id"]]
            took = time.monotonic() - started
            assert ack.status == "stored" and took <= GOOD_WITHIN_S, f"T-0002's event took {took:.2f} s ({ack})"
            probes.append(probe["id"])
            assert cloud.poll() is None, log.read_text(errors="replace")[-3000:]

        burst()
    finally:
        stop(cloud)
    store = EventStore(f"sqlite:///{db}")
    assert valid and invalid, "the generator sent no valid or no invalid event"
    assert set(store.event_ids("T-0001")) == valid
    assert sorted(store.event_ids("T-0002")) == sorted(probes)
    assert store.dead_letters() == []
    store.close()
