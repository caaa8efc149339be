"""Per-line tax half-up, discounts, and the sale's life: open -> tendering -> paid | voided."""
from __future__ import annotations

import copy

import pytest

from terminal.errors import SaleError
from terminal.sales.catalog import Item
from terminal.sales.money import Money
from terminal.sales.pricing import CartLine, line_tax, price_cart
from terminal.sales.sale import MAX_QUANTITY, Payment, Sale, SaleState


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


def item(sku: str, price: int, rate_bp: int, inclusive: bool) -> Item:
    return Item(sku, None, f"item {sku}", cny(price), rate_bp, inclusive)


TEA = item("TEA", 1800, 600, True)       # 18.00, 6% included
BEER = item("BEER", 800, 1300, False)    # 8.00, 13% on top
GUM = item("GUM", 150, 1300, False)      # 1.50, 13% on top


def cash(amount: int, tendered: int | None = None) -> Payment:
    tendered = amount if tendered is None else tendered
    return Payment(f"p{amount}", "cash", cny(amount), cny(tendered), cny(tendered - amount))


@pytest.mark.parametrize("net, rate_bp, inclusive, tax", [
    (1800, 600, True, 102),     # 1800 * 6/106 = 101.89 -> 102
    (990, 900, True, 82),       # 990 * 9/109 = 81.74 -> 82
    (101, 10000, True, 51),     # 101 * 100/200 = 50.5 -> 51 (exact half goes up)
    (2400, 1300, False, 312),   # 24.00 * 13% = 3.12
    (150, 1300, False, 20),     # 1.50 * 13% = 0.195 -> 0.20 (exact half goes up)
    (149, 1300, False, 19),     # 0.1937 -> 0.19
    (1000, 0, False, 0),
    (0, 1300, True, 0),
])
def test_line_tax(net: int, rate_bp: int, inclusive: bool, tax: int) -> None:
    assert line_tax(cny(net), rate_bp, inclusive) == cny(tax)


def test_inclusive_and_exclusive_lines() -> None:
    totals = price_cart([CartLine(TEA, 1, cny(0)), CartLine(BEER, 3, cny(0))], cny(0))
    tea, beer = totals.lines
    assert (tea.net, tea.tax, tea.amount) == (cny(1800), cny(102), cny(1800))   # tax inside the price
    assert (beer.net, beer.tax, beer.amount) == (cny(2400), cny(312), cny(2712))  # tax on top
    assert totals.subtotal == cny(4200)
    assert totals.discount == cny(0)
    assert totals.tax == cny(414)
    assert totals.total == cny(4512)


def test_tax_is_rounded_per_line_not_per_cart() -> None:
    lines = [CartLine(item(f"G{i}", 150, 1300, False), 1, cny(0)) for i in range(3)]
    totals = price_cart(lines, cny(0))
    assert [p.tax for p in totals.lines] == [cny(20)] * 3
    assert totals.tax == cny(60)          # 3 x 0.195 rounded each: not 0.585 -> 0.59
    assert totals.total == cny(510)


def test_cart_discount_is_shared_by_line_value() -> None:
    totals = price_cart([CartLine(TEA, 1, cny(0)), CartLine(BEER, 3, cny(0))], cny(420))
    tea, beer = totals.lines
    assert (tea.cart_discount, beer.cart_discount) == (cny(180), cny(240))
    assert (tea.net, tea.tax, tea.amount) == (cny(1620), cny(92), cny(1620))     # 16.20 * 6/106 = 0.917
    assert (beer.net, beer.tax, beer.amount) == (cny(2160), cny(281), cny(2441))  # 21.60 * 13% = 2.808
    assert totals.subtotal == cny(4200)
    assert totals.discount == cny(420)
    assert totals.tax == cny(373)
    assert totals.total == cny(4061)


def test_cart_discount_remainder_goes_to_the_largest_remainder() -> None:
    totals = price_cart([CartLine(item("A", 1000, 0, True), 1, cny(0)),
                         CartLine(item("B", 2000, 0, True), 1, cny(0))], cny(100))
    assert [p.cart_discount for p in totals.lines] == [cny(33), cny(67)]
    assert totals.total == cny(2900)


def test_line_and_cart_discounts_together() -> None:
    sale = Sale("CNY", "shift")
    sale.add(TEA, 2)            # 36.00
    sale.add(BEER, 1)           # 8.00 + tax
    sale.discount_line(0, cny(600))   # tea line 30.00
    sale.discount_cart(cny(380))      # shared 30.00 : 8.00 -> 300 : 80
    t = sale.totals
    assert [p.cart_discount for p in t.lines] == [cny(300), cny(80)]
    assert t.lines[0].net == cny(2700) and t.lines[0].tax == cny(153)   # 27.00 * 6/106 = 1.528
    assert t.lines[1].net == cny(720) and t.lines[1].tax == cny(94)     # 7.20 * 13% = 0.936
    assert t.discount == cny(980)
    assert t.total == cny(2700 + 720 + 94)


def test_fully_discounted_line_takes_no_cart_discount() -> None:
    sale = Sale("CNY", "shift")
    sale.add(TEA, 1)
    sale.add(BEER, 1)
    sale.discount_line(0, cny(1800))
    sale.discount_cart(cny(100))
    t = sale.totals
    assert t.lines[0].cart_discount == cny(0) and t.lines[0].net == cny(0)
    assert t.lines[1].cart_discount == cny(100)


