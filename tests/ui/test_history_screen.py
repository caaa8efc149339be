"""The sales history screen and the refund panel, driven through the widgets of a real window: the printed
receipt's QR (virtual printer PNG -> camera simulator -> the kiosk's camera path) finds the sale, a partial refund
by line approved by a manager's PIN, reprint, an over-refund refused, the cash refund in the X report, the points
taken back; a cashier's PIN approves nothing; wallet refunds offline and without an answer."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from conftest import Kiosk
from history_kiosk import (
    CASHIER_PIN,
    MANAGER_PIN,
    TEA,
    enter_pin,
    line_row,
    no_devices,
    open_history,
    pad,
    pay_cash,
    refund_panel,
    staffed_terminal,
    wait_refund,
    wallet_sale,
)
from support.cli import edgepos_command

pytestmark = pytest.mark.ui
PHONE = "+8613812345678"


def rows(db: Path, sql: str, *args: Any) -> list[sqlite3.Row]:
    conn = sqlite3.connect(str(db))
    conn.row_factory = sqlite3.Row
    try:
        return list(conn.execute(sql, args))
    finally:
        conn.close()


def camera_frames_of(png: Path, out: Path) -> Path:
    """`edgepos sim camera --input PNG`: the receipt as the camera simulator's frames."""
    done = subprocess.run(edgepos_command("sim", "camera", "--input", str(png), "--out", str(out)),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return Path(json.loads(done.stdout)["source"])


def ring_and_pay_with_member(kiosk: Kiosk) -> str:
    """Three teas and two waters for member Mei (found on the members screen), paid 100.00 cash."""
    sale = kiosk.screen("sale")
    for code in (TEA, TEA, TEA, "6900001250999", "6900001250999"):
        kiosk.enter(sale.ids.barcode, code)
    kiosk.tap(sale.ids.members_button)
    members = kiosk.screen("members")
    kiosk.enter(members.ids.find_input, PHONE)
    kiosk.tap(members.ids.attach_button)
    assert kiosk.current == "sale" and "CNY 58.00" in sale.ids.total_label.text
    return str(pay_cash(kiosk, "100"))


def test_the_printed_receipt_qr_finds_the_sale_and_a_line_is_refunded_with_a_managers_pin(
        make_kiosk: Callable[..., Kiosk], tmp_path: Path) -> None:
    from terminal.app.devices import start_code_inputs

    term = staffed_terminal(tmp_path / "shop", configure=no_devices)         # the virtual printer: PNG receipts
    assert term.members is not None
    term.members.add("Mei", PHONE, face_consent=False)
    kiosk = make_kiosk(terminal=term)
    kiosk.resize(800, 480)                                                    # the small kiosk: faster frames
    enter_pin(kiosk, CASHIER_PIN)                                              # Lan signs in
    sale_id = ring_and_pay_with_member(kiosk)
    receipts = term.data_dir / "receipts"
    kiosk.until(lambda: (receipts / "receipt-0001.png").exists(), 20, "no receipt PNG")
    source = camera_frames_of(receipts / "receipt-0001.png", tmp_path / "frames")

    history = open_history(kiosk)
    listed = history.ids.sale_list.children
    assert [(r.receipt, r.method, r.row_state) for r in listed] == [(sale_id[:12].upper(), "cash", "paid")]
    assert history.day_text.endswith("(today)  ·  sales: 1")
    camera = replace(term.config, devices=replace(term.config.devices, camera="sim", camera_source=str(source)))
    inputs = start_code_inputs(camera, kiosk.app.deliver_scan, kiosk.app.device_error)   # the kiosk's camera path
    try:
        kiosk.until(lambda: history.section == "detail", 20, "the receipt QR did not reach the history screen")
    finally:
        for device in inputs:
            device.stop()
    assert history.detail.row.sale_id == sale_id and "found" in history.ids.status.text
    assert [(r.name, r.qty, r.left) for r in history.ids.detail_box.children if getattr(r, "qty", "") and
            not r.header][::-1] == [("珍珠奶茶 Bubble milk tea", "3", "3"), ("矿泉水 Mineral water 550ml", "2", "2")]

    kiosk.tap(history.ids.reprint_button)                                     # any receipt, printed again
    kiosk.until(lambda: (receipts / "receipt-0002.png").exists(), 20, "the reprint was not printed")
    assert "reprinted" in history.ids.status.text

    before = term.shifts.report().method("cash").expected
    panel = refund_panel(kiosk, history)
    tea = line_row(panel, 1)
    kiosk.tap(tea.ids.plus_button)
    kiosk.tap(tea.ids.plus_button)
    assert tea.ids.line_qty.text == "2" and panel.ids.total_label.text == "Give back CNY 36.00"
    kiosk.tap(panel.ids.refund_button)
    assert "Manager approval" in pad().ids.prompt_label.text
    enter_pin(kiosk, MANAGER_PIN)
    wait_refund(kiosk, panel)
    assert panel.finished and not panel.message_error
    assert panel.ids.message_label.text.startswith("Refunded CNY 36.00 in cash: give CNY 36.00 from the drawer.")
    assert "36 points taken back from the member." in panel.ids.message_label.text
    kiosk.tap(panel.ids.close_button)
    assert history.refund_panel is None and history.detail.lines[0].refundable == 1
    refund_texts = [w.text for w in history.ids.detail_box.children if "approved by" in getattr(w, "text", "")]
    assert len(refund_texts) == 1 and "CNY 36.00 (cash) by Lan, approved by Hoa" in refund_texts[0]

    refund = rows(term.data_dir / "terminal.db", "SELECT id, amount, staff_id, approved_by FROM refunds")
    assert len(refund) == 1 and refund[0]["amount"] == 3600
    ledger = rows(term.data_dir / "terminal.db", "SELECT points FROM points_ledger WHERE refund_id = ?",
                  refund[0]["id"])
    assert [r["points"] for r in ledger] == [-36]                             # a new row: the award stays as it was
    assert term.shifts.report().method("cash").expected == before - term.till.money("36.00")

    kiosk.tap(history.ids.back_button)                                        # the X report on the shift screen
    kiosk.tap(kiosk.screen("sale").ids.shift_button)
    shift = kiosk.screen("shift")
    kiosk.tap(shift.ids.x_report_button)
    assert "refunded CNY 36.00" in shift.ids.report.text and "expected CNY 222.00" in shift.ids.report.text

    kiosk.tap(shift.ids.to_sale_button)
    history = open_history(kiosk)
    assert [(r.refunded, r.row_state) for r in history.ids.sale_list.children] == [("CNY 36.00", "partly refunded")]
    kiosk.tap(history.ids.sale_list.children[0])
    panel = refund_panel(kiosk, history)
    kiosk.tap(line_row(panel, 1).ids.plus_button)                             # the last tea...
    assert line_row(panel, 1).ids.plus_button.disabled                         # ...never more than is left
    cli = subprocess.run(edgepos_command("--data-dir", str(term.data_dir), "--config", str(tmp_path / "shop" /
                                         "edgepos.toml"), "sales", "refund", sale_id, "--line", "TEA-001:1",
                                         "--pin-stdin", "--json"),
                         capture_output=True, text=True, timeout=60, env=dict(os.environ, PYTHONIOENCODING="utf-8"),
                         input=MANAGER_PIN + "\n")
    assert json.loads(cli.stdout)["status"] == "refunded", cli.stderr           # meanwhile, at another till
    kiosk.tap(panel.ids.refund_button)
    enter_pin(kiosk, MANAGER_PIN)
    wait_refund(kiosk, panel)
    assert panel.message_error and not panel.finished
    assert "cannot refund 1, only 0 of 3 left to refund" in panel.ids.message_label.text
    assert line_row(panel, 1).left_text == "0 of 3 left" and panel.ids.refund_button.disabled
    kiosk.tap(panel.ids.close_button)
    assert len(rows(term.data_dir / "terminal.db", "SELECT id FROM refunds")) == 2


def test_a_cashiers_pin_approves_no_refund(make_kiosk: Callable[..., Kiosk], tmp_path: Path) -> None:
    from support.fakes import FakePrinter

    term = staffed_terminal(tmp_path / "shop", FakePrinter(), no_devices)
    term.till.add_item("DRK-001", 2)
    sale_id = term.till.pay_cash(term.till.money("10")).sale.id
    kiosk = make_kiosk(terminal=term)
    kiosk.resize(800, 480)                                                    # the small kiosk: faster frames
    enter_pin(kiosk, CASHIER_PIN)
    history = open_history(kiosk)
    kiosk.enter(history.ids.search, sale_id[:12].lower())                     # typed, any case
    assert history.section == "detail" and history.detail.row.sale_id == sale_id
    panel = refund_panel(kiosk, history)
    assert panel.ids.refund_button.disabled                                    # nothing chosen yet
    kiosk.tap(panel.ids.everything_button)
    assert panel.ids.total_label.text == "Give back CNY 4.00"
    kiosk.tap(panel.ids.refund_button)
    shown = enter_pin(kiosk, CASHIER_PIN)
    assert pad() is shown and shown.ids.message_label.text == "Lan is a cashier: a manager must enter their PIN"
    kiosk.tap(shown.ids.cancel_button)
    assert pad() is None and panel.ids.message_label.text == "Not approved: nothing was refunded."
    assert not rows(term.data_dir / "terminal.db", "SELECT id FROM refunds")
    kiosk.tap(panel.ids.close_button)
    assert history.can_refund and history.detail.refundable == term.till.money("4.00")


def test_wallet_refunds_offline_refused_and_unanswered_asked_again_with_the_same_id(
        make_kiosk: Callable[..., Kiosk], tmp_path: Path) -> None:
    from support.fakes import FakeAcquirer, FakePrinter
    from terminal.payments.acquirer import AcquirerReply

    term = staffed_terminal(tmp_path / "shop", FakePrinter(), no_devices)
    sale_id = wallet_sale(term)
    kiosk = make_kiosk(terminal=term)
    kiosk.resize(800, 480)                                                    # the small kiosk: faster frames
    enter_pin(kiosk, CASHIER_PIN)
    history = open_history(kiosk)
    kiosk.tap(history.ids.sale_list.children[0])
    assert history.detail.row.sale_id == sale_id and history.detail.row.methods == ("code",)
    panel = refund_panel(kiosk, history)                                       # no acquirer link: offline
    kiosk.tap(panel.ids.everything_button)
    kiosk.tap(panel.ids.refund_button)
    enter_pin(kiosk, MANAGER_PIN)
    wait_refund(kiosk, panel)
    assert panel.message_error and "cannot be reached" in panel.ids.message_label.text
    assert "nothing was refunded" in panel.ids.message_label.text

    wallet = FakeAcquirer(replies={"refund": None})                            # online, but no answer
    term.till.refunds.acquirer, term.till.refunds.timeout = wallet, 0.2
    kiosk.tap(panel.ids.refund_button)
    enter_pin(kiosk, MANAGER_PIN)
    wait_refund(kiosk, panel)
    assert panel.pending_id and panel.ids.refund_button.text == "Ask the wallet again"
    assert "the same id is never refunded twice" in panel.ids.message_label.text
    pending = panel.pending_id
    kiosk.tap(panel.ids.refund_button)                                          # the same manager's approval
    wait_refund(kiosk, panel)
    assert panel.pending_id == pending and not panel.finished and wallet.calls == ["refund", "refund"]
    kiosk.tap(panel.ids.close_button)
    waiting = [w for w in history.ids.detail_box.children if getattr(w, "refund_id", "")]
    assert [w.refund_id for w in waiting] == [pending] and not history.can_refund   # the units wait for the wallet
    wallet.replies["refund"] = AcquirerReply("refunded")
    kiosk.tap(waiting[0].ids.retry_button)                                      # later, from the sale's detail
    enter_pin(kiosk, MANAGER_PIN)
    kiosk.until(lambda: not history.busy, 20, "the retry did not finish")
    kiosk.pump(4)
    assert history.ids.status.text == "Refunded CNY 4.00 to the customer's code: nothing to give from the drawer."
    assert wallet.calls == ["refund", "refund", "refund"] and not history.detail.pending_refunds
    done = rows(term.data_dir / "terminal.db", "SELECT id, amount FROM refunds")
    assert [(r["id"], r["amount"]) for r in done] == [(pending, 400)]                 # one refund, the same id
    assert history.detail.row.state == "refunded"


def test_the_refund_result_names_the_points_that_could_not_be_taken_back() -> None:
    from terminal.sales.money import Money
    from terminal.store.refunds import Refund
    from ui.history.texts import refund_result_text
    from ui.i18n import tr

    refund = Refund("r1", "s1", "cash", Money(1466, "CNY"), "", "", points_taken=5, points_short=9)
    assert refund_result_text(refund) == ("Refunded CNY 14.66 in cash: give CNY 14.66 from the drawer. 5 points taken"
                                          " back from the member. 9 points could not be taken back: the member's"
                                          " balance was too low.")
    try:
        tr.switch("zh")
        assert refund_result_text(refund).startswith("已退现金 CNY 14.66：请从钱箱取出 CNY 14.66 交给顾客。")
    finally:
        tr.switch("en")


def test_earlier_days_are_listed_day_by_day_and_a_bad_receipt_number_says_what_to_type(
        make_kiosk: Callable[..., Kiosk], tmp_path: Path) -> None:
    from conftest import make_terminal
    from support.fakes import FakePrinter, FixedClock
    from terminal.app.bootstrap import build_terminal

    clock = FixedClock()                                                      # 2026-11-22 08:30 UTC
    made = make_terminal(tmp_path / "days", FakePrinter(), no_devices)
    config, data_dir = made.config, made.data_dir
    made.close()
    term = build_terminal(config, data_dir, printer=FakePrinter(), clock=clock)
    term.shifts.open("Lan", term.till.money("200.00"))
    for sku, days_later in (("TEA-001", 0), ("DRK-001", 2), ("NOO-002", 1)):   # 22nd twice, 24th, today the 25th
        term.till.add_item(sku)
        term.till.pay_cash(term.till.money("50"))
        clock.advance(days=days_later, minutes=5)
    kiosk = make_kiosk(terminal=term)
    kiosk.resize(800, 480)                                                    # the small kiosk: faster frames
    history = open_history(kiosk)
    assert history.day_text == "2026-11-25 (today)  ·  sales: 0" and history.ids.empty_label.opacity == 1
    assert history.ids.later_button.disabled
    kiosk.tap(history.ids.earlier_button)
    assert history.day_text == "2026-11-24  ·  sales: 1"
    assert [r.receipt for r in history.ids.sale_list.children] == [term.till.last_paid_id[:12].upper()]
    kiosk.tap(history.ids.earlier_button)                                     # the 23rd has no sale: skipped
    assert history.day_text == "2026-11-22  ·  sales: 2" and history.ids.earlier_button.disabled
    kiosk.tap(history.ids.later_button)
    kiosk.tap(history.ids.later_button)
    assert history.day_text == "2026-11-25 (today)  ·  sales: 0"
    kiosk.enter(history.ids.search, "8930001234505")                          # a product barcode, not a receipt
    assert history.status_error and "no sale 893000123450 on this terminal" in history.ids.status.text
    kiosk.enter(history.ids.search, "https://receipts.edgepos.example/r/" + "ab" * 16 + "?k=forged")
    assert history.status_error and "not printed by this terminal" in history.ids.status.text
    kiosk.tap(history.ids.back_button)
    assert kiosk.current == "sale"


def test_a_receipt_qr_scanned_on_the_sale_screen_opens_that_sale_in_the_history(
        make_kiosk: Callable[..., Kiosk], tmp_path: Path) -> None:
    from support.fakes import FakePrinter

    printer = FakePrinter()
    kiosk = make_kiosk(printer=printer, cashier="Lan", configure=no_devices)
    kiosk.resize(800, 480)
    kiosk.app.deliver_scan(TEA)
    kiosk.pump(3)
    sale_id = pay_cash(kiosk, "20")
    url = printer.receipts[-1].qr_url
    assert kiosk.current == "sale" and f"/r/{sale_id}?k=" in url
    kiosk.app.deliver_scan(url)                        # the customer's receipt, for a return
    kiosk.pump(3)
    history = kiosk.screen("history")
    assert kiosk.current == "history"
    assert history.ids.status.text == f"Sale {sale_id[:12].upper()} found."
