"""EMVCo QR Code Specification for Payment Systems, Merchant-Presented Mode: encode and decode.

A payload is a run of TLVs (2-digit tag, 2-digit length counted in characters, value); tag 00 comes
first, tag 63 (CRC-16/CCITT-FALSE over everything before its value, "6304" included) comes last.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from terminal.errors import EdgeposError
from terminal.sales.money import EXPONENTS, Money


class EmvError(EdgeposError, ValueError):
    """A merchant QR payload cannot be built or read; the message says which field and why."""


# ISO 4217 numeric codes of the currencies a shop here may show a QR in (tag 53).
CURRENCY_NUMERIC: dict[str, str] = {
    "CNY": "156", "USD": "840", "VND": "704", "JPY": "392", "KWD": "414", "KHR": "116", "THB": "764",
    "SGD": "702", "HKD": "344", "EUR": "978", "MOP": "446", "TWD": "901", "MYR": "458", "PHP": "608",
    "IDR": "360", "LAK": "418", "KRW": "410", "GBP": "826", "AUD": "036", "INR": "356",
}
CURRENCY_ALPHA: dict[str, str] = {numeric: alpha for alpha, numeric in CURRENCY_NUMERIC.items()}
EDGEPOS_GUI = "com.edgepos"  # our globally unique identifier: sub-tag 00 of our account template 26
MANDATORY: tuple[str, ...] = ("00", "52", "53", "58", "59", "60", "63")
NAMES: dict[str, str] = {
    "00": "payload format indicator", "01": "point of initiation", "52": "merchant category code",
    "53": "currency", "54": "amount", "58": "country", "59": "merchant name", "60": "merchant city",
    "62": "additional data", "63": "CRC", "64": "merchant information in another language",
}
MAX_NAME, MAX_CITY, MAX_BILL, MAX_AMOUNT = 25, 15, 25, 13
AMOUNT_TEXT = re.compile(r"[0-9]+(\.[0-9]*)?")
_DIGITS = frozenset("0123456789")

SubFields = tuple[tuple[str, str], ...]
Account = tuple[str, str | SubFields]


def tag_label(tag: str) -> str:
    """How a message names a tag: its number, and its meaning where the specification gives one."""
    return f"tag {tag} ({NAMES[tag]})" if tag in NAMES else f"tag {tag}"


def all_digits(text: str, count: int) -> bool:
    """True when `text` is exactly `count` ASCII digits."""
    return len(text) == count and set(text) <= _DIGITS


def crc16(text: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of the UTF-8 text, as 4 upper-case hex digits."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise EmvError("the payload has characters that are not valid text") from None
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def _tlv(tag: str, value: str) -> str:
    if not 1 <= len(value) <= 99:
        raise EmvError(f"{tag_label(tag)}: a value must be 1-99 characters, this one has {len(value)}")
    return f"{tag}{len(value):02d}{value}"


def parse_tlvs(text: str, where: str) -> dict[str, str]:
    """The TLVs of a payload or template, in order; refuses bad tags, bad lengths, truncation, duplicates."""
    label = tag_label if where == "payload" else (lambda tag: f"sub-tag {tag}")
    fields: dict[str, str] = {}
    pos = 0
    while pos < len(text):
        head = text[pos:pos + 4]
        if len(head) < 4:
            raise EmvError(f"{where} is truncated: {len(head)} characters left at position {pos}, "
                           "where a tag and a length (4 digits) were expected")
        tag, length = head[:2], head[2:]
        if not all_digits(tag, 2):
            raise EmvError(f"{where}: {tag!r} at position {pos} is not a two-digit tag")
        if not all_digits(length, 2) or length == "00":
            raise EmvError(f"{where}: {label(tag)} has length {length!r}, not a two-digit number from 01 to 99")
        end = pos + 4 + int(length)
        if end > len(text):
            raise EmvError(f"{where}: {label(tag)} says {int(length)} characters but only "
                           f"{len(text) - pos - 4} remain (truncated, or a wrong length)")
        if tag in fields:
            raise EmvError(f"{where}: {label(tag)} appears twice")
        fields[tag] = text[pos + 4:end]
        pos = end
    return fields


def decode_template(value: str) -> dict[str, str]:
    """The sub-fields of a template value (tags 26-51, 62, 64), in order."""
    return parse_tlvs(value, "template")


def edgepos_account(merchant_id: str | None = None) -> Account:
    """Our merchant account template: tag 26 with sub-tag 00 = our unique id and 01 = the merchant id."""
    sub: SubFields = (("00", EDGEPOS_GUI),) + ((("01", merchant_id),) if merchant_id else ())
    return ("26", sub)


def to_amount_str(amount: Money) -> str:
    """A positive Money as tag 54 text, with the currency's decimals ('12.50', '1500')."""
    if amount.minor <= 0:
        raise EmvError(f"a QR amount must be more than zero, not {amount.format()}")
    return amount.amount_str()


