"""sync/event_schemas: each rule refuses with the field named; out-of-window times are flagged, not refused."""
from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sync.event_schemas import DEFAULT_CLOCK_WINDOW, KNOWN_SCHEMAS, ClockFlag, SchemaViolation, validate_envelope
from terminal.link.events import make_envelope

NOW = datetime(2026, 11, 22, 8, 30, tzinfo=UTC)
SECRET = b"k" * 32

# A sale as the terminal wrote it (tests/integration/test_event_schemas_terminal.py): a coupon, a line discount,
# one tax-exclusive line (DRK-004: its 1.87 tax is on top), a member; 5050 - 604 + 187 = 4633.
SALE: dict[str, Any] = {
    "sale_id": "bf09a34b91f54a3fb79ec06d214d01a0", "shift_id": "387ce2d3ed2a484d87e726ad5d02344e",
    "currency": "CNY", "subtotal": 5050, "discount": 604, "tax": 393, "total": 4633,
    "closed_at": "2026-11-22T08:30:00.000000Z",
    "lines": [{"sku": "TEA-001", "name": "珍珠奶茶 Bubble milk tea", "quantity": 1, "unit_price": 1800,
               "amount": 1620, "tax": 92},
              {"sku": "DRK-004", "name": "Bia Sài Gòn lon 330ml", "quantity": 2, "unit_price": 800,
               "amount": 1627, "tax": 187},
              {"sku": "NOO-002", "name": "红烧牛肉面 Braised beef noodles", "quantity": 3, "unit_price": 550,
               "amount": 1386, "tax": 114}],
    "payments": [{"id": "5b0e", "method": "cash", "amount": 4633, "reference": "", "status": "approved"}],
    "member_id": "209d24cf170f41eabf4672420e80bbd7", "coupon": "TEN",
    "shop": {"name": "Hoa Sen 莲花 Mini Mart", "address": "12 Nguyễn Huệ", "terminal": "T-0001"},
}
OFFLINE: dict[str, Any] = {
    **{k: v for k, v in SALE.items() if k not in ("member_id", "coupon")},
    "subtotal": 1100, "discount": 0, "tax": 91, "total": 1100,
    "lines": [{"sku": "NOO-002", "name": "Noodles", "quantity": 2, "unit_price": 550, "amount": 1100, "tax": 91}],
    "payments": [{"id": "p2", "method": "code", "amount": 1100, "status": "offline",
                  "reference": "alipay:2812**********3456:T-0001-803f7e4a6b8f44598674"}],
    "forward": {"out_trade_no": "T-0001-803f7e4a6b8f44598674", "scheme": "alipay", "auth_code": "281234567890123456"},
}
REFUND = {"refund_id": "ceb5", "sale_id": "d1ec", "amount": 500, "currency": "CNY", "method": "cash",
          "reason": "damaged"}
MEMBER = {"action": "created", "member_id": "209d", "phone_masked": "****5678", "source": "counter",
          "face_pay_opt_in": True, "consent_face_at": "2026-11-22T08:30:00Z", "consent_marketing_at": None}
POINTS = {"action": "points", "member_id": "209d", "sale_id": "bf09", "points": 46, "balance": 46}
SHIFT_OPEN = {"event": "open", "shift_id": "387c", "cashier": "Lan", "float": 10000, "currency": "CNY"}
SHIFT_CLOSE = {"event": "close", "shift_id": "387c", "report": ["Z REPORT", "Gross sales CNY 46.33"]}


def envelope(schema: str, body: dict[str, Any], **fields: Any) -> dict[str, Any]:
    env = make_envelope(schema, copy.deepcopy(body), "T-0001", 7, "2026-11-22T08:30:00.000000Z", SECRET)
    env.update(fields)
    return env


def refused(env: dict[str, Any], field: str, reason: str = "") -> SchemaViolation:
    with pytest.raises(SchemaViolation) as caught:
        validate_envelope(env, now=NOW)
    assert caught.value.field == field, str(caught.value)
    assert reason in caught.value.reason
    assert str(caught.value) == f"field {field!r}: {caught.value.reason}"
    return caught.value


def sale_with(change: Callable[[dict[str, Any]], None], base: dict[str, Any] = SALE) -> dict[str, Any]:
    env = envelope("payment/1", base)   # changed after signing: the validator does not look at the MAC
    change(env["body"])
    return env


