"""Times as a person reads them: the stored UTC moment in the shop's zone, with the zone's UTC offset.

Everything stored or sent (the database, events, the e-receipt backend) keeps RFC 3339 UTC; only what is
printed or shown passes through here, so every receipt, report and screen writes a time the same way:
`2026-11-22 16:30 UTC+8` (`UTC+5:30` for a half-hour zone, plain `UTC` when the offset is zero).
"""
from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EXAMPLE_ZONES = '"Asia/Shanghai" or "Asia/Ho_Chi_Minh"'


def zone_by_name(name: str) -> tzinfo:
    """The IANA zone called name; ValueError (with the name) when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a directory such as "Asia"
        raise ValueError(f"unknown time zone {name!r}") from None


def system_timezone() -> tzinfo:
    """The machine's zone: TZ when it names one, else /etc/localtime's zone, else the current fixed offset."""
    for name in (os.environ.get("TZ", "").lstrip(":"), _localtime_name()):
        if name:
            try:
                return zone_by_name(name)
            except ValueError:
                continue
    return datetime.now().astimezone().tzinfo or UTC


def _localtime_name() -> str:
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        return ""
    return target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else ""


def offset_label(offset: timedelta | None) -> str:
    """`UTC`, `UTC+8`, `UTC-3`, `UTC+5:30`."""
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds()) // 60
    sign, minutes = ("+" if minutes > 0 else "-"), abs(minutes)
    hours, rest = divmod(minutes, 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def local_time_text(moment: datetime, zone: tzinfo, seconds: bool = False) -> str:
    """A moment (naive means UTC) in the shop's zone, as receipts, reports and screens write it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(zone)
    return local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M") + " " + offset_label(local.utcoffset())


def stored_time_text(stamp: str, zone: tzinfo = UTC, seconds: bool = False) -> str:
    """A stored RFC 3339 time as local_time_text writes it; the stamp itself when it is not a time."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return local_time_text(moment, zone, seconds)