def _text(what: str, value: str, limit: int) -> None:
    if not value or len(value) > limit:
        raise EmvError(f"{what} must be 1-{limit} characters, {value!r} has {len(value)}")
    if any(unicodedata.category(ch).startswith("C") for ch in value):
        raise EmvError(f"{what} {value!r} has control or invalid characters")


def _check_decimals(amount: str, currency: str) -> None:
    """Tag 54 goes out as given, so it may not have more decimals than the currency (a wallet would misread it)."""
    decimals = len(amount.partition(".")[2])
    places = EXPONENTS.get(currency)
    if places is None or decimals <= places:
        return  # a numeric code we have no exponent for is passed through as given
    if places == 0:
        raise EmvError(f"the amount {amount} has decimals, but {currency} has no decimals: "
                       f"write a whole number such as {amount.partition('.')[0]}")
    raise EmvError(f"the amount {amount} has {decimals} decimals, {currency} has {places}: "
                   f"write it with at most {places}, e.g. {Decimal(1).scaleb(-places) * 1234}")


@dataclass(frozen=True)
class MerchantQR:
    """What a merchant-presented QR says; invalid fields are refused when it is made."""

    merchant_name: str
    merchant_city: str
    country: str
    currency: str  # ISO 4217 alpha ("CNY") or numeric ("156")
    amount: str | None = None
    bill_number: str | None = None
    mcc: str = "5411"
    merchant_account: tuple[Account, ...] = (edgepos_account(),)
    dynamic: bool = True

    def __post_init__(self) -> None:
        _text("the merchant name", self.merchant_name, MAX_NAME)
        _text("the merchant city", self.merchant_city, MAX_CITY)
        if not (len(self.country) == 2 and self.country.isascii() and self.country.isupper()):
            raise EmvError(f"the country must be 2 capital letters (ISO 3166, e.g. CN), not {self.country!r}")
        if not all_digits(self.mcc, 4):
            raise EmvError(f"the merchant category code must be 4 digits (e.g. 5411), not {self.mcc!r}")
        _ = self.currency_numeric  # refuses an unknown currency now rather than at encode time
        if self.amount is not None:
            if len(self.amount) > MAX_AMOUNT or not AMOUNT_TEXT.fullmatch(self.amount) or not Decimal(self.amount):
                raise EmvError(f"the amount must be a positive decimal such as 12.34 of at most {MAX_AMOUNT} "
                               f"characters, not {self.amount!r}")
            _check_decimals(self.amount, CURRENCY_ALPHA.get(self.currency_numeric, ""))
        if self.bill_number is not None:
            _text("the bill number", self.bill_number, MAX_BILL)
        if not self.merchant_account:
            raise EmvError("a merchant account (tags 02-51) is required: use edgepos_account(merchant_id)")
        seen: set[str] = set()
        for tag, value in self.merchant_account:
            if not ("02" <= tag <= "51" and all_digits(tag, 2)) or tag in seen:
                raise EmvError(f"merchant account tag {tag!r} must be a distinct tag from 02 to 51")
            seen.add(tag)
            text = _account_value(tag, value)
            if "26" <= tag <= "51" and "00" not in parse_tlvs(text, f"merchant account {tag}"):
                raise EmvError(f"merchant account {tag} needs a globally unique identifier as sub-tag 00")

    @property
    def currency_numeric(self) -> str:
        """The ISO 4217 numeric code for tag 53."""
        if all_digits(self.currency, 3):
            return self.currency
        try:
            return CURRENCY_NUMERIC[self.currency.upper()]
        except KeyError:
            raise EmvError(f"unknown currency {self.currency!r}: use a 3-digit ISO 4217 number "
                           f"or one of {', '.join(sorted(CURRENCY_NUMERIC))}") from None


def _account_value(tag: str, value: str | SubFields) -> str:
    if isinstance(value, str):
        return value
    if tag < "26":
        raise EmvError(f"merchant account {tag} is a plain value, not a template (templates are 26-51)")
    if any(not all_digits(sub, 2) for sub, _ in value):
        raise EmvError(f"merchant account {tag}: sub-tags must be two digits, not {[sub for sub, _ in value]}")
    return "".join(_tlv(sub, text) for sub, text in value)


def encode(qr: MerchantQR) -> str:
    """The payload text of a merchant-presented QR, ending with its CRC."""
    parts = [_tlv("00", "01"), _tlv("01", "12" if qr.dynamic else "11")]
    accounts = sorted(qr.merchant_account, key=lambda account: account[0])
    parts += [_tlv(tag, _account_value(tag, value)) for tag, value in accounts]
    parts += [_tlv("52", qr.mcc), _tlv("53", qr.currency_numeric)]
    if qr.amount is not None:
        parts.append(_tlv("54", qr.amount))
    parts += [_tlv("58", qr.country), _tlv("59", qr.merchant_name), _tlv("60", qr.merchant_city)]
    if qr.bill_number is not None:
        parts.append(_tlv("62", _tlv("01", qr.bill_number)))
    body = "".join(parts) + "6304"
    return body + crc16(body)
