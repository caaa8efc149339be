"""The sale aggregate: a cart that moves open -> tendering -> paid | voided."""
from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime

from terminal.errors import SaleError
from terminal.sales.catalog import Item
from terminal.sales.money import Money, total
from terminal.sales.pricing import CartLine, Totals, price_cart

MAX_QUANTITY = 9999


class SaleState(enum.StrEnum):
    """Where a sale is in its life."""

    OPEN = "open"
    TENDERING = "tendering"
    PAID = "paid"
    VOIDED = "voided"


class PaymentMethod(enum.StrEnum):
    """How a payment was tendered, as stored and sent in the payment event."""

    CASH = "cash"
    CODE = "code"                      # a customer's wallet code, scanned
    QR = "qr"                          # the shop's EMVCo QR, scanned by the customer
    FACE = "face"                      # a member's face-pay
    MEMBER_BALANCE = "member_balance"


class PaymentStatus(enum.StrEnum):
    """Where a stored payment stands: charged, or accepted offline and charged when the link returns."""

    APPROVED = "approved"
    OFFLINE = "offline"


SETTLING = frozenset({PaymentStatus.APPROVED, PaymentStatus.OFFLINE})   # the payments that count toward `paid`


@dataclass(frozen=True)
class Payment:
    """One tender applied to a sale; for cash, `tendered - amount` is the change."""

    id: str
    method: PaymentMethod
    amount: Money
    tendered: Money
    change: Money
    reference: str = ""
    status: PaymentStatus = PaymentStatus.APPROVED


def new_sale_id() -> str:
    """A sale id that sorts by time and is unique across terminals."""
    return uuid.uuid4().hex


