"""member/1: a member joined, consented, enrolled a face, earned points, had points taken back, or left.

See terminal/members/service.py and terminal/members/points_back.py.
"""
from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from sync.event_schemas.common import (
    MAX_ID,
    Check,
    SchemaViolation,
    boolean,
    child,
    integer,
    nullable,
    one_of,
    record,
    text,
    timestamp,
)


class MemberAction(StrEnum):
    """What happened to the member."""

    CREATED = "created"
    CONSENT = "consent"
    ENROLLED = "enrolled"
    POINTS = "points"
    POINTS_REVERSED = "points_reversed"   # a refund took back its share of the points its sale earned
    DELETED = "deleted"


MAX_TEMPLATES = 1000
_action = one_of(frozenset(MemberAction))
# Only the last four digits of a phone ever leave the terminal (terminal/member_codes.mask_phone).
_phone = text(8, pattern=re.compile(r"\*{4}(?:[0-9]{4})?"))
_who = {"action": _action, "member_id": text(MAX_ID), "phone_masked": _phone}
_consents = {"face_pay_opt_in": boolean, "consent_face_at": nullable(timestamp),
             "consent_marketing_at": nullable(timestamp)}
_removed = {"templates_removed": integer(0, MAX_TEMPLATES)}

_BODIES: dict[MemberAction, Check] = {
    MemberAction.CREATED: record({**_who, "source": one_of(frozenset({"payment", "counter"})), **_consents}),
    MemberAction.CONSENT: record({**_who, **_removed, **_consents}),
    MemberAction.ENROLLED: record({**_who, "templates": integer(1, MAX_TEMPLATES)}),
    MemberAction.DELETED: record({**_who, **_removed}),
    MemberAction.POINTS: record({"action": _action, "member_id": text(MAX_ID), "sale_id": text(MAX_ID),
                                 "points": integer(1), "balance": integer(0)}),
    # points_reversed: how many were taken back, and how many the balance could not cover (never below 0)
    MemberAction.POINTS_REVERSED: record({"action": _action, "member_id": text(MAX_ID), "sale_id": text(MAX_ID),
                                          "refund_id": text(MAX_ID), "points_reversed": integer(0),
                                          "points_short": integer(0), "balance": integer(0)}),
}


def check_member(raw: Any, path: str) -> None:
    """Check a member/1 body against the fields of its action."""
    if not isinstance(raw, dict):
        raise SchemaViolation(path, "must be an object")
    action = _action(raw.get("action"), child(path, "action"))
    body = _BODIES[MemberAction(action)](raw, path)
    if action == MemberAction.POINTS and body["balance"] < body["points"]:
        raise SchemaViolation(child(path, "balance"), f"{body['balance']} is less than the points just earned "
                                                      f"({body['points']})")
    if body.get("face_pay_opt_in") and body.get("consent_face_at") is None:
        raise SchemaViolation(child(path, "face_pay_opt_in"), "is true without a consent_face_at time")
