"""Staff: PINs kept as salted scrypt hashes, sign-in, the PIN pad lock shared by processes, a manager's approval,
what records who did it, and the X/Z report per person adding up to the shift."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from terminal.app.bootstrap import Terminal
from terminal.errors import ApprovalNeeded, ApprovalRefused, PinRefused, StaffError
from terminal.sales.money import Money
from terminal.staff.model import Approval, Role
from terminal.staff.pins import hash_pin, verify_pin
from terminal.staff.service import StaffService
from terminal.store.db import Database
from terminal.store.staff import StaffStore

try:
    from tests.support.fakes import FakePrinter, FixedClock
except ModuleNotFoundError:
    from support.fakes import FakePrinter, FixedClock  # type: ignore[no-redef, import-not-found, unused-ignore]


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def test_pin_hash_is_salted_scrypt_and_verifies_only_the_pin() -> None:
    one, two = hash_pin("4321"), hash_pin("4321")
    assert one != two and one.startswith("scrypt$") and "4321" not in one
    assert verify_pin("4321", one) and verify_pin("4321", two)
    assert not verify_pin("4322", one)
    assert not verify_pin("4321", "plain$4321")


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "", "１２３４"])
def test_a_pin_is_four_to_eight_ascii_digits(open_term: Terminal, pin: str) -> None:
    with pytest.raises(StaffError, match="4 to 8 digits"):
        open_term.staff.add("Mai", Role.CASHIER, pin)


def test_staff_are_added_listed_and_their_pins_never_stored(open_term: Terminal) -> None:
    staff = open_term.staff
    assert not staff.has_staff()
    manager = staff.add("  Hoa   Nguyen ", Role.MANAGER, "97531")
    staff.add("Lan", "cashier", "2468")
    assert manager.name == "Hoa Nguyen" and manager.is_manager
    assert [(m.name, m.role) for m, _, _ in staff.list()] == [("Hoa Nguyen", Role.MANAGER), ("Lan", Role.CASHIER)]
    with pytest.raises(StaffError, match="already on the staff list"):
        staff.add("lan", Role.CASHIER, "1111")
    with pytest.raises(StaffError, match="already someone's"):
        staff.add("Bao", Role.CASHIER, "2468")
    with pytest.raises(StaffError, match="cashier or manager"):
        staff.add("Bao", "owner", "1357")
    raw = (open_term.data_dir / "terminal.db").read_bytes()
    assert b"97531" not in raw and b"2468" not in raw


def test_sign_in_by_pin_and_switch_cashier_without_closing_the_shift(open_term: Terminal) -> None:
    staff, till = open_term.staff, open_term.till
    lan = staff.add("Lan", Role.CASHIER, "2468")
    mai = staff.add("Mai", Role.CASHIER, "1357")
    shift = open_term.shifts.require_open()
    assert staff.sign_in("2468") == lan
    till.scan("8930001234505")
    done = till.pay_cash(cny("100"))
    assert done.sale.staff_id == lan.id
    assert any("Lan" in line.text for line in done.receipt.lines)
    assert staff.sign_in("1357") == mai
    assert open_term.shifts.require_open().id == shift.id
    till.scan("8930001234505")
    assert till.pay_cash(cny("100")).sale.staff_id == mai.id


def test_three_wrong_pins_lock_the_pad_for_every_process(open_term: Terminal, clock: FixedClock) -> None:
    staff = open_term.staff
    staff.add("Lan", Role.MANAGER, "2468")
    with pytest.raises(PinRefused, match="2 tries left") as first:
        staff.sign_in("0000")
    assert first.value.tries_left == 2
    with pytest.raises(PinRefused, match="1 tries left"):
        staff.sign_in("1111")
    other = StaffService(StaffStore(Database(open_term.data_dir / "terminal.db")), clock)   # another process
    with pytest.raises(PinRefused, match="locked for 30 s") as locked:
        other.approve("2222", Approval.REFUND)
    assert locked.value.locked_for_s == 30
    with pytest.raises(PinRefused, match="try again in 30 s"):
        staff.sign_in("2468")   # even the right PIN waits for the lock
    clock.advance(seconds=31)
    assert staff.sign_in("2468").name == "Lan"


def test_a_cashier_cannot_approve_and_no_manager_is_said_plainly(open_term: Terminal) -> None:
    staff = open_term.staff
    staff.add("Lan", Role.CASHIER, "2468")
    with pytest.raises(ApprovalRefused, match="no manager is set up"):
        staff.approve("2468", Approval.REFUND)
    staff.add("Hoa", Role.MANAGER, "97531")
    with pytest.raises(ApprovalRefused, match="Lan is a cashier"):
        staff.approve("2468", Approval.REFUND)
    assert staff.approve("97531", Approval.REFUND).name == "Hoa"


def test_discount_over_the_limit_and_removing_a_line_after_payment_started_need_a_manager(
        open_term: Terminal) -> None:
    staff, till = open_term.staff, open_term.till
    staff.add("Lan", Role.CASHIER, "2468")
    hoa = staff.add("Hoa", Role.MANAGER, "97531")
    staff.sign_in("2468")
    sale = till.scan("8930001234505")
    gross = sale.lines[0].gross
    till.discount_line(0, Money(gross.minor * 20 // 100, "CNY"))   # 20 % is the default limit: allowed
    with pytest.raises(ApprovalNeeded) as needed:
        till.discount_line(0, Money(gross.minor * 21 // 100, "CNY"))
    assert needed.value.action == Approval.DISCOUNT
    till.discount_line(0, Money(gross.minor * 21 // 100, "CNY"), approver=staff.approve("97531", Approval.DISCOUNT))
    till.scan("8930001234505")
    till.start_tender()
    till.resume()
    with pytest.raises(ApprovalNeeded):
        till.remove_line(0)
    with pytest.raises(ApprovalNeeded):
        till.remove_line(0, approver=staff.current)   # a cashier is no approver
    till.remove_line(0, approver=hoa)
    assert till.sale is not None and len(till.sale.lines) == 1   # the discounted line went, the other stays


def test_no_sale_drawer_needs_a_manager_and_prints_who(open_term: Terminal, printer: FakePrinter) -> None:
    staff, till = open_term.staff, open_term.till
    staff.add("Lan", Role.CASHIER, "2468")
    hoa = staff.add("Hoa", Role.MANAGER, "97531")
    staff.sign_in("2468")
    with pytest.raises(ApprovalNeeded):
        till.open_drawer(None)
    till.open_drawer(hoa)
    slip = printer.receipts[-1]
    assert slip.open_drawer
    text = "\n".join(line.text for line in slip.lines)
    assert "NO SALE" in text and "Lan" in text and "Hoa" in text


def test_report_per_person_adds_up_to_the_shift(open_term: Terminal) -> None:
    staff, till, shifts = open_term.staff, open_term.till, open_term.shifts
    till.scan("8930001234505")
    till.pay_cash(cny("100"))                      # before anyone signed in
    lan = staff.add("Lan", Role.CASHIER, "2468")
    staff.add("Mai", Role.CASHIER, "1357")
    for pin, count in (("2468", 2), ("1357", 1)):
        staff.sign_in(pin)
        for _ in range(count):
            till.scan("8930001234505")
            till.pay_cash(cny("100"))
    shifts.cash_move("in", cny("20"), "change", staff_id=lan.id)
    report = shifts.report()
    people = {p.name: p for p in report.people}
    assert set(people) == {"", "Lan", "Mai"}
    assert (people["Lan"].sales, people["Mai"].sales, people[""].sales) == (2, 1, 1)
    assert sum(p.sales for p in report.people) == report.sales_count
    assert sum((p.taken for p in report.people), cny("0")) == report.gross_sales
    assert people["Lan"].cash_in == cny("20")
    lines = report.as_lines()
    assert any(line.startswith("[staff Lan] sales 2") for line in lines)
    assert any(line.startswith("[staff Mai] sales 1") for line in lines)
    z = till.close_shift(report.method("cash").expected)
    assert sum(p.sales for p in z.people) == z.sales_count == 4


def test_staff_rows_use_the_real_schema(open_term: Terminal, tmp_path: Path) -> None:
    open_term.staff.add("Lan", Role.CASHIER, "2468")
    conn = sqlite3.connect(str(open_term.data_dir / "terminal.db"))
    try:
        (role, pin_hash), = conn.execute("SELECT role, pin_hash FROM staff").fetchall()
    finally:
        conn.close()
    assert role == "cashier" and pin_hash.startswith("scrypt$")