@dataclass
class Sale:
    """A customer's purchase; only the methods below change it, each checking the state."""

    currency: str
    shift_id: str
    id: str = field(default_factory=new_sale_id)
    state: SaleState = SaleState.OPEN
    lines: list[CartLine] = field(default_factory=list)
    cart_discount: Money | None = None
    payments: list[Payment] = field(default_factory=list)
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    member_id: str | None = None    # the member who earns the points (scanned card, phone, or joined now)
    coupon_code: str | None = None  # the coupon behind cart_discount, redeemed when the sale is paid
    staff_id: str | None = None     # who rang it up (the signed-in staff member), for the per-person reports

    def _require(self, *states: SaleState) -> None:
        if self.state not in states:
            allowed = " or ".join(s.value for s in states)
            raise SaleError.text("sale is {state}; this needs it {allowed}", state=self.state.value, allowed=allowed)

    def _check_quantity(self, quantity: int) -> None:
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
            raise SaleError.text("quantity must be a whole number of at least 1, got {quantity}",
                                 quantity=repr(quantity))
        if quantity > MAX_QUANTITY:
            raise SaleError.text("quantity {quantity} is more than {limit}: check the count",
                                 quantity=quantity, limit=MAX_QUANTITY)

    def _line_index(self, index: int) -> int:
        if not 0 <= index < len(self.lines):
            raise SaleError.text("there is no line {line} in this sale", line=index + 1)
        return index

    def add(self, item: Item, quantity: int = 1) -> int:
        """Add an item (merging with an undiscounted line of the same sku); returns the line index."""
        self._require(SaleState.OPEN)
        self._check_quantity(quantity)
        for index, line in enumerate(self.lines):
            if line.item.sku == item.sku and line.discount.is_zero:
                self.set_quantity(index, line.quantity + quantity)
                return index
        self.lines.append(CartLine(item, quantity, Money.zero(self.currency)))
        self._check_discounts()
        return len(self.lines) - 1

    def set_quantity(self, index: int, quantity: int) -> None:
        """Change a line's quantity; the line discount must still fit."""
        self._require(SaleState.OPEN)
        self._check_quantity(quantity)
        line = self.lines[self._line_index(index)]
        if line.discount > line.item.unit_price * quantity:
            raise SaleError.text("line {line}: discount {discount} would exceed the line total",
                                 line=index + 1, discount=line.discount)
        self._replace_line(index, replace(line, quantity=quantity))

    def remove(self, index: int) -> None:
        """Take a line off the sale."""
        self._require(SaleState.OPEN)
        del self.lines[self._line_index(index)]
        if self.cart_discount is not None and self.cart_discount > self._after_line_discounts():
            self.cart_discount = None  # a cart discount larger than what is left cannot stand

    def discount_line(self, index: int, amount: Money) -> None:
        """Set a line discount (zero removes it); never more than the line is worth."""
        self._require(SaleState.OPEN)
        line = self.lines[self._line_index(index)]
        if amount.currency != self.currency or amount.minor < 0:
            raise SaleError.text("a discount must be a non-negative amount in {currency}", currency=self.currency)
        if amount > line.gross:
            raise SaleError.text("discount {amount} is bigger than line {line} ({gross})",
                                 amount=amount, line=index + 1, gross=line.gross)
        self._replace_line(index, replace(line, discount=amount))

    def discount_cart(self, amount: Money) -> None:
        """Set a discount on the whole sale, shared across lines; never more than the goods."""
        self._require(SaleState.OPEN)
        if amount.currency != self.currency or amount.minor < 0:
            raise SaleError.text("a discount must be a non-negative amount in {currency}", currency=self.currency)
        if amount > self._after_line_discounts():
            raise SaleError.text("discount {amount} is bigger than the sale ({total})",
                                 amount=amount, total=self._after_line_discounts())
        self.cart_discount = None if amount.is_zero else amount

    def _after_line_discounts(self) -> Money:
        return total((ln.gross - ln.discount for ln in self.lines), self.currency)

    @property
    def goods(self) -> Money:
        """What the lines are worth after line discounts, before the cart discount (a coupon's basis)."""
        return self._after_line_discounts()

    def set_member(self, member_id: str | None) -> None:
        """Attach (or with None detach) the member, up to the moment the sale is paid."""
        self._require(SaleState.OPEN, SaleState.TENDERING)
        self.member_id = member_id

    def set_coupon(self, code: str | None, discount: Money) -> None:
        """Put a coupon and its cart discount on the sale (None and zero take it off)."""
        self._require(SaleState.OPEN)
        self.discount_cart(discount)
        self.coupon_code = code

    def _replace_line(self, index: int, new: CartLine) -> None:
        """Swap a line in, putting the old one back if the cart discount would no longer fit."""
        old, self.lines[index] = self.lines[index], new
        try:
            self._check_discounts()
        except SaleError:
            self.lines[index] = old
            raise

    def _check_discounts(self) -> None:
        if self.cart_discount is not None and self.cart_discount > self._after_line_discounts():
            raise SaleError.text("the cart discount would exceed the sale")

    @property
    def totals(self) -> Totals:
        """Subtotal, discounts, tax and total as priced now."""
        return price_cart(self.lines, self.cart_discount or Money.zero(self.currency))

    @property
    def paid(self) -> Money:
        """Sum of payments that settle the sale: approved online, or accepted offline (forwarded later)."""
        return total((p.amount for p in self.payments if p.status in SETTLING), self.currency)

    @property
    def due(self) -> Money:
        """What is still owed."""
        return self.totals.total - self.paid

    def start_tender(self) -> None:
        """Lock the cart for payment."""
        self._require(SaleState.OPEN)
        if not self.lines:
            raise SaleError.text("the sale is empty: add an item first")
        self.state = SaleState.TENDERING

    def resume(self) -> None:
        """Back from payment to the cart, when nothing has been paid yet."""
        self._require(SaleState.TENDERING)
        if self.payments:
            raise SaleError.text("a payment was taken: the sale cannot go back to the cart")
        self.state = SaleState.OPEN

    def apply_payment(self, payment: Payment) -> None:
        """Record a payment; the sale is paid once nothing is due."""
        self._require(SaleState.TENDERING)
        # A fully discounted sale is settled by one zero payment so it still has a receipt and an event.
        if payment.amount.currency != self.currency or payment.amount.minor < 0 or (
                payment.amount.is_zero and not self.due.is_zero):
            raise SaleError.text("a payment must be a positive amount in {currency}", currency=self.currency)
        if payment.amount > self.due:
            raise SaleError.text("payment {amount} is more than the {due} due", amount=payment.amount, due=self.due)
        self.payments.append(payment)
        if self.due.is_zero:
            self.state = SaleState.PAID

    def void(self) -> None:
        """Cancel a sale that has not been paid."""
        self._require(SaleState.OPEN, SaleState.TENDERING)
        if self.payments:
            raise SaleError.text("a payment was taken: refund it instead of voiding")
        self.state = SaleState.VOIDED
