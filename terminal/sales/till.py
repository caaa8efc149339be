"""The cashier's till: ring up a sale, take cash, print, void, refund. The UI and CLI call only this."""
from __future__ import annotations

import copy
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from terminal.errors import PrinterError, SaleError
from terminal.link.events import rfc3339
from terminal.members.coupons import Coupon, CouponService
from terminal.members.service import Member, MemberService
from terminal.payments.acquirer import Acquirer
from terminal.ports import Clock, Printer
from terminal.sales.catalog import Catalog
from terminal.sales.history import SalesHistory
from terminal.sales.money import Money
from terminal.sales.receipts import Receipt, ShopInfo, render_receipt
from terminal.sales.refunds import RefundService
from terminal.sales.sale import Payment, PaymentMethod, Sale, SaleState
from terminal.sales.sale_events import sale_event_body
from terminal.sales.till_perks import SalePerks
from terminal.shift.model import ShiftReport
from terminal.shift.receipt import no_sale_slip
from terminal.shift.service import ShiftService
from terminal.staff.model import Approval, StaffMember
from terminal.staff.service import StaffService, need_approval
from terminal.store.db import Database, Transaction
from terminal.store.outbox import OutboxStore
from terminal.store.refunds import Refund, RefundStore
from terminal.store.sales import SaleStore
from terminal.store.tenders import abandon_tender, complete_tender

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Completed:
    """A paid sale, stored; `printed_to` is where the receipt went, or `print_error` why it did not."""

    sale: Sale
    payment: Payment
    change: Money
    receipt: Receipt
    printed_to: str | None
    print_error: str | None


