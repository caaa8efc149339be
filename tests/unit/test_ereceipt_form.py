"""The e-receipt pieces without HTTP: e-invoice form rules, the page's HTML, and the sale-id index (SQLite)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from sync.backend.ereceipt_html import invoice_form_html, page, receipt_html, receipt_view
from sync.backend.ereceipt_store import InvoiceForm, ReceiptStore, check_invoice_form
from sync.backend.store import EventStore
from sync.schema import parse_envelope
from terminal.link.events import make_envelope
from terminal.sales.receipts import receipt_token

SECRET = b"s" * 32
GOOD = {"buyer_name": "上海莲花贸易有限公司", "tax_id": "91310000MA1FL8XQ3B", "email": "ketoan@hoasen.example"}


def form(**changes: str) -> InvoiceForm:
    return check_invoice_form({k: [v] for k, v in {**GOOD, **changes}.items()})


def test_a_good_form_is_valid_and_normalised() -> None:
    assert form() == InvoiceForm(GOOD["buyer_name"], GOOD["tax_id"], GOOD["email"])
    assert form().valid
    tidy = form(buyer_name="  Công ty Hoa Sen  ", tax_id=" 91310000ma1fl8xq3b ", email=" a.b+c@mail.example.vn ")
    assert tidy.valid and (tidy.buyer_name, tidy.tax_id, tidy.email) == (
        "Công ty Hoa Sen", "91310000MA1FL8XQ3B", "a.b+c@mail.example.vn")
    decomposed = "Cong ty Hoa Sen".replace("o", "o\u0302")          # ô typed as o + combining circumflex
    assert form(buyer_name=decomposed).buyer_name == "Công ty Hôa Sen"      # stored NFC


@pytest.mark.parametrize("name", ["a", "名" * 100, "Nguyễn Văn A & Co. (VN)", "O'Brien"])
def test_names_of_1_to_100_characters_pass(name: str) -> None:
    assert form(buyer_name=name).valid


@pytest.mark.parametrize("name", ["", "   ", "名" * 101, "Lan\x00", "Lan\nHoa", "Lan\tHoa", "\u202eLan",
                                  "La\u200bn", "Lan\u2028Hoa", "Lan\x7f", "Lan\ud800"])
def test_bad_names_are_refused(name: str) -> None:
    result = form(buyer_name=name)
    assert not result.valid and set(result.errors) == {"buyer_name"}
    assert all(ord(c) >= 0x20 and c not in "\x7f\u202e\u200b\u2028" for c in result.buyer_name)


@pytest.mark.parametrize("tax_id", ["913100007109327360", "123456789012345", "ABCDEFGHIJ0123456789",
                                    "91310000ma1fl8xq3b"])
def test_tax_ids_of_15_to_20_letters_and_digits_pass(tax_id: str) -> None:
    assert form(tax_id=tax_id).valid


@pytest.mark.parametrize("tax_id", ["", "12345678901234", "ABCDEFGHIJ01234567890", "9131 0000 MA1F L8XQ3B",
                                    "91310000-MA1FL8XQ3B", "９１３１００００ＭＡ１ＦＬ８ＸＱ３Ｂ", "91310000MA1FL8XQ3ſ",
                                    "913100007109\n327360"])
def test_bad_tax_ids_are_refused(tax_id: str) -> None:
    assert set(form(tax_id=tax_id).errors) == {"tax_id"}


@pytest.mark.parametrize("email", ["a@b.co", "first.last+tag@sub.mail.example.com", "x_y-z@xn--fsqu00a.xn--fiqs8s",
                                   "o'neil@example.org", f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 57}.vn"])
def test_sane_emails_pass(email: str) -> None:
    assert len(email) <= 254 and form(email=email).valid


@pytest.mark.parametrize("email", ["", "plain", "a@b", "a@b.c", "a@@b.co", ".a@b.co", "a.@b.co", "a..b@b.co",
                                   "a@-b.co", "a@b-.co", "a b@c.co", "a@b.co\nBcc: x@y.co", "a@b.co>", "<a@b.co>",
                                   "\"a\"@b.co", "lan@例子.中国", f"{'a' * 65}@b.co",
                                   f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 60}.vn"])
def test_bad_emails_are_refused(email: str) -> None:
    assert set(form(email=email).errors) == {"email"}


def test_missing_and_repeated_fields_are_errors() -> None:
    assert set(check_invoice_form({}).errors) == {"buyer_name", "tax_id", "email"}
    twice = check_invoice_form({**{k: [v] for k, v in GOOD.items()}, "email": [GOOD["email"], "b@c.co"]})
    assert set(twice.errors) == {"email"}


BODY: dict[str, Any] = {
    "sale_id": "a5f7c88aa5c04b0e9c1d2e3f4a5b6c7d", "shift_id": "s1", "currency": "CNY", "subtotal": 4800,
    "discount": 300, "tax": 255, "total": 4500, "closed_at": "2026-11-22T08:30:00.000000Z",
    "lines": [{"sku": "TEA-001", "name": "珍珠奶茶 <b>Bubble</b>", "quantity": 1, "unit_price": 1800, "amount": 1800,
               "tax": 102},
              {"sku": "COF-001", "name": "Cà phê sữa đá", "quantity": 2, "unit_price": 1500, "amount": 2700,
               "tax": 153}],
    "payments": [{"id": "p1", "method": "code", "amount": 4500, "status": "offline",
                  "reference": "alipay:284712345678901234:OT-0001"}],
    "shop": {"name": "Hoa Sen & <Co>", "address": "12 Nguyễn Huệ", "terminal": "T-0001"},
    "forward": {"auth_code": "284712345678901234", "out_trade_no": "OT-0001"}}


def test_the_page_escapes_text_masks_codes_and_marks_offline() -> None:
    html = page("Receipt", receipt_html(receipt_view(BODY, "T-0001"))).decode("utf-8")
    assert "Hoa Sen &amp; &lt;Co&gt;" in html
    assert '<span lang="zh-Hans">珍珠奶茶 &lt;b&gt;Bubble&lt;/b&gt;</span>' in html
    assert "Cà phê sữa đá" in html and "2 × 15.00" in html and "30.00" in html and "-3.00" in html
    assert "CNY 45.00" in html and "Tax (included)" in html and "2026-11-22 08:30 UTC" in html and "OFFLINE" in html
    assert "2847**********1234" in html and "284712345678901234" not in html and "OT-0001" not in html
    assert '<html lang="en">' in html and 'name="viewport"' in html and '"Noto Sans CJK SC"' in html
    assert "<script" not in html


def test_the_form_is_refilled_escaped_with_its_errors() -> None:
    bad = form(buyer_name='"><script>alert(1)</script>', tax_id="1")
    html = invoice_form_html("/r/abc?k=def", bad)
    assert "<script>" not in html and "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count('aria-invalid="true"') == 1 and "15 to 20 letters" in html   # the name itself is fine
    assert 'action="/r/abc?k=def"' in html and 'method="post"' in html


@pytest.mark.parametrize("broken", [{}, {**BODY, "total": "54.04"}, {**BODY, "currency": "XXX"},
                                    {**BODY, "lines": [{"name": 5}]}, {**BODY, "payments": None}])
def test_a_malformed_body_is_a_value_error(broken: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        receipt_view(broken, "T-0001")


def stored(tmp_path: Path, *bodies: dict[str, Any], terminal: str = "T-0001") -> str:
    url = f"sqlite:///{tmp_path / 'events.db'}"
    store = EventStore(url)
    store.create()
    envelopes = [parse_envelope(json.dumps(make_envelope("payment/1", body, terminal, seq, "2026-11-22T08:30:00Z",
                                                         SECRET)).encode(), terminal)
                 for seq, body in enumerate(bodies, 1)]
    store.store_batch(envelopes, "w1")
    store.close()
    return url


def test_a_sale_is_found_through_the_index_and_only_with_its_token(tmp_path: Path) -> None:
    sale_id = BODY["sale_id"]
    receipts = ReceiptStore(stored(tmp_path, BODY), {"T-0001": SECRET})
    receipts.prepare()
    receipts.prepare()            # idempotent
    try:
        found = receipts.find(sale_id, receipt_token(SECRET, sale_id))
        assert found is not None and found.terminal == "T-0001" and found.body["total"] == 4500
        assert receipts.find(sale_id, receipt_token(b"x" * 32, sale_id)) is None
        assert receipts.find(sale_id, "") is None and receipts.find(sale_id, "é" * 24) is None
        assert receipts.find("0" * 32, receipt_token(SECRET, "0" * 32)) is None
        with receipts.store.engine.connect() as conn:
            plan = conn.execute(sa.text("EXPLAIN QUERY PLAN SELECT body FROM events WHERE schema = 'payment/1' AND "
                                        "CASE WHEN json_valid(body) THEN json_extract(body, '$.sale_id') END = 'x'"))
            assert "events_by_sale" in " ".join(str(row) for row in plan)
    finally:
        receipts.close()


def test_another_terminal_reusing_a_sale_id_cannot_hide_the_real_sale(tmp_path: Path) -> None:
    url = stored(tmp_path, {**BODY, "total": 1}, terminal="T-0002")      # stored first, with its own secret
    store = EventStore(url)
    store.store_batch([parse_envelope(json.dumps(make_envelope("payment/1", BODY, "T-0001", 1, "2026-11-22T09:00:00Z",
                                                                SECRET)).encode(), "T-0001")], "w1")
    store.close()
    receipts = ReceiptStore(url, {"T-0001": SECRET, "T-0002": b"t" * 32})
    receipts.prepare()
    try:
        found = receipts.find(BODY["sale_id"], receipt_token(SECRET, BODY["sale_id"]))
        assert found is not None and found.terminal == "T-0001" and found.body["total"] == 4500
    finally:
        receipts.close()


@pytest.mark.parametrize("outcome, shown, hidden", [
    (None, "OFFLINE: charged when the terminal is back online", "Not paid"),
    ("success", "CNY 45.00", "OFFLINE"),
    ("declined", "Not paid: the wallet declined", "OFFLINE"),
    ("set_aside", "OFFLINE: charged when the terminal is back online", "Not paid"),   # not charged: a person looks
])
def test_an_offline_payment_reads_as_the_backend_charged_it(tmp_path: Path, outcome: str | None, shown: str,
                                                             hidden: str) -> None:
    from sync.backend.tables import events, forwards
    sale_id = BODY["sale_id"]
    receipts = ReceiptStore(stored(tmp_path, BODY), {"T-0001": SECRET})
    receipts.prepare()
    try:
        if outcome is not None:
            with receipts.store.engine.begin() as conn:
                event_id = conn.execute(sa.select(events.c.id)).scalar()
                conn.execute(forwards.insert().values(event_id=event_id, terminal="T-0001", out_trade_no="OT-0001",
                                                      status=outcome, reason="", at="2026-11-22T09:00:00Z"))
        found = receipts.find(sale_id, receipt_token(SECRET, sale_id))
        assert found is not None and found.forwarded == outcome
        html = receipt_html(receipt_view(found.body, "T-0001", found.forwarded))
        assert shown in html and hidden not in html
    finally:
        receipts.close()


def test_a_store_keyed_by_sale_id_alone_is_rekeyed_by_terminal_keeping_its_requests(tmp_path: Path) -> None:
    from sync.backend.tables import invoice_requests
    url = stored(tmp_path, BODY)
    engine = sa.create_engine(url)
    with engine.begin() as conn:          # the table as it was before sale ids were scoped by terminal
        conn.exec_driver_sql("DROP TABLE invoice_requests")
        conn.exec_driver_sql("CREATE TABLE invoice_requests (sale_id TEXT PRIMARY KEY, terminal TEXT NOT NULL, "
                             "buyer_name TEXT NOT NULL, tax_id TEXT NOT NULL, email TEXT NOT NULL, "
                             "requested_at TEXT NOT NULL)")
        conn.exec_driver_sql("INSERT INTO invoice_requests VALUES ('s-1', 'T-0002', 'Lan', '91310000MA1FL8XQ3B', "
                             "'a@b.example', '2026-11-22T09:00:00Z')")
    engine.dispose()
    receipts = ReceiptStore(url, {"T-0001": SECRET})
    receipts.prepare()
    receipts.prepare()
    try:
        assert receipts.invoice_requested("T-0002", "s-1") and not receipts.invoice_requested("T-0001", "s-1")
        found = receipts.find(BODY["sale_id"], receipt_token(SECRET, BODY["sale_id"]))
        assert found is not None and receipts.request_invoice(found, form())
        assert not receipts.request_invoice(found, form())
        with receipts.store.engine.connect() as conn:
            assert sa.inspect(conn).get_pk_constraint("invoice_requests")["constrained_columns"] == [
                "terminal", "sale_id"]
            assert len(conn.execute(sa.select(invoice_requests)).all()) == 2
    finally:
        receipts.close()


def test_a_stored_body_python_cannot_parse_is_not_found_and_logged(tmp_path: Path,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    from sync.backend.tables import events
    url = stored(tmp_path, BODY)
    receipts = ReceiptStore(url, {"T-0001": SECRET})
    receipts.prepare()
    try:
        with receipts.store.engine.begin() as conn:     # as a backend that did not check bodies may have stored it
            conn.execute(events.update().values(body=sa.func.replace(events.c.body, '"total":4500',
                                                                     '"total":' + "9" * 5000)))
        assert receipts.find(BODY["sale_id"], receipt_token(SECRET, BODY["sale_id"])) is None
        assert f"sale {BODY['sale_id']} of T-0001 is not readable JSON" in caplog.text
    finally:
        receipts.close()
