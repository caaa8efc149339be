"""Completing a charged sale from its stored tender (or saying why it cannot be completed)."""
from __future__ import annotations

from terminal.errors import EdgeposError
from terminal.link.events import rfc3339
from terminal.payments.code_checkout import wallet_payment
from terminal.payments.qr_payment import QR_SCHEME
from terminal.payments.recovery_texts import reason_text
from terminal.ports import Clock
from terminal.sales.sale import Sale, SaleState
from terminal.sales.tender_snapshot import sale_from_snapshot
from terminal.sales.till import Completed, Till
from terminal.store.attempt_claims import AttentionStatus, resolve_in
from terminal.store.attempts import Attempt, AttemptStatus
from terminal.store.db import Transaction
from terminal.store.tenders import TenderState, TenderStore


class SaleCompleter:
    """Turns a recovered charge into the stored paid sale: payment, outbox event, receipt, tender completed."""

    def __init__(self, till: Till, tenders: TenderStore, clock: Clock) -> None:
        self.till, self.tenders, self.clock = till, tenders, clock
        self.completed: list[Completed] = []

    def _sale(self, attempt: Attempt) -> Sale | None:
        tender = self.tenders.get(attempt.sale_id)
        if tender is None or tender.state is not TenderState.TENDERING:
            return None
        return sale_from_snapshot(tender.snapshot)

    def cannot_complete(self, attempt: Attempt) -> str | None:
        """Why this charge cannot become its sale (None: it can)."""
        if self.tenders.sale_stored(attempt.sale_id):
            return f"sale {attempt.sale_id[:12]} was already settled another way"
        tender = self.tenders.get(attempt.sale_id)
        if tender is None:
            return "the terminal did not keep what the sale was"
        if tender.state is TenderState.ABANDONED:
            return f"sale {attempt.sale_id[:12]} had been voided or changed"
        try:
            sale = sale_from_snapshot(tender.snapshot)
        except EdgeposError as err:
            return str(err)
        shift = self.till.shifts.current
        if shift is None or shift.id != sale.shift_id:
            return f"the shift of sale {attempt.sale_id[:12]} is closed"
        if sale.due != attempt.amount:
            return f"sale {attempt.sale_id[:12]} now comes to {sale.due.format()}"
        return None

    def complete(self, attempt: Attempt, trade_no: str) -> Completed:
        """Store the sale paid by this attempt, with the attempt's outcome, in one transaction; then print."""
        sale = self._sale(attempt)
        if sale is None:
            raise EdgeposError(f"sale {attempt.sale_id[:12]} has no tender to complete")
        if sale.state is SaleState.OPEN:
            sale.start_tender()
        masked = attempt.masked_code   # the reference as the checkout writes it: face-pay without "member ", QR none
        if attempt.scheme == QR_SCHEME:
            masked = ""
        elif attempt.scheme == "face":
            masked = masked.removeprefix("member ")
        payment = wallet_payment(attempt.scheme, masked, attempt.out_trade_no, sale.due)
        sale.apply_payment(payment)
        now = rfc3339(self.clock.now())
        reason = reason_text(AttentionStatus.COMPLETED, attempt)

        def record(tx: Transaction) -> None:
            resolve_in(tx, attempt.out_trade_no, AttemptStatus.APPROVED, AttentionStatus.COMPLETED, now, reason,
                       trade_no)
        done = self.till.record_paid(sale, payment, None, also=record)
        self.completed.append(done)
        return done
