"""The gateway's store on SQLite and PostgreSQL: reconciliation (a missing and a mismatched entry found exactly), the
watch across a restart, forwarded face payments under an agreement."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from support.backend_db import backend_store_url
from support.fake_provider import FakeProvider
from sync.gateway.config import GatewayConfig
from sync.gateway.provider import ProviderName
from sync.gateway.reconcile import BILL_TZ, csv_text, reconcile, report, sales_window, without_sale
from sync.gateway.router import Router, Timer
from sync.gateway.store import GatewayStore
from terminal.payments.acquirer import AcquirerStatus


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with backend_store_url(request.param, tmp_path) as found:
        yield found


def test_reconcile_finds_exactly_the_missing_and_mismatched(tmp_path: Path, url: str) -> None:
    store = GatewayStore(url)
    store.create()
    fake = FakeProvider(ProviderName.WECHAT)
    router = Router({ProviderName.WECHAT: fake}, store, GatewayConfig(tmp_path / "g.toml"))

    def ask(method: str, **body: str) -> dict[str, str]:
        return router.handle("T-1", method, {"currency": "CNY", "scheme": "wechat", "auth_code": "13" + "4" * 16,
                                             **body}, Timer())

    otns = [f"T-1-{n}" for n in range(5)]
    for n, otn in enumerate(otns):
        assert ask("pay", out_trade_no=otn, amount=f"1{n}.00")["status"] == AcquirerStatus.SUCCESS
    assert ask("refund", out_trade_no=otns[0], amount="5.00", out_request_no="r-0")["status"] == "refunded"
    assert ask("refund", out_trade_no=otns[1], amount="2.00", out_request_no="r-1")["status"] == "refunded"
    fake.bill_drop.add(otns[2])                        # the provider's bill lacks a payment we have
    fake.bill_amount[otns[3]] = "99.00"                # ...and says another amount for this one
    fake.trades["T-1-stranger"] = fake.trades[otns[4]].__class__("approve", "", "7.00", 0.0, AcquirerStatus.SUCCESS)
    fake.trades[otns[1]].refunds["r-9"] = "1.00"       # a refund we never asked for
    day = datetime.now(UTC).astimezone(BILL_TZ).date()
    sales = {otn: f"S-{n}" for n, otn in enumerate(otns[:4])}    # the shop's books: otns[4] has no sale
    lines = reconcile({ProviderName.WECHAT: fake}, store, day, sales)
    found = {(line.kind, line.out_trade_no, line.refund_no, line.result) for line in lines if line.result != "matched"}
    assert found == {("payment", otns[2], "", "missing_at_provider"), ("payment", otns[3], "", "amount_mismatch"),
                     ("payment", "T-1-stranger", "", "missing_at_us"), ("refund", otns[1], "r-9", "missing_at_us")}
    document = report(day, lines)
    assert document["summary"] == {"matched": 5, "missing_at_provider": 1, "missing_at_us": 2, "amount_mismatch": 1,
                                   "paid_without_sale": 1}
    assert [line.out_trade_no for line in without_sale(lines)] == [otns[4]]
    assert {line.out_trade_no: line.sale_id for line in lines if line.kind == "payment"}[otns[3]] == "S-3"
    assert csv_text(lines).splitlines()[0] == "provider,kind,out_trade_no,refund_no,ours,theirs,result,sale_id"
    assert reconcile({ProviderName.WECHAT: fake}, store, day + timedelta(days=1))[0].result == "missing_at_us"
    store.close()


def test_the_books_name_the_sale_of_each_wallet_trade(url: str) -> None:
    """payment/1 bodies in the event store: a payment's reference and an offline forward name their trades."""
    import json

    from sync.backend.store import EventStore
    from sync.backend.tables import events
    books = EventStore(url)
    books.create()
    day = datetime(2026, 12, 1).date()
    bodies = {"e-1": ("2026-11-30T17:00:00.000Z", {"sale_id": "S-online", "payments": [
                  {"method": "code", "reference": "alipay:2888****1234:T-1-aaa"}]}),
              "e-2": ("2026-12-01T03:00:00.000Z", {"sale_id": "S-offline", "payments": [
                  {"method": "code", "reference": "wechat:1345****6789:T-1-bbb"}],
                  "forward": {"out_trade_no": "T-1-bbb", "scheme": "wechat"}}),
              "e-3": ("2026-12-01T04:00:00.000Z", {"sale_id": "S-cash", "payments": [
                  {"method": "cash", "reference": ""}]}),
              "e-4": ("2026-12-09T04:00:00.000Z", {"sale_id": "S-later", "payments": [
                  {"method": "code", "reference": "alipay:2888****1234:T-1-ccc"}]})}
    with books.engine.begin() as conn:
        for event_id, (at, body) in bodies.items():
            conn.execute(events.insert().values(id=event_id, terminal="T-1", schema="payment/1", seq=1, created_at=at,
                                                body=json.dumps(body), envelope="{}", received_at=at, worker="w"))
    assert books.sales_by_trade(*sales_window(day)) == {"T-1-aaa": "S-online", "T-1-bbb": "S-offline"}
    books.close()


def test_the_watch_of_a_reversed_trade_survives_a_restart(tmp_path: Path, url: str) -> None:
    """A new gateway on the same store resumes the watch and tells the terminal about the late success."""
    import time

    from sync.gateway.watch import Watcher
    first = GatewayStore(url)
    first.create()
    fake = FakeProvider(ProviderName.ALIPAY, {"9.00": "late-success:0.2"})
    config = GatewayConfig(tmp_path / "g.toml", watch_window_s=30.0)
    router = Router({ProviderName.ALIPAY: fake}, first, config)
    body = {"out_trade_no": "T-1-late", "amount": "9.00", "currency": "CNY", "scheme": "alipay", "auth_code": "28" * 9}
    assert router.handle("T-1", "pay", body, Timer())["status"] == "unknown"
    assert router.handle("T-1", "reverse", {"out_trade_no": "T-1-late"}, Timer())["status"] == "reversed"
    first.close()                                          # the gateway stops here
    told: list[tuple[str, str, str]] = []
    again = GatewayStore(url)
    watcher = Watcher({ProviderName.ALIPAY: fake}, again, lambda t, s, n, _r: told.append((t.terminal, s, n)), 0.1)
    watcher.check_once()
    assert told == []                                      # not paid yet
    time.sleep(0.25)
    watcher.check_once()
    watcher.check_once()
    assert told == [("T-1", "success", "FAKET-1-late")]
    trade = again.trade("T-1-late")
    assert trade is not None and trade.status == AcquirerStatus.SUCCESS and trade.watch_until is None
    again.close()


def test_a_forwarded_face_payment_is_charged_under_the_members_agreement(tmp_path: Path, url: str) -> None:
    store = GatewayStore(url)
    store.create()
    fake = FakeProvider(ProviderName.ALIPAY)
    router = Router({ProviderName.ALIPAY: fake}, store, GatewayConfig(tmp_path / "g.toml"))
    body = {"amount": "9.00", "currency": "CNY", "scheme": "face", "member_id": "m-1"}
    assert router.handle(None, "pay", {**body, "out_trade_no": "T-1-f1"}, Timer())["reason"] == "no_agreement"
    assert "funding" in router.handle("T-1", "pay", {**body, "out_trade_no": "T-1-f2"}, Timer())["reason"]
    store.set_agreement("m-1", "alipay", "AGR-1")
    assert router.handle(None, "pay", {**body, "out_trade_no": "T-1-f3"}, Timer())["status"] == "success"
    assert fake.methods("T-1-f3") == ["pay_agreement"]
    store.close()
