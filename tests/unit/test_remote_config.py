"""Remote config: a push is checked whole; a bad key is named and nothing applies."""
from __future__ import annotations

import json
from typing import Any

import pytest

from terminal.config.remote import parse_remote_config, settings_from_json, settings_to_json
from terminal.errors import ConfigError
from terminal.sales.money import Money


def push(doc: Any) -> bytes:
    return json.dumps(doc).encode()


def test_a_full_push_parses_and_round_trips() -> None:
    doc = {"version": 3, "offline": {"per_payment_cap": "200.00", "total_cap": "1000", "max_age_hours": 12},
           "receipt": {"header": "Khai trương 开业", "footer": "Hẹn gặp lại"}, "catalog_version": "2026-11-22"}
    settings = parse_remote_config(push(doc), "CNY", applied_version=2)
    assert settings.per_payment_cap == Money(20000, "CNY") and settings.total_cap == Money(100000, "CNY")
    assert settings.max_age_hours == 12 and settings.receipt_header == "Khai trương 开业"
    assert settings_from_json(settings_to_json(settings), "CNY") == settings


@pytest.mark.parametrize("doc, key", [
    ({"offline": {}}, "version"),
    ({"version": 0}, "version"),
    ({"version": 2}, "not newer"),
    ({"version": 5, "colour": "red"}, "colour"),
    ({"version": 5, "offline": {"per_payment_cap": 500}}, "offline.per_payment_cap"),
    ({"version": 5, "offline": {"per_payment_cap": "5.001"}}, "offline.per_payment_cap"),
    ({"version": 5, "offline": {"total_cap": "-1"}}, "offline.total_cap"),
    ({"version": 5, "offline": {"max_age_hours": 0}}, "offline.max_age_hours"),
    ({"version": 5, "offline": {"speed": 1}}, "offline.speed"),
    ({"version": 5, "receipt": {"header": "x\x1b@"}}, "receipt.header"),
    ({"version": 5, "receipt": "loud"}, "receipt"),
])
def test_a_bad_push_names_the_key(doc: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        parse_remote_config(push(doc), "CNY", applied_version=2)


@pytest.mark.parametrize("payload", [b"not json", b"[1, 2]", b"\xff\xfe"])
def test_garbage_is_refused(payload: bytes) -> None:
    with pytest.raises(ConfigError, match="remote config"):
        parse_remote_config(payload, "CNY", applied_version=None)


@pytest.mark.parametrize("doc, message", [
    ({"version": 5, "offline": {"per_paymnet_cap": "1.00"}},
     "remote config: offline.per_paymnet_cap is not a setting the terminal knows (did you mean per_payment_cap?)"),
    ({"versoin": 5}, "remote config: versoin is not a setting the terminal knows (did you mean version?)"),
    ({"version": 5, "reciept": {"header": "x"}},
     "remote config: reciept.header is not a setting the terminal knows (did you mean receipt?)"),
])
def test_an_unknown_key_gets_the_closest_known_one_as_a_hint(doc: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_remote_config(push(doc), "CNY", applied_version=2)
    assert str(info.value) == message