class Till:
    """One sale at a time on one terminal."""

    def __init__(self, db: Database, catalog: Catalog, shifts: ShiftService, sales: SaleStore, outbox: OutboxStore,
                 printer: Printer, clock: Clock, shop: ShopInfo, secret: bytes, receipt_width: int = 42,
                 members: MemberService | None = None, coupons: CouponService | None = None,
                 staff: StaffService | None = None, discount_approval_percent: int = 100) -> None:
        self._db, self.catalog, self.shifts, self.sales = db, catalog, shifts, sales
        self._outbox, self.printer, self._clock = outbox, printer, clock
        self.shop, self._secret = shop, secret
        self.receipt_width = receipt_width   # receipts, and the slips printed beside them (top-ups), use it
        self.currency = catalog.currency
        self.sale: Sale | None = None
        self.last_paid_id: str | None = None
        self.perks = SalePerks(members, coupons)
        self.staff, self.discount_approval_percent = staff, discount_approval_percent
        self._tendered: set[str] = set()   # sales that went to payment: taking a line off then needs a manager
        self.refunds = RefundService(db, sales, RefundStore(db), outbox, shifts, clock, members)

    def _approve(self, action: Approval, approver: StaffMember | None) -> None:
        """A manager must approve, once the terminal has staff (a shop without a staff list works as before)."""
        if self.staff is not None and self.staff.has_staff():
            need_approval(action, approver)

    def staff_id(self) -> str | None:
        """The signed-in staff member's id, recorded on what the till does (None without staff)."""
        current = self.staff.current if self.staff is not None else None
        return current.id if current is not None else None

    def money(self, text: str) -> Money:
        """An amount typed by the cashier, in the home currency."""
        return Money.parse(text, self.currency)

    def display_price(self, amount: Money) -> Money | None:
        """The amount in the shop's second currency, if one is configured."""
        if self.shop.display_currency and self.shop.display_rate:
            return amount.convert(self.shop.display_currency, self.shop.display_rate)
        return None

    def _open_sale(self) -> Sale:
        if self.sale is None:
            shift = self.shifts.require_open()
            self.sale = Sale(self.currency, shift.id, opened_at=self._clock.now(), staff_id=self.staff_id())
        return self.sale

    def _current(self) -> Sale:
        if self.sale is None:
            raise SaleError.text("there is no sale in progress")
        return self.sale

    def scan(self, code: str, quantity: int = 1) -> Sale:
        """Add the item with this barcode (or sku), starting a sale if none is open."""
        item = self.catalog.lookup(code)  # unknown or bad codes fail before a sale is opened
        sale = self._open_sale()
        self.perks.change(sale, lambda: sale.add(item, quantity))
        return sale

    def add_item(self, sku: str, quantity: int = 1) -> Sale:
        """Add an item by sku (from the item grid)."""
        item = self.catalog.by_sku(sku)
        sale = self._open_sale()
        self.perks.change(sale, lambda: sale.add(item, quantity))
        return sale

    def set_quantity(self, index: int, quantity: int, approver: StaffMember | None = None) -> None:
        """Change the quantity of a line; fewer units after payment started needs a manager."""
        sale = self._current()
        if 0 <= index < len(sale.lines) and quantity < sale.lines[index].quantity and sale.id in self._tendered:
            self._approve(Approval.VOID_AFTER_TENDER, approver)
        self.perks.change(sale, lambda: sale.set_quantity(index, quantity))

    def remove_line(self, index: int, approver: StaffMember | None = None) -> None:
        """Remove a line; after payment started (and the cart was reopened) it needs a manager."""
        sale = self._current()
        if sale.id in self._tendered:
            self._approve(Approval.VOID_AFTER_TENDER, approver)
        self.perks.change(sale, lambda: sale.remove(index))

    def _check_discount(self, amount: Money, base: Money, approver: StaffMember | None) -> None:
        if amount.minor * 100 > base.minor * self.discount_approval_percent:
            self._approve(Approval.DISCOUNT, approver)

    def discount_line(self, index: int, amount: Money, approver: StaffMember | None = None) -> None:
        """Discount one line by an amount; over [staff] discount_approval_percent of the line needs a manager."""
        sale = self._current()
        if 0 <= index < len(sale.lines):
            self._check_discount(amount, sale.lines[index].gross, approver)
        self.perks.change(sale, lambda: sale.discount_line(index, amount))

    def discount_cart(self, amount: Money, approver: StaffMember | None = None) -> None:
        """Discount the whole sale (not while a coupon is the cart discount); over the limit needs a manager."""
        self.perks.guard_cart_discount(self._current())
        self._check_discount(amount, self._current().goods, approver)
        self._current().discount_cart(amount)

    def attach_member(self, member: Member) -> Sale:
        """The member (card scanned, phone typed) earns this sale's points; starts a sale if none is open."""
        sale = self._open_sale()
        self.perks.attach(sale, member)
        return sale

    def join_member(self, name: str, phone: str) -> Member:
        """One-tap join at payment: a new member attached to this sale, their card on its receipt."""
        return self.perks.join(self._current(), name, phone)

    def apply_coupon(self, code: str) -> Coupon:
        """Apply a coupon as the sale's cart discount; CouponError says why one cannot be used."""
        return self.perks.apply_coupon(self._current(), code)

    def remove_coupon(self) -> None:
        """Take the coupon off the sale."""
        self.perks.remove_coupon(self._current())

    def start_tender(self) -> Sale:
        """Lock the cart and go to payment."""
        sale = self._current()
        if sale.state is SaleState.OPEN:
            self.perks.check_tender(sale)
        sale.start_tender()
        self._tendered.add(sale.id)
        return sale

    def resume(self) -> None:
        """Back to the cart from payment; its stored tender is abandoned unless an attempt is still pending."""
        sale = self._current()
        sale.resume()
        with self._db.transaction() as tx:
            abandon_tender(tx, sale.id, rfc3339(self._clock.now()))

    def pay_cash(self, tendered: Money) -> Completed:
        """Take cash: store sale, payment and outbox event in one transaction, then print."""
        sale = self._current()
        due = sale.due  # checked before tendering so a refused amount leaves the cart as it was
        if tendered.currency != self.currency:
            raise SaleError.text("cash must be in {currency}", currency=self.currency)
        if tendered < due:
            raise SaleError.text("{tendered} is not enough: {due} is due", tendered=tendered, due=due)
        return self.complete(Payment(uuid.uuid4().hex, PaymentMethod.CASH, due, tendered, tendered - due))

    def complete(self, payment: Payment, forward: dict[str, str] | None = None) -> Completed:
        """Settle the sale in tender with this payment: sale, payment and event in one transaction, then print."""
        sale = self._current()
        if sale.state is SaleState.OPEN:
            self.start_tender()
        paid = copy.deepcopy(sale)  # the open sale stays untouched if storing fails
        paid.apply_payment(payment)
        done = self.record_paid(paid, payment, forward)
        self.sale = None
        return done

    def record_paid(self, paid: Sale, payment: Payment, forward: dict[str, str] | None = None,
                    also: Callable[[Transaction], None] | None = None) -> Completed:
        """Store a sale `payment` has just paid (sale, perks, event, its tender completed, `also`), then print it."""
        paid.closed_at = self._clock.now()
        paid.staff_id = paid.staff_id or self.staff_id()
        with self._db.transaction() as tx:  # coupon redeemed, points awarded: with the sale or not at all
            self.perks.book(tx, paid)
            self.sales.insert(tx, paid)
            complete_tender(tx, paid.id, rfc3339(paid.closed_at))
            if also is not None:
                also(tx)   # e.g. recovery's record of the attempt it completed
            self._outbox.enqueue(tx, "payment/1", sale_event_body(paid, forward, self.shop),
                                 paid.closed_at)
        self.last_paid_id = paid.id
        log.info("sale %s paid: %s %s (%s), change %s", paid.id, paid.totals.total, payment.method, payment.status,
                 payment.change)
        receipt = self.receipt(paid)
        printed_to, error = self._print(receipt)
        return Completed(paid, payment, payment.change, receipt, printed_to, error)

    def receipt(self, sale: Sale) -> Receipt:
        """The receipt layout of a paid sale."""
        moment = sale.closed_at or self._clock.now()
        cashier = self.staff.name_of(sale.staff_id) if self.staff is not None else ""
        shift = self.shifts.current
        if not cashier and shift is not None and shift.id == sale.shift_id:
            cashier = shift.cashier
        return render_receipt(sale, self.shop, self._secret, moment, self.receipt_width, cashier,
                              self.perks.receipt_member(sale))

    def _print(self, receipt: Receipt) -> tuple[str | None, str | None]:
        try:
            return self.printer.print_receipt(receipt), None
        except PrinterError as err:
            log.warning("receipt %s not printed: %s", receipt.sale_id, err)
            return None, f"Receipt not printed: {err}. The sale is saved: fix the printer, then tap Reprint."

    def reprint(self, sale_id: str) -> str:
        """Print a stored sale's receipt again; returns where it went."""
        sale = self.sales.load(sale_id)
        if sale.state is not SaleState.PAID:
            raise SaleError.text("sale {sale_id} was {state}: it has no receipt",
                                 sale_id=sale_id[:12], state=sale.state.value)
        try:
            return self.printer.print_receipt(self.receipt(sale))
        except PrinterError as err:
            raise PrinterError.text("Receipt not printed: {error}. Fix the printer and tap Reprint again.",
                                    error=err) from err

    def reprint_last(self) -> str:
        """Print the last paid sale's receipt again."""
        if self.last_paid_id is None:
            raise SaleError.text("no sale has been paid on this till yet")
        return self.reprint(self.last_paid_id)

    def void(self) -> None:
        """Cancel the unpaid sale in progress; a non-empty one is kept as voided for the report."""
        voided = copy.deepcopy(self._current())  # the sale stays in the till if storing fails
        voided.void()
        voided.closed_at = self._clock.now()
        with self._db.transaction() as tx:
            if voided.lines:
                self.sales.insert(tx, voided)
            abandon_tender(tx, voided.id, rfc3339(voided.closed_at))   # a late charge for it is refunded
        self.sale = None

    def refund(self, sale_id: str, lines: dict[int, int] | None, reason: str, approver: StaffMember | None,
               refund_id: str | None = None, *, staff: StaffMember | None = None,
               acquirer: Acquirer | None = None) -> Refund:
        """Refund a paid sale whole (lines None) or {line number: quantity}, to its payment method.

        `approver` must be a manager (else ApprovalNeeded); `staff` is who did it (default: who is signed in);
        a wallet sale needs `acquirer` (or `refunds.acquirer`). A retry with the same refund_id (or the same
        lines) never refunds twice.
        """
        if staff is None and self.staff is not None:
            staff = self.staff.current
        return self.refunds.refund(sale_id, lines, reason, approver, refund_id, staff, acquirer)

    @property
    def history(self) -> SalesHistory:
        """The sales history: days, sales of a day, find by receipt number or QR, sale detail."""
        return SalesHistory(self._db, self.sales, self.refunds, self._secret, self.shop.timezone, self._clock)

    def open_drawer(self, approver: StaffMember | None = None) -> str:
        """Open the drawer without a sale (a manager approves); its NO SALE slip says who and when."""
        need_approval(Approval.NO_SALE, approver)
        assert approver is not None
        self.shifts.require_open()
        who = self.staff.name_of(self.staff_id()) if self.staff is not None else ""
        log.info("drawer opened without a sale, approved by %s", approver.id[:8])
        slip = no_sale_slip(self.shop, who, approver.name, self._clock.now(), self.receipt_width)
        return self.printer.print_receipt(slip)

    def close_shift(self, counted_cash: Money, counted_other: dict[str, Money] | None = None) -> ShiftReport:
        """Close the shift (Z report); refused while a sale is in progress."""
        if self.sale is not None and self.sale.lines:
            raise SaleError.text("finish or void the sale in progress before closing the shift")
        self.sale = None
        return self.shifts.close(counted_cash, counted_other)
