"""The gateway's provider port: one wallet provider's own API (Alipay, WeChat Pay), answered in our statuses.

An adapter (sync/gateway/alipay.py, sync/gateway/wechat.py) calls its provider with the provider's SDK and maps
every answer onto the terminal's discipline (terminal/payments/acquirer.py's AcquirerStatus):
  success / declined / closed   final
  pending                       the customer is confirming (Alipay 10003, WeChat USERPAYING): query again
  unknown                       SYSTEMERROR, BANKERROR, a timeout, a code we do not know: query, then reverse
  created                       a QR order (payload = the provider's qr_code / code_url) or an agreement sign page
  reversed / refunded / failed  answers to reverse and refund
Adapters never raise for a provider's answer or a network failure: they return `unknown` with the reason (the
provider's code and text), and log unknown codes. Amounts are decimal strings in major units ("12.34"), CNY.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from terminal.errors import EdgeposError
from terminal.payments.acquirer import AcquirerStatus


class ProviderName(StrEnum):
    """The wallet providers the gateway speaks to."""

    ALIPAY = "alipay"
    WECHAT = "wechat"


@dataclass(frozen=True)
class ProviderAnswer:
    """One provider answer in our terms; `reason` keeps the provider's code and text for people and logs."""

    status: AcquirerStatus
    reason: str = ""
    trade_no: str = ""
    payload: str = ""      # precreate: the QR text to show; agreement_sign: the page the member opens to sign
    retry: bool = False    # reverse: the provider asks for the same cancel again (Alipay retry_flag=Y, WeChat recall=Y)


class NotificationKind(StrEnum):
    """What an asynchronous notification from a provider tells."""

    PAYMENT = "payment"       # a trade was paid (a QR order, or a late success)
    AGREEMENT = "agreement"   # a member signed (or ended) a withholding agreement


@dataclass(frozen=True)
class Notification:
    """A provider's notification, its signature verified by the adapter."""

    kind: NotificationKind
    out_trade_no: str = ""
    status: AcquirerStatus = AcquirerStatus.SUCCESS
    trade_no: str = ""
    amount: str = ""
    agreement_no: str = ""    # AGREEMENT: the provider's agreement number (kept on the backend only)
    external_id: str = ""     # AGREEMENT: what we gave at signing (the member id)


class BadNotification(EdgeposError):
    """A notification that is not signed by the provider, or not one we understand: nothing changes."""


class ProviderUnsupported(EdgeposError):
    """The provider has no such API (e.g. a withholding agreement at WeChat Pay v2)."""


class BillKind(StrEnum):
    """A row of a provider's daily bill."""

    PAYMENT = "payment"
    REFUND = "refund"


@dataclass(frozen=True)
class BillRow:
    """One trade or refund as the provider's bill lists it."""

    kind: BillKind
    out_trade_no: str
    trade_no: str
    amount: Decimal
    refund_no: str = ""
    at: str = ""


class Provider(Protocol):
    """One provider's API, as the gateway uses it (see the module docstring for the statuses)."""

    name: ProviderName

    def pay(self, out_trade_no: str, amount: str, subject: str, auth_code: str) -> ProviderAnswer:
        """Charge a customer-presented payment code (Alipay trade.pay bar_code, WeChat micropay)."""
        ...

    def pay_agreement(self, out_trade_no: str, amount: str, subject: str, agreement_no: str) -> ProviderAnswer:
        """Charge under a signed withholding agreement; ProviderUnsupported where the provider has none."""
        ...

    def query(self, out_trade_no: str) -> ProviderAnswer:
        """The trade's state now (unknown when the provider does not know it)."""
        ...

    def reverse(self, out_trade_no: str) -> ProviderAnswer:
        """Cancel a trade whatever its state (paid: refunded by the provider); `retry` when asked to repeat."""
        ...

    def refund(self, out_trade_no: str, amount: str, refund_no: str, reason: str) -> ProviderAnswer:
        """Refund part or all of a paid trade; the same refund_no twice refunds once."""
        ...

    def precreate(self, out_trade_no: str, amount: str, subject: str) -> ProviderAnswer:
        """A merchant-presented QR order: `created` with the QR text in payload."""
        ...

    def agreement_sign(self, external_id: str) -> ProviderAnswer:
        """Start a withholding agreement for a member: `created` with the page to sign in payload."""
        ...

    def parse_notify(self, body: bytes, content_type: str) -> Notification:
        """A verified notification from its HTTP body, or BadNotification."""
        ...

    def notify_answer(self, ok: bool) -> tuple[bytes, str]:
        """The HTTP body and content type the provider expects back (`success` / WeChat's SUCCESS XML)."""
        ...

    def bill(self, day: date) -> list[BillRow]:
        """The provider's bill for one day (payments and refunds), downloaded and parsed."""
        ...
