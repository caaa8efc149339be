"""Line and cart arithmetic: discounts, per-line tax half-up, totals. Pure functions of values."""
from __future__ import annotations

from dataclasses import dataclass

from terminal.sales.catalog import Item
from terminal.sales.money import Money, allocate, div_half_up, total


@dataclass(frozen=True)
class CartLine:
    """What the cashier rang up: an item, a quantity and an optional line discount."""

    item: Item
    quantity: int
    discount: Money

    @property
    def gross(self) -> Money:
        """Unit price times quantity, before any discount."""
        return self.item.unit_price * self.quantity


@dataclass(frozen=True)
class PricedLine:
    """A cart line with its share of the cart discount, its tax and what the customer pays."""

    line: CartLine
    cart_discount: Money
    net: Money  # after line and cart discounts, in the item's own tax basis
    tax: Money
    amount: Money  # what this line adds to the total (net, plus tax when tax-exclusive)


@dataclass(frozen=True)
class Totals:
    """The sale's totals; amount due is `total`."""

    subtotal: Money  # gross of all lines
    discount: Money  # line discounts plus cart discount
    tax: Money
    total: Money
    lines: tuple[PricedLine, ...]


def line_tax(net: Money, rate_bp: int, inclusive: bool) -> Money:
    """Tax of one line, rounded half-up: extracted from net when inclusive, added on top otherwise."""
    if inclusive:
        return Money(div_half_up(net.minor * rate_bp, 10000 + rate_bp), net.currency)
    return Money(div_half_up(net.minor * rate_bp, 10000), net.currency)


def price_cart(lines: list[CartLine], cart_discount: Money) -> Totals:
    """Price every line: the cart discount is shared by line value so tax stays per line."""
    currency = cart_discount.currency
    after_line = [ln.gross - ln.discount for ln in lines]
    shares = allocate(cart_discount.minor, [a.minor for a in after_line])
    priced = []
    for ln, base, share in zip(lines, after_line, shares, strict=True):
        share_money = Money(share, currency)
        net = base - share_money
        tax = line_tax(net, ln.item.tax_rate_bp, ln.item.tax_inclusive)
        amount = net if ln.item.tax_inclusive else net + tax
        priced.append(PricedLine(ln, share_money, net, tax, amount))
    return Totals(
        subtotal=total((ln.gross for ln in lines), currency),
        discount=total((ln.discount for ln in lines), currency) + cart_discount,
        tax=total((p.tax for p in priced), currency),
        total=total((p.amount for p in priced), currency),
        lines=tuple(priced),
    )
