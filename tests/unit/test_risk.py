"""Payment-code risk: single use, velocity per terminal, hashes only, refusals logged masked."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.fakes import FixedClock
from terminal.errors import EdgeposError, PaymentRefusal
from terminal.payments.risk import RiskGuard, RiskRefused
from terminal.store.db import Database
from terminal.store.risk import RiskStore

WECHAT = "134567890123456789"
ALIPAY = "2812345678901234"
UNIONPAY = "6212345678901234567"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "t.db")
    yield database
    database.close()


def guard(db: Database, clock: FixedClock, velocity_max: int = 5, window: int = 60) -> RiskGuard:
    return RiskGuard(RiskStore(db), clock, velocity_max=velocity_max, velocity_window_s=window)


def test_a_new_code_passes_and_a_reused_one_is_refused(db: Database, clock: FixedClock) -> None:
    risk = guard(db, clock)
    risk.check_code(WECHAT)
    risk.record(WECHAT)
    with pytest.raises(RiskRefused, match="already used"):
        risk.check_code(WECHAT)
    with pytest.raises(RiskRefused, match="already used"):
        risk.check_code(WECHAT + "\r\n")  # the same code with the scanner's line ending
    risk.check_code(ALIPAY)


def test_reuse_is_refused_long_after_and_after_a_restart(tmp_path: Path, clock: FixedClock) -> None:
    first = Database(tmp_path / "t.db")
    guard(first, clock).record(UNIONPAY)
    first.close()
    clock.advance(days=3)
    again = Database(tmp_path / "t.db")
    with pytest.raises(RiskRefused, match="already used"):
        guard(again, clock).check_code(UNIONPAY)
    again.close()


def test_velocity_limit_refuses_beyond_the_maximum_in_the_window(db: Database, clock: FixedClock) -> None:
    risk = guard(db, clock, velocity_max=3, window=60)
    for n in range(3):
        code = f"13456789012345678{n}"
        risk.check_code(code)
        risk.record(code)
        clock.advance(seconds=10)
    with pytest.raises(RiskRefused, match=r"too many code payments: 3 in the last 60 s \(limit 3\)"):
        risk.check_code("134567890123456999")
    clock.advance(seconds=31)  # the first payment (at 0 s) is now 61 s old
    assert risk.recent_count() == 2
    risk.check_code("134567890123456999")


def test_admit_checks_and_records_at_once(db: Database, clock: FixedClock) -> None:
    risk = guard(db, clock)
    risk.admit(ALIPAY)
    with pytest.raises(RiskRefused, match="already used"):
        risk.admit(ALIPAY)
    assert risk.recent_count() == 1


def test_the_database_never_contains_the_raw_code(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "t.db"
    database = Database(path)
    risk = guard(database, clock)
    for code in (WECHAT, ALIPAY, UNIONPAY):
        risk.record(code)
    with pytest.raises(RiskRefused):
        risk.check_code(WECHAT)
    database.close()
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("t.db"))
    assert b"risk_codes" in stored  # the table really is in the file
    for code in (WECHAT, ALIPAY, UNIONPAY):
        assert code.encode() not in stored
        assert code.encode("utf-16-le") not in stored


def test_the_salt_is_per_terminal(tmp_path: Path, clock: FixedClock) -> None:
    one, two = Database(tmp_path / "a.db"), Database(tmp_path / "b.db")
    guard(one, clock).record(WECHAT)
    guard(two, clock).record(WECHAT)
    hashes = [d.query_one("SELECT code_hash FROM risk_codes")[0] for d in (one, two)]  # type: ignore[index]
    assert hashes[0] != hashes[1]
    assert all(len(h) == 64 for h in hashes)
    one.close()
    two.close()


def test_refusals_are_logged_with_the_reason_and_the_mask_only(db: Database, clock: FixedClock,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    risk = guard(db, clock, velocity_max=1)
    risk.record(WECHAT)
    caplog.set_level(logging.WARNING, logger="terminal.payments.risk")
    with pytest.raises(RiskRefused):
        risk.check_code(WECHAT)
    with pytest.raises(RiskRefused):
        risk.check_code(ALIPAY)
    messages = [r.getMessage() for r in caplog.records if r.name == "terminal.payments.risk"]
    assert len(messages) == 2
    assert "1345**********6789" in messages[0] and "already used" in messages[0]
    assert "2812********1234" in messages[1] and "too many code payments" in messages[1]
    assert not any(code in m for m in messages for code in (WECHAT, ALIPAY))


def test_old_hashes_are_pruned_after_the_retention(db: Database, clock: FixedClock) -> None:
    risk = RiskGuard(RiskStore(db), clock, velocity_max=5, velocity_window_s=60, retention_s=3600)
    risk.record(WECHAT)
    clock.advance(hours=2)
    risk.record(ALIPAY)
    risk.check_code(WECHAT)  # forgotten after the retention period
    with pytest.raises(RiskRefused):
        risk.check_code(ALIPAY)


def test_bad_limits_are_refused(db: Database, clock: FixedClock) -> None:
    with pytest.raises(ValueError):
        guard(db, clock, velocity_max=0)
    assert issubclass(RiskRefused, EdgeposError)


def test_each_refusal_carries_its_reason_code(db: Database, clock: FixedClock) -> None:
    risk = guard(db, clock, velocity_max=2, window=60)
    risk.admit(WECHAT)
    with pytest.raises(RiskRefused) as reused:
        risk.admit(WECHAT)
    assert reused.value.reason is PaymentRefusal.CODE_REUSED
    risk.admit(ALIPAY)
    with pytest.raises(RiskRefused) as many:
        risk.check_code("134567890123456999")
    assert many.value.reason is PaymentRefusal.TOO_MANY_CODES
