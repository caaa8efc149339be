"""The [members] and [face] sections: points, the prepaid balance's offline cap, face-pay thresholds and cap."""
from __future__ import annotations

from dataclasses import dataclass

from terminal.config.keys import ConfigReader
from terminal.face.images import DEFAULT_MAX_IMAGE_PIXELS, HIGHEST_MAX_IMAGE_PIXELS
from terminal.sales.money import Money

DEFAULT_BALANCE_OFFLINE_CAP = "200.00"


@dataclass(frozen=True)
class MembersConfig:
    """Membership: points per whole unit of home currency paid (0 turns points off); what a member may spend
    from the prepaid balance per day while the link is down (None: the default, 200.00)."""

    points_per_unit: int = 1
    balance_offline_cap: Money | None = None


@dataclass(frozen=True)
class FaceConfig:
    """Face-pay: match tolerance and margin (face distances), per-member daily cap, blink time limit, and the
    most pixels an image file may have (checked from its header, before it is decoded)."""

    tolerance: float
    margin: float
    daily_cap: Money
    blink_window_s: int
    max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS


def _number(r: ConfigReader, key: str, default: float, low: float, high: float) -> float:
    raw = r.get(key, (int, float), default)  # type: ignore[arg-type]
    if isinstance(raw, bool):
        raise r.fail(key, f"must be a number, got {raw!r}")
    value = float(raw)
    if not low < value < high:
        raise r.fail(key, f"must be between {low:g} and {high:g} (exclusive), got {value:g}")
    return value


def parse_members(r: ConfigReader, currency: str) -> tuple[MembersConfig, FaceConfig]:
    """Read and check both sections; each has defaults, so an older config file still loads."""
    points = r.get("members.points_per_unit", int, 1)
    if isinstance(points, bool) or points < 0:
        raise r.fail("members.points_per_unit", f"must be a whole number of 0 or more, got {points!r}")
    face = FaceConfig(tolerance=_number(r, "face.tolerance", 0.5, 0.0, 1.5),
                      margin=_number(r, "face.margin", 0.08, -1e-12, 1.0),
                      daily_cap=r.money("face.daily_cap", currency, "500.00"),
                      blink_window_s=r.positive("face.blink_window_s", 5),
                      max_image_pixels=r.positive("face.max_image_pixels", DEFAULT_MAX_IMAGE_PIXELS))
    if face.max_image_pixels > HIGHEST_MAX_IMAGE_PIXELS:
        raise r.fail("face.max_image_pixels",
                     f"must be at most {HIGHEST_MAX_IMAGE_PIXELS}, got {face.max_image_pixels}")
    cap = r.money("members.balance_offline_cap", currency, DEFAULT_BALANCE_OFFLINE_CAP)
    return MembersConfig(points, cap), face
