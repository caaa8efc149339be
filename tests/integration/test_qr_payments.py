"""Merchant-presented QR through real MQTT: the sale completes on the acquirer's notification, never otherwise."""
from __future__ import annotations

import threading
from typing import Any

import pytest

from terminal.payments.code_checkout import pay_by_qr
from terminal.payments.emv import decode_template
from terminal.payments.emv_decode import decode
from terminal.payments.qr_payment import QrMerchant, QrPayments
from terminal.sales.sale import SaleState
from test_code_payments import Acquirer, ring, shop  # noqa: F401  (shop is a fixture)

pytestmark = pytest.mark.integration
MERCHANT = QrMerchant("Hoa Sen 莲花 Mini Mart", "Shanghai", "CN", "M-0001")


@pytest.mark.parametrize("script, status", [("approve", "approved"), ("decline:expired_qr", "declined"),
                                            ("silent", "reversed")])
def test_qr_payment_scripts(shop: Any, deployment: Any, script: str, status: str) -> None:
    term, authorizer = shop
    sim = Acquirer(deployment, "--script", script)
    shown: list[str] = []
    try:
        ring(term)
        sale_id = term.till.sale.id  # type: ignore[union-attr]
        outcome, done = pay_by_qr(term.till, QrPayments(authorizer, MERCHANT, window_s=2.0), shown.append)
        assert outcome.status == status, outcome
        fields = decode(shown[0])
        assert fields["54"] == "18.00" and fields["53"] == "156" and fields["01"] == "12"
        assert decode_template(fields["62"])["01"] == sale_id[:25]
        assert fields["59"] == "Hoa Sen 莲花 Mini Mart"
        if status == "approved":
            assert done is not None and done.payment.method == "qr" and "notify" in sim.methods()
        else:
            assert done is None and term.till.sale is not None and term.till.sale.state is SaleState.TENDERING
    finally:
        sim.stop()


def test_the_cashier_can_only_cancel(shop: Any, deployment: Any) -> None:
    term, authorizer = shop
    sim = Acquirer(deployment, "--script", "silent")
    cancel = threading.Event()
    try:
        ring(term)
        outcome, done = pay_by_qr(term.till, QrPayments(authorizer, MERCHANT, window_s=30.0),
                                  lambda _payload: cancel.set(), cancel=cancel)
        assert outcome.status == "reversed" and "cancelled by the cashier" in outcome.message.lower()
        assert done is None and "reverse" in sim.methods()
    finally:
        sim.stop()
