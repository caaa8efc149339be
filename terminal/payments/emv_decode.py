"""Reading a merchant-presented QR payload: structure and CRC first, then values, then absent tags as warnings."""
from __future__ import annotations

from dataclasses import dataclass

from terminal.payments.emv import AMOUNT_TEXT, MANDATORY, MAX_AMOUNT, EmvError, all_digits, crc16, parse_tlvs, tag_label


@dataclass(frozen=True)
class Inspection:
    """A payload whose structure and CRC are sound: its fields, and what the specification wanted but is absent.

    Real national payloads omit tags EMVCo calls mandatory (PromptPay has no 52, 59, 60; VietQR no 52, 59, 60):
    they are warnings, not refusals. A wrong structure, a bad CRC or a malformed value is an EmvError.
    """

    fields: dict[str, str]
    crc: str
    warnings: tuple[str, ...]


def _missing(fields: dict[str, str]) -> list[str]:
    missing = [f"missing mandatory {tag_label(tag)}" for tag in MANDATORY if tag not in fields]
    if not any("02" <= tag <= "51" for tag in fields):
        missing.append("missing merchant account information (one of tags 02-51)")
    return missing


def _check_values(fields: dict[str, str]) -> None:
    """The values that are present must be well formed."""
    if fields["00"] != "01":
        raise EmvError(f"{tag_label('00')} must be 01, not {fields['00']!r}")
    if fields.get("01", "11") not in ("11", "12"):
        raise EmvError(f"{tag_label('01')} must be 11 (static) or 12 (dynamic), not {fields['01']!r}")
    if "52" in fields and not all_digits(fields["52"], 4):
        raise EmvError(f"{tag_label('52')} must be 4 digits, not {fields['52']!r}")
    if "53" in fields and not all_digits(fields["53"], 3):
        raise EmvError(f"{tag_label('53')} must be a 3-digit ISO 4217 number (156 for CNY), not {fields['53']!r}")
    if "54" in fields and not (len(fields["54"]) <= MAX_AMOUNT and AMOUNT_TEXT.fullmatch(fields["54"])):
        raise EmvError(f"{tag_label('54')} {fields['54']!r} is not a decimal amount of at most {MAX_AMOUNT} characters")
    if "58" in fields and len(fields["58"]) != 2:
        raise EmvError(f"{tag_label('58')} must be a 2-letter ISO 3166 code, not {fields['58']!r}")
    # Name (59) and city (60) lengths are limited when we encode, not here: wallets in the field
    # exceed them (the KHQR reference vector has a 16-character city).
    for tag, value in fields.items():  # templates must hold well-formed sub-fields
        template = tag in ("62", "64") or "26" <= tag <= "51"
        if template and "00" not in parse_tlvs(value, tag_label(tag)) and tag not in ("62", "64"):
            raise EmvError(f"{tag_label(tag)} has no globally unique identifier (sub-tag 00)")


def inspect(payload: str) -> Inspection:
    """Structure, CRC and values of a payload (EmvError when any is wrong); absent mandatory tags as warnings."""
    text = payload.strip("\r\n")
    if not text:
        raise EmvError("the payload is empty")
    fields = parse_tlvs(text, "payload")
    tags = list(fields)
    if "00" not in fields:
        raise EmvError(f"missing mandatory {tag_label('00')}: this is not an EMV merchant QR")
    if tags[0] != "00":
        raise EmvError(f"{tag_label('00')} must come first, the payload starts with tag {tags[0]}")
    if "63" not in fields:
        raise EmvError(f"missing mandatory {tag_label('63')}: the payload may be truncated")
    if tags[-1] != "63":
        raise EmvError(f"{tag_label('63')} must come last, but tag {tags[-1]} follows it")
    if len(fields["63"]) != 4:
        raise EmvError(f"{tag_label('63')} must be 4 hex digits, not {fields['63']!r}")
    computed = crc16(text[:-4])
    if fields["63"].upper() != computed:
        raise EmvError(f"CRC {fields['63']} does not match computed {computed}: the code is damaged or altered")
    _check_values(fields)
    return Inspection(fields, computed, tuple(_missing(fields)))


def decode(payload: str) -> dict[str, str]:
    """The fields of a payload that has every tag EMVCo calls mandatory (what our encoder writes); else EmvError."""
    found = inspect(payload)
    if found.warnings:
        raise EmvError(found.warnings[0])
    return found.fields
