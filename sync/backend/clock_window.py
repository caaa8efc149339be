"""`edgepos cloud run --clock-window-hours`: how far created_at may be from the backend's clock before a flag."""
from __future__ import annotations

import argparse
import math
from datetime import timedelta

MAX_HOURS = 24 * 3650      # ten years: beyond that the flag would never fire
HELP = ("hours an event's created_at may be off the backend's clock before it is stored with a clock flag "
        "(default: sync/event_schemas DEFAULT_CLOCK_WINDOW, 7 days)")


def clock_window_hours(text: str) -> timedelta:
    """The option's value as a window; argparse reports the error with the option's name."""
    try:
        hours = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of hours (e.g. 24)") from None
    if not math.isfinite(hours) or not 0 < hours <= MAX_HOURS:
        raise argparse.ArgumentTypeError(f"{text!r} must be more than 0 and at most {MAX_HOURS} hours")
    return timedelta(hours=hours)
