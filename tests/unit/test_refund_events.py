"""refund/1 with and without refunded lines, and member/1 points_reversed, against the backend's schemas."""
from __future__ import annotations

from typing import Any

import pytest

from sync.event_schemas import SchemaViolation
from sync.event_schemas.member import check_member
from sync.event_schemas.refund import check_refund

OLD = {"refund_id": "r-1", "sale_id": "s-1", "amount": 500, "currency": "CNY", "method": "cash", "reason": "x"}
LINES = [{"line_no": 1, "sku": "DRK-001", "quantity": 1, "amount": 200},
         {"line_no": 3, "sku": "TEA-001", "quantity": 2, "amount": 300}]
BACK = {"action": "points_reversed", "member_id": "m-1", "sale_id": "s-1", "refund_id": "r-1",
        "points_reversed": 5, "points_short": 2, "balance": 0}


def test_a_refund_with_its_lines_and_an_old_one_without_them_both_pass() -> None:
    check_refund(OLD, "body")
    check_refund({**OLD, "lines": LINES}, "body")
    check_member(BACK, "body")


@pytest.mark.parametrize("body, field", [
    ({**OLD, "lines": [LINES[0]]}, "body.amount"),                                  # lines do not add up
    ({**OLD, "lines": [LINES[0], {**LINES[1], "line_no": 1}]}, "body.lines"),      # a line twice
    ({**OLD, "lines": []}, "body.lines"),
    ({**OLD, "lines": [{**LINES[0], "quantity": 0}]}, "body.lines[0].quantity"),
    ({**BACK, "points_reversed": -5}, "body.points_reversed"),
    ({**BACK, "balance": -1}, "body.balance"),
])
def test_bad_refund_lines_and_points_reversals_are_named(body: dict[str, Any], field: str) -> None:
    check = check_member if body.get("action") else check_refund
    with pytest.raises(SchemaViolation) as err:
        check(body, "body")
    assert err.value.field == field
