"""The cashier's offline banner: whether it shows and what it says, from the outbox and the link state."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from terminal.store.backlog import BacklogStore
from terminal.store.db import Database
from terminal.store.sync_store import LinkState, SyncStore

LATE_AFTER_S = 120.0  # a payment still unforwarded after this long shows the banner even with the link up
CONNECTED = LinkState.ONLINE  # the link state `edgepos sync status` reports while the link is connected


@dataclass(frozen=True)
class BannerFacts:
    """What the banner is computed from: link state, unforwarded payment events, age of the oldest."""

    link: LinkState
    payments: int
    oldest_age_s: float | None


def _same(text: str) -> str:
    return text


def format_age(seconds: float, tr: Callable[[str], str] = _same) -> str:
    """An age in words a cashier reads at a glance: under 1 min, 12 min, 3 h 5 min, 2 d 4 h."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return tr("under 1 min")
    if minutes < 60:
        return tr("{m} min").format(m=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return tr("{h} h {m} min").format(h=hours, m=minutes)
    days, hours = divmod(hours, 24)
    return tr("{d} d {h} h").format(d=days, h=hours)


def banner_text(facts: BannerFacts, tr: Callable[[str], str] = _same) -> str:
    """The banner's text, or "" when it is hidden.

    Shown while the link is not connected and a payment waits, or when the oldest waiting payment is older
    than LATE_AFTER_S (the link is up but the backend does not ack it); hidden when nothing waits.
    """
    if facts.payments <= 0:
        return ""
    late = facts.oldest_age_s is not None and facts.oldest_age_s > LATE_AFTER_S
    offline = facts.link != CONNECTED
    if not (offline or late):
        return ""
    head = tr("OFFLINE") if offline else tr("NOT SENT")
    count = tr("1 payment waiting") if facts.payments == 1 else tr("{n} payments waiting").format(n=facts.payments)
    parts = [head, count]
    if facts.oldest_age_s is not None:
        parts.append(tr("oldest {age}").format(age=format_age(facts.oldest_age_s, tr)))
    return " · ".join(parts)


def _age_s(stamp: str | None, now: datetime) -> float | None:
    if stamp is None:
        return None
    then = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return max((now - then).total_seconds(), 0.0)


def read_banner_facts(db: Database, now: datetime | None = None) -> BannerFacts:
    """The link state as `sync status` reports it, and the payment events still in the outbox."""
    now = now or datetime.now(UTC)
    link = SyncStore(db).status(now).link
    count, oldest = BacklogStore(db).waiting("payment/1")
    return BannerFacts(link, count, _age_s(oldest, now))
