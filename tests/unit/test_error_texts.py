"""Errors a cashier or customer reads are raised with a msgid, and every msgid has Chinese and Vietnamese (no Kivy)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from terminal.app.bootstrap import Terminal
from terminal.errors import EdgeposError, PaymentRefusal, PaymentRefused, SaleError, ShiftError, Term, UnknownItem
from ui.errors_text import error_text, notice_text
from ui.translations import TEXTS

REPO = Path(__file__).resolve().parents[2]
# the terminal modules whose errors reach a kiosk screen (catalog.py: its lookups; the file-loading errors are
# read by the technician and stay English)
SHOWN = [*(REPO / "terminal" / "sales" / f"{name}.py" for name in ("till", "sale", "till_perks", "refunds",
                                                                   "barcodes", "catalog", "refund_plan", "history")),
         REPO / "terminal" / "payments" / "code_refund.py",
         REPO / "terminal" / "shift" / "service.py",
         *(REPO / "terminal" / "members" / f"{name}.py" for name in ("service", "coupons", "codes")),
         *(REPO / "terminal" / "staff" / f"{name}.py" for name in ("service", "pins"))]


def error_msgids(path: Path) -> list[tuple[str, int]]:
    """(msgid, line) for each literal given to SomeError.text() or Term() in a module."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func, arg = node.func, node.args[0]
        marked = (isinstance(func, ast.Attribute) and func.attr == "text") or (
            isinstance(func, ast.Name) and func.id == "Term")
        if marked and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found.append((arg.value, node.lineno))
    return found


def test_every_error_msgid_has_chinese_and_vietnamese() -> None:
    used = [(msgid, f"{path.relative_to(REPO)}:{line}") for path in SHOWN for msgid, line in error_msgids(path)]
    assert len(used) > 60 and "the sale is empty: add an item first" in {m for m, _ in used}
    missing = [f"{where}: {msgid!r} has no {' or '.join(sorted({'zh', 'vi'} - set(TEXTS.get(msgid, {}))))} text"
               for msgid, where in used if set(TEXTS.get(msgid, {})) != {"zh", "vi"}]
    assert not missing, "\n".join(missing)


def test_the_scan_names_an_untranslated_error_and_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "service.py"
    bad.write_text('x = 1\nraise SaleError.text("never translated {n}", n=2)\nf(Term("a phrase"))\n', encoding="utf-8")
    assert error_msgids(bad) == [("never translated {n}", 2), ("a phrase", 3)]
    assert "never translated {n}" not in TEXTS


def zh(msgid: str) -> str:
    return TEXTS.get(msgid, {}).get("zh", msgid)


def test_an_error_raised_with_a_msgid_reads_the_same_in_english() -> None:
    err = UnknownItem.text("no item with sku {sku} in the catalog", sku=repr("X-1"))
    assert str(err) == "no item with sku 'X-1' in the catalog" == error_text(err)
    assert (err.msgid, err.params) == ("no item with sku {sku} in the catalog", {"sku": "'X-1'"})
    assert str(SaleError("plain")) == error_text(SaleError("plain"), zh) == "plain"     # no msgid: as written
    assert SaleError("plain").msgid is None and error_text(ValueError("boom"), zh) == "boom"
    float_err = ShiftError.text("{what} must be zero or more", what=Term("the opening float"))
    assert str(float_err) == "the opening float must be zero or more"
    assert error_text(float_err, zh) == zh("{what} must be zero or more").format(what=zh("the opening float"))
    refused = PaymentRefused(PaymentRefusal.CODE_REUSED, "code already used")
    assert error_text(refused) == "code already used" and error_text(refused, zh) == zh(
        "this payment code was already used: ask for a new one")


def test_an_unknown_sku_on_a_terminal_shows_in_chinese_and_in_english_unchanged(open_term: Terminal) -> None:
    with pytest.raises(EdgeposError) as caught:
        open_term.till.add_item("NO-SUCH-SKU")
    assert str(caught.value) == "no item with sku 'NO-SUCH-SKU' in the catalog" == error_text(caught.value)
    assert error_text(caught.value, zh) == "目录中没有 SKU 为 'NO-SUCH-SKU' 的商品"


def test_selling_without_a_shift_is_refused_in_chinese(term: Terminal) -> None:
    with pytest.raises(EdgeposError) as caught:
        term.till.add_item("DRK-001")
    assert error_text(caught.value) == "no shift is open: open a shift (count the float) before selling"
    assert error_text(caught.value, zh) == zh("no shift is open: open a shift (count the float) before selling") != (
        str(caught.value))


def test_a_recovered_payment_notice_reaches_the_kiosk_in_the_cashiers_language() -> None:
    from terminal.payments.recovery_texts import MESSAGES, AttentionText
    from terminal.store.attempt_claims import AttentionStatus

    msgid = MESSAGES[AttentionStatus.COMPLETED]
    notice = AttentionText(msgid, {"amount": "CNY 18.00", "code": "2841****1234", "sale": "AB12CD34EF56"})
    zh = notice_text(notice, lambda text: TEXTS[text]["zh"] if text in TEXTS else text)
    assert zh == TEXTS[msgid]["zh"].format(amount="CNY 18.00", code="2841****1234", sale="AB12CD34EF56")
    assert "CNY 18.00" in zh and zh != str(notice)
    assert notice_text("a plain English notice", lambda text: "never") == "a plain English notice"
