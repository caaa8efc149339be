"""Errors the cashier or technician can read: each says what happened and what to do."""
from __future__ import annotations

from enum import StrEnum
from typing import Self


class Term(str):
    """A param of EdgeposError.text that is itself a msgid (a fixed English phrase): translated where shown."""

    __slots__ = ()


class EdgeposError(Exception):
    """Base of every error edgepos raises on purpose.

    `EdgeposError(message)` is English only; `SomeError.text(msgid, **params)` also keeps the msgid and its
    params (as text) so the kiosk can show the message translated (ui/errors_text.py).
    """

    msgid: str | None = None
    params: dict[str, str] = {}  # noqa: RUF012 - a read-only default, replaced per instance by text()
    terms: frozenset[str] = frozenset()  # the params given as Term, translated with the msgid

    @classmethod
    def text(cls, msgid: str, **params: object) -> Self:
        """The error with the English message msgid.format(**params), keeping msgid and params to translate."""
        texts = {name: value if isinstance(value, str) else format(value) for name, value in params.items()}
        err = cls(msgid.format(**texts))
        err.msgid, err.params = msgid, texts
        err.terms = frozenset(name for name, value in params.items() if isinstance(value, Term))
        return err


class MoneyError(EdgeposError, ValueError):
    """An amount or currency is malformed or mixed."""


class CatalogError(EdgeposError):
    """A catalog file or item is invalid."""


class UnknownItem(CatalogError):
    """A scanned barcode or typed sku is not in the catalog."""


class BarcodeError(CatalogError, ValueError):
    """A barcode has the wrong length, characters or check digit."""


class SaleError(EdgeposError):
    """An operation is not allowed on the sale as it stands."""


class ShiftError(EdgeposError):
    """No open shift, or the shift is in the wrong state."""


class RefundError(EdgeposError):
    """A refund is not allowed (too large, sale not paid)."""


class ConfigError(EdgeposError):
    """The config file is missing, unreadable or has a bad key."""


class StoreError(EdgeposError):
    """The local database could not be read or written."""


class PrinterError(EdgeposError):
    """The receipt printer could not print; the sale itself is safe."""


class CameraError(EdgeposError):
    """The camera could not be opened or stopped giving frames (raised by every Camera port)."""


class EndOfStream(CameraError):
    """A video file or image sequence has no more frames (not a fault)."""


class ScannerError(EdgeposError):
    """The scanner port could not be opened, or vanished while in use (raised by every Scanner port)."""


class NotYetAvailable(EdgeposError):
    """A feature that a later release brings."""


class MemberError(EdgeposError):
    """A member cannot be found, added or changed as asked."""


class PhoneError(MemberError, ValueError):
    """A phone number is not in international (E.164) format."""


class ConsentError(MemberError):
    """Face data was offered for a member who has not consented to it."""


class FaceKeyError(EdgeposError):
    """The key that encrypts face templates is missing, damaged or does not open the stored templates."""


class CouponError(SaleError):
    """A coupon is unknown, expired, used, bound to another member or above the sale."""


class PaymentRefusal(StrEnum):
    """Why our own rules refuse a wallet payment before it is charged: the code ui/ turns into text."""

    NOT_A_CODE = "not_a_code"              # the scan is not a wallet payment code
    CODE_REUSED = "code_reused"            # payment codes are single use
    TOO_MANY_CODES = "too_many_codes"      # the velocity limit of code payments per terminal
    UNREACHABLE = "unreachable"            # the wallet service cannot be reached and offline payments are off
    OVER_PAYMENT_CAP = "over_payment_cap"  # offline: the payment is over the per-payment limit
    OVER_TOTAL_CAP = "over_total_cap"      # offline: the unforwarded total would go over its limit
    OFFLINE_TOO_OLD = "offline_too_old"    # offline: the oldest unforwarded payment is too old
    QR_UNAVAILABLE = "qr_unavailable"      # the wallet service did not create the QR order
    NO_FUNDING = "no_funding"              # face-pay: no prepaid balance or wallet agreement covers it


class PaymentRefused(EdgeposError):
    """A wallet payment refused by one of our rules; `reason` says which, the message says it in English."""

    def __init__(self, reason: PaymentRefusal, message: str) -> None:
        super().__init__(message)
        self.reason = reason



class StaffError(EdgeposError):
    """A staff member cannot be added or found as asked."""


class PinRefused(StaffError):
    """A PIN was wrong, or the PIN pad is locked after too many wrong PINs (`tries_left`, `locked_for_s`)."""

    tries_left: int = 0
    locked_for_s: float = 0.0


class ApprovalNeeded(EdgeposError):
    """The action (`action`, an Approval) needs a manager's PIN: the kiosk asks for one and tries again."""

    action: str = ""


class ApprovalRefused(StaffError):
    """The PIN is right but its owner may not approve this (a cashier), or no manager is set up."""


class RefundPending(RefundError):
    """A wallet refund was asked but not answered (or the link dropped): retry it, the same refund id is reused."""

    refund_id: str = ""
