"""Members' identifiers, pure: phone numbers in E.164, their masked form, and the signed member card (QR)."""
from __future__ import annotations

import hashlib
import hmac
import re

from terminal.errors import MemberError, PhoneError

CARD_PREFIX = "EPM1:"
_CARD_MAC_HEX = 20  # 80 bits: a forged card is found out at the first scan, guessing one is hopeless
CARD_RE = re.compile(rf"^{re.escape(CARD_PREFIX)}([0-9a-f]{{32}}):([0-9a-f]{{{_CARD_MAC_HEX}}})$")
_SEPARATORS = re.compile(r"[\s\-().]")
PHONE_FORMAT = "international format: + and the country code, then the number, e.g. +8613812345678"


def normalize_phone(text: str) -> str:
    """The phone as E.164 ('+8613812345678'); spaces, dashes, dots, brackets and a leading 00 are accepted."""
    raw = _SEPARATORS.sub("", text.strip())
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    if not raw.startswith("+"):
        raise PhoneError.text("phone {phone} has no country code: write it in {format}",
                              phone=repr(mask_phone(raw)), format=PHONE_FORMAT)
    digits = raw[1:]
    if not digits.isascii() or not digits.isdigit():
        raise PhoneError.text("a phone number has only digits after the +: write it in {format}", format=PHONE_FORMAT)
    if digits.startswith("0"):
        raise PhoneError.text("a country code never starts with 0: write the phone in {format}", format=PHONE_FORMAT)
    if not 8 <= len(digits) <= 15:
        raise PhoneError.text("a phone number has 8 to 15 digits with its country code, this one has {digits}:"
                              " write it in {format}", digits=len(digits), format=PHONE_FORMAT)
    return "+" + digits


def mask_phone(phone: str) -> str:
    """Only the last 4 digits, for screens, logs and events: '****5678'."""
    digits = "".join(c for c in phone if c.isdigit())
    return "****" + digits[-4:] if len(digits) >= 4 else "****"


def phone_last4(phone: str) -> str:
    """The 4 digits the customer confirms at face-pay."""
    return "".join(c for c in phone if c.isdigit())[-4:]


def _card_mac(secret: bytes, member_id: str) -> str:
    return hmac.new(secret, f"member-card:{member_id}".encode(), hashlib.sha256).hexdigest()[:_CARD_MAC_HEX]


def make_card(secret: bytes, member_id: str) -> str:
    """The member QR's content: `EPM1:<member id>:<HMAC>`, signed with the terminal's secret."""
    if not re.fullmatch(r"[0-9a-f]{32}", member_id):
        raise MemberError.text("not a member id: {member_id}", member_id=repr(member_id))
    return f"{CARD_PREFIX}{member_id}:{_card_mac(secret, member_id)}"


def is_card(text: str) -> bool:
    """True when the text has the shape of a member card (the signature is checked by `card_member_id`)."""
    return CARD_RE.match(text) is not None


def clean_card(token: str) -> str:
    """The card text without a scanner's framing (STX/ETX, CR/LF) or surrounding spaces."""
    return "".join(c for c in token if c.isprintable()).strip()


def card_member_id(secret: bytes, token: str) -> str:
    """The member id a genuine card carries; MemberError for anything else, a forged card above all."""
    found = CARD_RE.match(clean_card(token))
    if found is None:
        raise MemberError.text("not an edgepos member card: ask the customer for their card or phone number")
    member_id, mac = found.groups()
    if not hmac.compare_digest(mac, _card_mac(secret, member_id)):
        raise MemberError.text("this member card was not issued by this shop (its signature does not match):"
                               " ask for the customer's phone number instead")
    return member_id