@pytest.mark.parametrize("schema, body", [
    ("payment/1", SALE), ("payment/1", OFFLINE), ("refund/1", REFUND), ("member/1", MEMBER),
    ("member/1", POINTS), ("shift/1", SHIFT_OPEN), ("shift/1", SHIFT_CLOSE)])
def test_the_terminals_events_pass_without_a_flag(schema: str, body: dict[str, Any]) -> None:
    assert validate_envelope(envelope(schema, body), now=NOW) == []


def test_the_registry_holds_one_entry_per_schema_version() -> None:
    assert {"payment/1", "refund/1", "member/1", "shift/1", "member.balance/1"} == KNOWN_SCHEMAS
    refused(envelope("payment/2", SALE), "schema", "is not one of")


@pytest.mark.parametrize("value, reason", [
    (-5000, "between 0 and"),                  # -50.00 as minor units
    (-50.00, "float"),
    (10**30, "31-digit number"),
    (1e308, "float"),
    (float("nan"), "float"),
    (10**12 + 1, "between 0 and 1000000000000"),
    (True, "must be an integer"),
    ("4633", "must be an integer"),
], ids=["-50.00", "-50.00 float", "10**30", "1e308", "NaN", "over the cap", "bool", "string"])
def test_a_total_that_is_not_a_sane_integer_amount_is_refused(value: Any, reason: str) -> None:
    refused(sale_with(lambda b: b.update(total=value)), "body.total", reason)


def test_nan_and_huge_numbers_from_json_text_are_refused_too() -> None:
    text = json.dumps(envelope("payment/1", SALE)).replace('"total": 4633', '"total": NaN')
    refused(json.loads(text), "body.total", "float")
    refused(sale_with(lambda b: b["lines"][0].update(amount=-50)), "body.lines[0].amount", "between 0")


@pytest.mark.parametrize("field, value, reason", [
    ("seq", 10**30, "31-digit number"), pytest.param("seq", 10**5000, "4300+-digit number", id="seq-10**5000"),
    ("seq", 2**63, "between 1 and 9223372036854775807"), ("seq", 0, "between"),
    ("seq", True, "integer"), ("seq", "1", "integer"), ("id", "", "1 to 64"), ("id", "x" * 65, "1 to 64"),
    ("terminal", "T 0001", "does not match"), ("mac", "ABC", "64 to 64"), ("mac", "g" * 64, "does not match"),
    ("created_at", "yesterday", "not an RFC 3339 UTC time"), ("created_at", 1700000000, "string"),
    ("created_at", "2026-11-22T08:30:00+08:00", "not an RFC 3339 UTC time"),
    ("created_at", "2026-02-30T08:30:00Z", "not a real time"), ("body", "junk", "must be an object"),
])
def test_envelope_fields_are_checked(field: str, value: Any, reason: str) -> None:
    env = envelope("payment/1", SALE)
    env[field] = value
    refused(env, field, reason)


def test_seq_at_the_top_of_the_64_bit_range_passes() -> None:
    assert validate_envelope(envelope("payment/1", SALE, seq=2**63 - 1), now=NOW) == []


def test_a_missing_field_and_a_non_object_envelope_are_named() -> None:
    env = envelope("payment/1", SALE)
    del env["seq"]
    refused(env, "seq", "is missing")
    refused(sale_with(lambda b: b.pop("currency")), "body.currency", "is missing")
    with pytest.raises(SchemaViolation, match="must be a JSON object"):
        validate_envelope([1, 2], now=NOW)  # type: ignore[arg-type]


@pytest.mark.parametrize("where, field", [
    (lambda e: e, "extra"), (lambda e: e["body"], "body.extra"), (lambda e: e["body"]["lines"][1],
                                                                  "body.lines[1].extra"),
    (lambda e: e["body"]["payments"][0], "body.payments[0].extra"), (lambda e: e["body"]["shop"], "body.shop.extra"),
], ids=["envelope", "body", "line", "payment", "shop"])
def test_fields_the_schema_version_does_not_know_are_refused(where: Callable[[dict[str, Any]], dict[str, Any]],
                                                             field: str) -> None:
    env = envelope("payment/1", SALE)
    where(env)["extra"] = 1
    refused(env, field, "not a field of this schema version")


