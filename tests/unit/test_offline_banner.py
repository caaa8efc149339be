"""The cashier's offline banner: when it shows, what it says, and the facts read from a real terminal DB."""
from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pytest

from terminal.app.bootstrap import Terminal
from terminal.link.offline_banner import BannerFacts, banner_text, format_age, read_banner_facts
from terminal.sales.money import Money
from terminal.store.sync_store import SyncStore


@pytest.mark.parametrize("facts, text", [
    pytest.param(BannerFacts("never started", 0, None), "", id="nothing waiting, no link"),
    pytest.param(BannerFacts("online", 0, None), "", id="nothing waiting, online"),
    pytest.param(BannerFacts("online", 2, 60.0), "", id="online, young events: being sent"),
    pytest.param(BannerFacts("online", 2, 120.0), "", id="online, exactly at the limit"),
    pytest.param(BannerFacts("never started", 1, 5.0), "OFFLINE · 1 payment waiting · oldest under 1 min",
                 id="no link, one payment"),
    pytest.param(BannerFacts("offline", 3, 12 * 60 + 5.0), "OFFLINE · 3 payments waiting · oldest 12 min",
                 id="link down"),
    pytest.param(BannerFacts("not running", 2, 3 * 3600 + 5 * 60.0), "OFFLINE · 2 payments waiting · oldest 3 h 5 min",
                 id="link process gone"),
    pytest.param(BannerFacts("online", 3, 121.0), "NOT SENT · 3 payments waiting · oldest 2 min",
                 id="online but not acked for over 2 min"),
])
def test_banner_shown_or_hidden(facts: BannerFacts, text: str) -> None:
    assert banner_text(facts) == text


def test_ages_read_at_a_glance() -> None:
    assert format_age(59.9) == "under 1 min"
    assert format_age(60) == "1 min"
    assert format_age(59 * 60 + 59) == "59 min"
    assert format_age(3600) == "1 h 0 min"
    assert format_age(26 * 3600 + 60) == "1 d 2 h"


def test_the_words_come_from_the_translator() -> None:
    zh = {"OFFLINE": "离线", "{n} payments waiting": "{n} 笔付款待上传", "oldest {age}": "最早 {age}",
          "{m} min": "{m} 分钟"}
    text = banner_text(BannerFacts("offline", 4, 600.0), lambda msgid: zh.get(msgid, msgid))
    assert text == "离线 · 4 笔付款待上传 · 最早 10 分钟"


def test_facts_count_payment_events_only(open_term: Terminal, clock: Any) -> None:
    term = open_term
    facts = read_banner_facts(term.db, clock.now())
    assert facts == BannerFacts("never started", 0, None)      # the shift/1 event is not a payment
    assert term.outbox.pending_count() == 1
    term.till.scan("6900001250999")
    term.till.pay_cash(Money.parse("2.00", "CNY"))
    clock.advance(minutes=3)
    facts = read_banner_facts(term.db, clock.now())
    assert facts.link == "never started" and facts.payments == 1
    assert facts.oldest_age_s is not None and abs(facts.oldest_age_s - 180) < 1
    assert banner_text(facts) == "OFFLINE · 1 payment waiting · oldest 3 min"


def test_facts_follow_the_link_state(open_term: Terminal, clock: Any) -> None:
    term = open_term
    term.till.scan("6900001250999")
    term.till.pay_cash(Money.parse("2.00", "CNY"))
    SyncStore(term.db).set_state(link="online", since="2026-11-22T08:30:00Z", pid=os.getpid())
    assert read_banner_facts(term.db, clock.now()).link == "online"
    assert banner_text(read_banner_facts(term.db, clock.now() + timedelta(seconds=30))) == ""
    assert banner_text(read_banner_facts(term.db, clock.now() + timedelta(minutes=5))).startswith("NOT SENT")