def test_line_discount_bigger_than_the_line_changes_nothing() -> None:
    sale = Sale("CNY", "shift")
    sale.add(TEA, 1)
    before = copy.deepcopy(sale.lines), sale.totals
    with pytest.raises(SaleError, match="bigger than line 1"):
        sale.discount_line(0, cny(1801))
    assert (sale.lines, sale.totals) == before
    with pytest.raises(SaleError):
        sale.discount_line(0, cny(-1))
    with pytest.raises(SaleError):
        sale.discount_line(0, Money(100, "USD"))
    with pytest.raises(SaleError, match="no line 2"):
        sale.discount_line(1, cny(1))
    assert (sale.lines, sale.totals) == before


def test_line_discount_that_would_break_the_cart_discount_changes_nothing() -> None:
    sale = Sale("CNY", "shift")
    sale.add(BEER, 1)                 # 8.00
    sale.discount_cart(cny(700))
    with pytest.raises(SaleError, match="cart discount"):
        sale.discount_line(0, cny(500))   # would leave 3.00 under a 7.00 cart discount
    assert sale.lines[0].discount == cny(0)
    assert sale.cart_discount == cny(700)
    with pytest.raises(SaleError):
        sale.discount_cart(cny(801))
    assert sale.cart_discount == cny(700)


def test_lowering_quantity_under_the_discounts_changes_nothing() -> None:
    sale = Sale("CNY", "shift")
    sale.add(BEER, 3)                 # 24.00
    sale.discount_line(0, cny(1000))
    with pytest.raises(SaleError, match="would exceed the line total"):
        sale.set_quantity(0, 1)
    assert sale.lines[0].quantity == 3
    sale.discount_line(0, cny(0))
    sale.discount_cart(cny(2000))
    with pytest.raises(SaleError, match="cart discount"):
        sale.set_quantity(0, 2)
    assert sale.lines[0].quantity == 3


@pytest.mark.parametrize("quantity", [0, -1, True, False, 1.0, "2", MAX_QUANTITY + 1])
def test_bad_quantities(quantity: object) -> None:
    sale = Sale("CNY", "shift")
    sale.add(TEA, 2)
    with pytest.raises(SaleError, match="quantity"):
        sale.add(BEER, quantity)  # type: ignore[arg-type]
    with pytest.raises(SaleError, match="quantity"):
        sale.set_quantity(0, quantity)  # type: ignore[arg-type]
    assert [(ln.item.sku, ln.quantity) for ln in sale.lines] == [("TEA", 2)]


def test_adding_merges_lines_and_respects_the_maximum() -> None:
    sale = Sale("CNY", "shift")
    assert sale.add(TEA, 2) == 0
    assert sale.add(BEER) == 1
    assert sale.add(TEA, 3) == 0
    assert [(ln.item.sku, ln.quantity) for ln in sale.lines] == [("TEA", 5), ("BEER", 1)]
    with pytest.raises(SaleError, match="more than 9999"):
        sale.add(TEA, MAX_QUANTITY)
    assert sale.lines[0].quantity == 5
    sale.discount_line(1, cny(100))
    assert sale.add(BEER) == 2     # a discounted line is not merged into
    sale.set_quantity(0, MAX_QUANTITY)
    assert sale.lines[0].quantity == MAX_QUANTITY


def test_remove_drops_a_cart_discount_that_no_longer_fits() -> None:
    sale = Sale("CNY", "shift")
    sale.add(TEA)
    sale.add(BEER)
    sale.discount_cart(cny(1000))
    sale.remove(0)
    assert sale.cart_discount is None
    assert sale.totals.total == cny(904)


def test_lifecycle_to_paid() -> None:
    sale = Sale("CNY", "shift")
    assert sale.state is SaleState.OPEN
    with pytest.raises(SaleError, match="empty"):
        sale.start_tender()
    sale.add(TEA)
    sale.add(BEER)
    assert sale.due == cny(2704)
    sale.start_tender()
    assert sale.state is SaleState.TENDERING
    with pytest.raises(SaleError, match="tendering"):
        sale.add(GUM)
    with pytest.raises(SaleError, match="more than"):
        sale.apply_payment(cash(2705))
    with pytest.raises(SaleError, match="positive"):
        sale.apply_payment(cash(0))
    assert sale.payments == []
    sale.apply_payment(cash(1000))
    assert sale.state is SaleState.TENDERING and sale.paid == cny(1000) and sale.due == cny(1704)
    with pytest.raises(SaleError, match="cannot go back"):
        sale.resume()
    with pytest.raises(SaleError, match="refund it instead"):
        sale.void()
    sale.apply_payment(cash(1704, 2000))
    assert sale.state is SaleState.PAID and sale.due == cny(0) and sale.paid == cny(2704)
    with pytest.raises(SaleError, match="sale is paid"):
        sale.void()
    with pytest.raises(SaleError):
        sale.apply_payment(cash(1))
    with pytest.raises(SaleError):
        sale.add(GUM)
    assert sale.state is SaleState.PAID


def test_resume_and_void() -> None:
    sale = Sale("CNY", "shift")
    sale.add(GUM)
    sale.start_tender()
    sale.resume()
    assert sale.state is SaleState.OPEN
    sale.add(GUM)
    assert sale.lines[0].quantity == 2
    with pytest.raises(SaleError):
        sale.resume()          # not tendering
    sale.void()
    assert sale.state is SaleState.VOIDED
    with pytest.raises(SaleError):
        sale.void()
    with pytest.raises(SaleError):
        sale.add(GUM)