def test_an_unknown_field_in_the_forward_is_refused() -> None:
    refused(sale_with(lambda b: b["forward"].update(pin="1234"), OFFLINE), "body.forward.pin", "not a field")


@pytest.mark.parametrize("created_at, flags", [
    ("2999-01-01T00:00:00Z", [ClockFlag.FUTURE]), ("2020-01-01T00:00:00Z", [ClockFlag.PAST]),
    ("2026-11-28T08:30:00Z", []), ("2026-11-15T08:30:00.5Z", []), ("2026-11-30T08:30:00+00:00", [ClockFlag.FUTURE]),
])
def test_created_at_outside_the_window_is_a_flag_not_a_violation(created_at: str, flags: list[ClockFlag]) -> None:
    assert timedelta(days=7) == DEFAULT_CLOCK_WINDOW
    assert validate_envelope(envelope("payment/1", SALE, created_at=created_at), now=NOW) == flags
    assert {flag.value for flag in ClockFlag} == {"clock_ahead", "clock_behind"}


def test_the_clock_window_is_configurable() -> None:
    env = envelope("payment/1", SALE, created_at="2026-11-22T09:30:00Z")
    assert validate_envelope(env, now=NOW, clock_window=timedelta(minutes=30)) == [ClockFlag.FUTURE]
    assert validate_envelope(env, now=NOW, clock_window=timedelta(hours=2)) == []


@pytest.mark.parametrize("change, field, reason", [
    (lambda b: b.update(subtotal=5051), "body.subtotal", "not the sum of unit_price x quantity"),
    (lambda b: b.update(tax=392), "body.tax", "not the sum of the lines' tax"),
    (lambda b: b.update(total=4634), "body.total", "not the sum of the lines' amounts"),
    (lambda b: b.update(discount=5051), "body.discount", "more than the subtotal"),
    (lambda b: b.update(discount=0), "body.total", "subtract_plus"),
    (lambda b: b["lines"][2].update(amount=1800, tax=114), "body.lines[2].amount", "more than unit_price"),
    (lambda b: b["payments"][0].update(amount=4000), "body.payments", "add up to 4000, the total is 4633"),
    (lambda b: b["payments"].append({**b["payments"][0], "amount": 0}), "body.payments[1].amount", "zero"),
    (lambda b: b.update(currency="XXX"), "body.currency", "not a currency the terminal knows"),
    (lambda b: b.update(currency="cny"), "body.currency", "ISO 4217"),
    (lambda b: b["lines"][0].update(quantity=10000), "body.lines[0].quantity", "between 1 and 9999"),
    (lambda b: b["lines"][0].update(name="x" * 257), "body.lines[0].name", "1 to 256 characters"),
    (lambda b: b["lines"][0].update(sku=""), "body.lines[0].sku", "1 to 64"),
    (lambda b: b["lines"][0].update(name="tea\ud800"), "body.lines[0].name", "lone surrogate"),
    (lambda b: b.update(sale_id="a\x00b"), "body.sale_id", "NUL"),
    (lambda b: b.update(lines=[]), "body.lines", "1 to 500 items"),
    (lambda b: b.update(closed_at="yesterday"), "body.closed_at", "RFC 3339"),
    (lambda b: b["payments"][0].update(method="bitcoin"), "body.payments[0].method", "cash, code, face"),
    (lambda b: b["payments"][0].update(status="pending"), "body.payments[0].status", "approved, offline"),
    (lambda b: b["payments"][0].update(status="offline"), "body.payments[0].status", "never taken offline"),
    (lambda b: b["shop"].update(terminal="../T-0002"), "body.shop.terminal", "does not match"),
], ids=lambda v: v if isinstance(v, str) and v.startswith("body") else "")
def test_payment_fields_and_sums(change: Callable[[dict[str, Any]], None], field: str, reason: str) -> None:
    refused(sale_with(change), field, "subtotal - discount" if reason == "subtract_plus" else reason)


