"""Hypothesis strategies for signed envelopes, each labelled valid or not BY CONSTRUCTION (never by the backend).

Valid events are the known-good templates of backend_clients.BODIES with variations the schemas allow (prices,
quantities, names, currencies, line counts, a clock far off). Everything else is built to break a documented rule:
a field no schema has, a missing field, a wrong type, a negative or huge number, NaN, an odd string where a
pattern is required, deep nesting, or not JSON at all.
"""
from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from backend_clients import BODIES, PAYMENT
from terminal.link.events import make_envelope, rfc3339

_ids = itertools.count(1)
NAME = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)
ODD = st.sampled_from(["\ud800", "a\x00b", "\u2028\u0085", "🙂" * 30, "x" * 300, "'; DROP TABLE events;--", "",
                       "yesterday", "2999-13-45T99:99:99Z", "\\u0000", "NaN"])
JSON = st.recursive(st.none() | st.booleans() | st.integers(-10**40, 10**40)
                    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20) | ODD,
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=15)
WRONG = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=False, allow_infinity=False), ODD,
                  st.lists(st.integers(), max_size=3), st.just({"nested": {"deeper": [1, 2]}}))
BAD_NUMBER = st.one_of(st.integers(-10**30, -1), st.integers(10**13, 10**40), st.just(1e308), st.just(-0.5))


@dataclass(frozen=True)
class Sent:
    """One message for T-0001's topic: its bytes, its id when the backend can read one, and the generator's label."""

    payload: bytes
    event_id: str | None
    valid: bool


def _new_id(tag: str) -> str:
    return f"fz-{tag}-{next(_ids)}"


def _signed(fields: dict[str, Any], secret: bytes) -> dict[str, Any]:
    """Any envelope-shaped dict signed the way the terminal signs (MAC over everything but the mac)."""
    out = dict(fields)
    text = json.dumps(out, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    out["mac"] = hmac.new(secret, text.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()  # as canonical()
    return out


def _now(offset_s: float = 0) -> str:
    return rfc3339(datetime.now(UTC) + timedelta(seconds=offset_s))


@st.composite
def valid_event(draw: st.DrawFn, secret: bytes) -> Sent:
    """A schema-valid event: a sale with 1-3 lines of any price and quantity, or a refund, member or shift event."""
    schema = draw(st.sampled_from(["payment/1", "payment/1", "refund/1", "member/1", "shift/1"]))
    body = copy.deepcopy(BODIES[schema])
    if schema == "payment/1":
        lines = [{"sku": draw(st.from_regex(r"[A-Z]{3}-[0-9]{3}", fullmatch=True)), "name": draw(NAME),
                  "quantity": draw(st.integers(1, 9999)), "unit_price": draw(st.integers(0, 10**6)), "tax": 0}
                 for _ in range(draw(st.integers(1, 3)))]
        for line in lines:
            line["amount"] = line["unit_price"] * line["quantity"]
        total = sum(line["amount"] for line in lines)
        body.update(lines=lines, subtotal=total, total=total, sale_id=_new_id("sale"),
                    currency=draw(st.sampled_from(["CNY", "VND", "JPY"])),
                    payments=[dict(PAYMENT["payments"][0], amount=total)])
    elif schema == "refund/1":
        body["amount"] = draw(st.integers(1, 10**12))
    elif schema == "shift/1":
        body.update(float=draw(st.integers(0, 10**12)), cashier=draw(NAME))
    else:
        points = draw(st.integers(1, 10**6))
        body.update(points=points, balance=points + draw(st.integers(0, 10**9)))   # the balance includes them
    offset = draw(st.sampled_from([0.0, -60.0, 86400.0 * 30, -86400.0 * 400]))   # far off: flagged, still stored
    event_id = _new_id("ok")
    env = make_envelope(schema, body, "T-0001", draw(st.integers(1, 2**63 - 1)), _now(offset), secret, event_id)
    return Sent(json.dumps(env).encode(), event_id, True)


@st.composite
def invalid_event(draw: st.DrawFn, secret: bytes) -> Sent:
    """A signed (or unreadable) message that breaks one documented rule; labelled invalid."""
    kind = draw(st.sampled_from(["random_body", "unknown_field", "missing", "wrong_type", "bad_number", "seq",
                                 "created_at", "odd_name", "deep", "nan", "body_not_object", "extra_envelope_field",
                                 "not_json", "too_big", "unpaid"]))
    event_id = _new_id(kind)
    fields: dict[str, Any] = {"schema": "payment/1", "id": event_id, "terminal": "T-0001",
                              "seq": draw(st.integers(1, 10**6)), "created_at": _now(),
                              "body": copy.deepcopy(PAYMENT)}
    body = fields["body"]
    body["sale_id"] = _new_id("sale")
    if kind == "random_body":
        fields["schema"] = draw(st.sampled_from(sorted(BODIES)))
        fields["body"] = draw(st.dictionaries(st.text(max_size=8), JSON, max_size=5))
        fields["body"][f"zz_fuzz_{event_id}"] = draw(JSON)          # no schema has this field
    elif kind == "unknown_field":
        body[draw(st.sampled_from(["colour", "total_v2", "Total", " total"]))] = draw(JSON)
    elif kind == "missing":
        del body[draw(st.sampled_from(["sale_id", "currency", "total", "lines", "payments"]))]
    elif kind == "wrong_type":
        body[draw(st.sampled_from(["total", "currency", "lines", "payments", "subtotal"]))] = draw(WRONG)
    elif kind == "bad_number":
        body[draw(st.sampled_from(["total", "subtotal", "tax", "discount"]))] = draw(BAD_NUMBER)
    elif kind == "seq":
        fields["seq"] = draw(st.one_of(st.integers(-10**30, 0), st.integers(2**63, 10**40), WRONG))
    elif kind == "created_at":
        fields["created_at"] = draw(st.one_of(ODD, st.just("2026-02-30T00:00:00Z"), st.integers()))
    elif kind == "odd_name":
        body["lines"][0]["name"] = draw(st.sampled_from(["\ud800", "a\x00b", "x" * 257, ""]))
    elif kind == "deep":
        nested: Any = "x"
        for _ in range(draw(st.integers(2, 200))):
            nested = [nested]
        body["lines"][0]["name"] = nested
    elif kind == "body_not_object":
        fields["body"] = draw(st.one_of(st.lists(JSON, max_size=3), st.text(max_size=10), st.integers()))
    elif kind == "extra_envelope_field":
        fields[draw(st.sampled_from(["version", "note", "id2"]))] = draw(JSON)
    elif kind == "unpaid":
        body["payments"][0]["amount"] = draw(st.integers(0, 1249))
    elif kind == "nan":                                  # RFC 8259 has no NaN: not JSON, so no id to answer
        body["total"] = draw(st.sampled_from([float("nan"), float("inf"), float("-inf")]))
        return Sent(json.dumps(_signed(fields, secret)).encode(), None, False)
    elif kind == "not_json":
        return Sent(draw(st.binary(max_size=200)) + b"\xff{", None, False)
    elif kind == "too_big":                              # over the 64 KiB limit: refused before it is read
        body["lines"][0]["name"] = "x" * 70_000
        return Sent(json.dumps(_signed(fields, secret)).encode(), None, False)
    return Sent(json.dumps(_signed(fields, secret)).encode(), event_id, False)


def batches(secret: bytes) -> st.SearchStrategy[list[Sent]]:
    """A mix of valid and invalid messages, as one burst from T-0001."""
    return st.lists(st.one_of(valid_event(secret), invalid_event(secret), invalid_event(secret)), min_size=1,
                    max_size=8)