@pytest.mark.parametrize("change, field, reason", [
    (lambda b: b.update(forward="junk"), "body.forward", "must be an object"),
    (lambda b: b.pop("forward"), "body.forward", "is missing: the offline payment cannot be charged"),
    (lambda b: b["payments"][0].update(status="approved"), "body.forward", "no payment has status offline"),
    (lambda b: b["forward"].update(scheme="face"), "body.forward.scheme", "does not match the offline code"),
    (lambda b: b["forward"].update(auth_code="2812**********3456"), "body.forward.auth_code", "does not match"),
    (lambda b: b["forward"].update(member_id="m1"), "body.forward", "exactly out_trade_no, scheme and auth_code"),
    (lambda b: b["payments"][0].update(method="face"), "body.forward.scheme", "does not match the offline face"),
])
def test_an_offline_payment_has_exactly_the_forward_the_backend_charges(
        change: Callable[[dict[str, Any]], None], field: str, reason: str) -> None:
    refused(sale_with(change, OFFLINE), field, reason)


def test_a_face_forward_names_the_sales_member() -> None:
    def face(b: dict[str, Any], member: str) -> None:
        b["payments"][0]["method"] = "face"
        b["member_id"] = "209d"
        b["forward"] = {"out_trade_no": "T-0001-aa", "scheme": "face", "member_id": member}
    assert validate_envelope(sale_with(lambda b: face(b, "209d"), OFFLINE), now=NOW) == []
    refused(sale_with(lambda b: face(b, "other"), OFFLINE), "body.forward.member_id", "not the sale's member_id")


@pytest.mark.parametrize("schema, body, change, field, reason", [
    ("refund/1", REFUND, lambda b: b.update(amount=0), "body.amount", "between 1"),
    ("refund/1", REFUND, lambda b: b.update(amount=-500), "body.amount", "between 1"),
    ("refund/1", REFUND, lambda b: b.update(amount=5.0), "body.amount", "integer"),
    ("refund/1", REFUND, lambda b: b.update(method="gift"), "body.method", "is not one of"),
    ("refund/1", REFUND, lambda b: b.update(reason=""), "body.reason", "1 to 256"),
    ("refund/1", REFUND, lambda b: b.update(note="x"), "body.note", "not a field"),
    ("member/1", MEMBER, lambda b: b.update(phone_masked="+8613812345678"), "body.phone_masked", "characters"),
    ("member/1", MEMBER, lambda b: b.update(phone_masked="13812345"), "body.phone_masked", "does not match"),
    ("member/1", MEMBER, lambda b: b.update(action="hack"), "body.action", "is not one of"),
    ("member/1", MEMBER, lambda b: b.update(consent_face_at="yesterday"), "body.consent_face_at", "RFC 3339"),
    ("member/1", MEMBER, lambda b: b.update(consent_face_at=None), "body.face_pay_opt_in", "without a consent"),
    ("member/1", MEMBER, lambda b: b.update(face_pay_opt_in=1), "body.face_pay_opt_in", "true or false"),
    ("member/1", MEMBER, lambda b: b.update(points=5), "body.points", "not a field"),
    ("member/1", POINTS, lambda b: b.update(points=-5), "body.points", "between 1"),
    ("member/1", POINTS, lambda b: b.update(balance=10**30), "body.balance", "31-digit number"),
    ("member/1", POINTS, lambda b: b.update(balance=45), "body.balance", "less than the points"),
    ("shift/1", SHIFT_OPEN, lambda b: b.update(float=-1), "body.float", "between 0"),
    ("shift/1", SHIFT_OPEN, lambda b: b.update(currency="BTC"), "body.currency", "not a currency"),
    ("shift/1", SHIFT_OPEN, lambda b: b.update(report=[]), "body.report", "not a field"),
    ("shift/1", SHIFT_OPEN, lambda b: b.update(event="reopen"), "body.event", "close, open"),
    ("shift/1", SHIFT_CLOSE, lambda b: b.update(report="Z REPORT"), "body.report", "must be an array"),
    ("shift/1", SHIFT_CLOSE, lambda b: b["report"].append(7), "body.report[2]", "must be a string"),
])
def test_refund_member_and_shift_bodies(schema: str, body: dict[str, Any], change: Callable[[dict[str, Any]], None],
                                        field: str, reason: str) -> None:
    changed = copy.deepcopy(body)
    change(changed)
    refused(envelope(schema, changed), field, reason)


def test_now_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        validate_envelope(envelope("payment/1", SALE), now=datetime(2026, 11, 22))
