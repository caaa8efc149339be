"""The gateway with FakeProviders of our Provider port: real Mosquitto, real HTTP notifications, real SQLite."""
from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gateway_helpers import RpcClient, gateway_config, post, start_gateway
from support.deploy import terminal_dir
from support.fake_provider import FakeProvider
from sync.broker_process import MosquittoBroker, find_mosquitto, free_port
from sync.gateway.provider import ProviderName
from sync.provision import Deployment, init_deployment
from sync.rpc import MqttAcquirer
from sync_helpers import open_terminal, take_sales, wait_for
from terminal.app.bootstrap import Terminal, build_sync_link
from terminal.payments.code_checkout import pay_by_code, pay_by_qr
from terminal.payments.code_payment import CodeAuthorizer, PaymentTimings
from terminal.payments.qr_payment import QrMerchant, QrPayments
from terminal.ports import SystemClock
from terminal.store.attempts import AttemptStore

pytestmark = pytest.mark.integration
ALIPAY_CODE, WECHAT_CODE = "281234567890123456", "134567890123456789"
FAST = PaymentTimings(request_timeout_s=1.0, query_interval_s=0.3, query_window_s=1.5)
SCRIPTS = {"13.00": "decline:ACQ.PAYMENT_AUTH_CODE_INVALID", "14.00": "pending:0.3", "15.00": "silent",
           "16.00": "retry:2", "36.00": "late-success:0.3", "37.00": "silent"}


@dataclass
class World:
    dep: Deployment
    db: Path
    alipay: FakeProvider
    wechat: FakeProvider
    gateway: Any
    client: RpcClient
    notify_url: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if find_mosquitto() is None:
        pytest.skip("mosquitto is not installed")
    tmp = tmp_path_factory.mktemp("gateway")
    dep = init_deployment(tmp / "deploy", ["T-0001", "T-0002"], port=free_port())
    broker = MosquittoBroker(dep.conf_path, dep.port, tmp / "mosquitto.log")
    broker.start()
    try:
        alipay, wechat = FakeProvider(ProviderName.ALIPAY, SCRIPTS), FakeProvider(ProviderName.WECHAT, SCRIPTS)
        port, db = free_port(), tmp / "events.db"
        gateway = start_gateway(dep.acquirer_settings(), f"sqlite:///{db}",
                                {ProviderName.ALIPAY: alipay, ProviderName.WECHAT: wechat}, gateway_config(tmp, port))
        try:
            client = RpcClient(dep.terminal_settings("T-0002"), "T-0002")
            yield World(dep, db, alipay, wechat, gateway, client, f"http://127.0.0.1:{port}/notify")
            client.close()
        finally:
            gateway.stop()
    finally:
        broker.stop()


@pytest.fixture(scope="module")
def shop(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Terminal, CodeAuthorizer]]:
    """Terminal T-0001 with its real sync link, an authorizer on it (fast timings)."""
    term = open_terminal(terminal_dir(world.dep, tmp_path_factory.mktemp("shop"), "T-0001"))
    take_sales(term, 0)
    link = build_sync_link(term)
    thread = link.start_thread()
    wait_for("the link online", lambda: link.rpc.connected)
    authorizer = CodeAuthorizer(MqttAcquirer(link.rpc), AttemptStore(term.db), SystemClock(), "T-0001", FAST)
    yield term, authorizer
    link.stop()
    thread.join(5)


def pay(world: World, amount: str, scheme: str = "alipay", **extra: str) -> dict[str, Any]:
    payer = {"auth_code": ALIPAY_CODE if scheme == "alipay" else WECHAT_CODE} if scheme != "face" else {}
    body = {"out_trade_no": world.client.otn(), "amount": amount, "currency": "CNY", "sale_id": "s1",
            "scheme": scheme, **payer, **extra}
    return world.client.call("pay", body)


@pytest.mark.parametrize("scheme, amount, status, reason", [
    ("alipay", "12.00", "success", ""),
    ("wechat", "12.00", "success", ""),
    ("alipay", "13.00", "declined", "ACQ.PAYMENT_AUTH_CODE_INVALID"),
    ("wechat", "14.00", "pending", "10003"),
    ("alipay", "15.00", "unknown", "timeout"),
    ("unionpay", "12.00", "declined", "no unionpay provider is configured"),
])
def test_pay_is_routed_by_scheme_and_answered_in_our_statuses(world: World, scheme: str, amount: str, status: str,
                                                                reason: str) -> None:
    reply = pay(world, amount, scheme)
    assert reply["status"] == status and reason in reply["reason"]
    fake = {"alipay": world.alipay, "wechat": world.wechat}.get(scheme)
    if fake is not None:
        assert fake.methods(reply["out_trade_no"]) == ["pay"]
        other = world.wechat if fake is world.alipay else world.alipay
        assert other.methods(reply["out_trade_no"]) == []
    if status == "success":
        assert reply["trade_no"].startswith("FAKE")


def test_pending_then_query_success_and_unknown_trade(world: World) -> None:
    reply = pay(world, "14.00")
    time.sleep(0.35)
    queried = world.client.call("query", {"out_trade_no": reply["out_trade_no"]})
    assert queried["status"] == "success"
    assert world.client.call("query", {"out_trade_no": world.client.otn()})["status"] == "unknown"


@pytest.mark.parametrize("body, reason", [
    ({"currency": "JPY"}, "CNY only"),
    ({"out_trade_no": "T-0001-stolen"}, "not one of this terminal's"),
    ({"amount": "-1"}, "not a positive amount"),
    ({"scheme": "face", "member_id": "m-nobody", "funding": "agreement"}, "no_agreement"),
    ({"scheme": "face", "member_id": "m-1"}, "funding"),
])
def test_requests_the_gateway_refuses_itself(world: World, body: dict[str, str], reason: str) -> None:
    request = {"out_trade_no": world.client.otn(), "amount": "12.00", "currency": "CNY", "scheme": "alipay",
               "auth_code": ALIPAY_CODE, **body}
    reply = world.client.call("pay", request)
    assert reply["status"] == "declined" and reason in reply["reason"]
    assert world.alipay.methods(request["out_trade_no"]) == []


def test_precreate_and_agreement_sign_carry_the_providers_payload(world: World) -> None:
    otn = world.client.otn()
    created = world.client.call("precreate", {"out_trade_no": otn, "amount": "20.00", "currency": "CNY"})
    assert created["status"] == "created" and created["payload"] == f"https://qr.fake/alipay/{otn[-8:]}"
    signing = world.client.call("agreement_sign", {"member_id": "m-42"})
    assert signing["status"] == "created" and signing["payload"] == "https://sign.fake/m-42"


def test_reverse_is_repeated_while_the_provider_asks(world: World) -> None:
    reply = pay(world, "16.00")
    reversed_ = world.client.call("reverse", {"out_trade_no": reply["out_trade_no"]})
    assert reversed_["status"] == "reversed"
    assert world.alipay.methods(reply["out_trade_no"]) == ["pay", "reverse", "reverse", "reverse"]
    again = world.client.call("pay", {**_pay_body(world, "16.00"), "out_trade_no": reply["out_trade_no"]})
    assert again["status"] == "declined" and "closed" in again["reason"]


def _pay_body(world: World, amount: str) -> dict[str, str]:
    return {"out_trade_no": world.client.otn(), "amount": amount, "currency": "CNY", "scheme": "alipay",
            "auth_code": ALIPAY_CODE}


def test_a_late_success_is_told_and_the_terminal_refunds_it(world: World, shop: Any) -> None:
    term, authorizer = shop
    told: list[str] = []
    authorizer.on_attention = told.append
    term.till.add_item("TEA-001", 2)                      # 36.00: late-success:0.3 at the fake
    outcome, done = pay_by_code(term.till, authorizer, WECHAT_CODE)
    assert outcome.status == "reversed" and done is None
    wait_for("the cashier told", lambda: told, 10)
    flagged = authorizer.attempts.needing_attention()
    assert flagged[0].status == "late_refunded" and told == [flagged[0].reason]
    assert world.wechat.methods(outcome.out_trade_no)[-1] == "refund"
    assert world.wechat.trades[outcome.out_trade_no].refunds == {f"{outcome.out_trade_no}-late": "36.00"}


def test_a_qr_order_is_completed_by_the_notification_only(world: World, shop: Any) -> None:
    term, authorizer = shop
    if term.till.sale is None:
        term.till.add_item("TEA-001", 3)                  # 54.00
    shown: list[str] = []
    result: list[Any] = []
    qr = QrPayments(authorizer, QrMerchant("Shop", "Shanghai", "CN", "M-1"), window_s=15.0)
    worker = threading.Thread(target=lambda: result.append(pay_by_qr(term.till, qr, shown.append)))
    worker.start()
    wait_for("the QR shown", lambda: shown, 5)
    assert shown[0].startswith("https://qr.fake/alipay/")
    otn = next(o for o, t in world.alipay.trades.items() if t.status == "created" and o.startswith("T-0001"))
    amount = world.alipay.trades[otn].amount
    fields = {"out_trade_no": otn, "status": "success", "trade_no": "FAKEQR1", "amount": amount}
    assert post(f"{world.notify_url}/alipay", world.alipay.sign(fields, b"forged"))[0] == 400
    assert post(f"{world.notify_url}/alipay", b"not json at all")[0] == 400
    time.sleep(0.5)
    assert not result and _status(world, otn) == "created"
    status, answer = post(f"{world.notify_url}/alipay", world.alipay.sign(fields))
    assert (status, answer) == (200, b"success")
    worker.join(10)
    outcome, done = result[0]
    assert outcome.status == "approved" and done is not None and done.payment.method == "qr"
    assert _status(world, otn) == "success"


def _status(world: World, otn: str) -> str:
    with sqlite3.connect(world.db) as conn:
        return str(conn.execute("SELECT status FROM gateway_trades WHERE out_trade_no = ?", (otn,)).fetchone()[0])


def test_an_agreement_notification_funds_face_pay(world: World) -> None:
    forged = world.alipay.sign({"kind": "agreement", "agreement_no": "AGR-X", "external_id": "m-7"}, b"forged")
    assert post(f"{world.notify_url}/alipay", forged)[0] == 400
    assert pay(world, "12.00", "face", member_id="m-7", funding="agreement")["reason"] == "no_agreement"
    good = world.alipay.sign({"kind": "agreement", "agreement_no": "AGR-7", "external_id": "m-7"})
    assert post(f"{world.notify_url}/alipay", good) == (200, b"success")
    reply = pay(world, "12.00", "face", member_id="m-7", funding="agreement")
    assert reply["status"] == "success"
    assert world.alipay.methods(reply["out_trade_no"]) == ["pay_agreement"]
    assert b"AGR-7" not in b"".join(str(v).encode() for v in reply.values())


def test_the_forwarders_offline_charge_goes_through_the_gateway(world: World) -> None:
    from sync.backend.forwarder import Forwarder
    from test_offline_forwarding import offline_body, stored_payment
    url, otn = f"sqlite:///{world.db}", world.client.otn()
    forward = {"out_trade_no": otn, "scheme": "wechat", "auth_code": WECHAT_CODE}
    stored_payment(url, "T-0002", world.dep.secrets()["T-0002"], offline_body("sale-fw-1", forward))
    forwarder = Forwarder(world.dep.forwarder_settings(), url, poll_s=0.1, timeout_s=3.0, query_interval_s=0.2)
    thread = threading.Thread(target=forwarder.run, daemon=True)
    thread.start()
    try:
        notice = wait_for("the forwarded notice", lambda: [n for n in world.client.notifies
                                                           if n["out_trade_no"] == otn], 10)
    finally:
        forwarder.stop()
        thread.join(5)
    assert notice[0]["status"] == "success" and notice[0]["forwarded"]
    assert world.wechat.methods(otn) == ["pay"] and WECHAT_CODE in world.wechat.auth_codes
    with sqlite3.connect(world.db) as conn:
        row = conn.execute("SELECT terminal, provider, status FROM gateway_trades WHERE out_trade_no = ?",
                           (otn,)).fetchone()
        assert row == ("", "wechat", "success")
        assert conn.execute("SELECT status FROM forwards").fetchall() == [("success",)]


def test_a_missing_credential_file_stops_the_gateway_with_one_error(world: World, tmp_path: Path) -> None:
    import subprocess
    import sys
    missing = tmp_path / "keys" / "alipay.json"
    config = tmp_path / "gateway.toml"
    config.write_text(f'notify_port = {free_port()}\n[alipay]\ncredentials = "{missing}"\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "terminal.app.cli", "--data-dir", str(tmp_path), "cloud",
                           "--deploy", str(world.dep.directory), "--db", f"sqlite:///{tmp_path / 'e.db'}", "gateway",
                           "--config", str(config)], capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert done.stderr.strip() == (f"edgepos: error: alipay credentials {missing} does not exist: the gateway "
                                   "cannot start without them")


def test_a_closed_notification_after_a_full_refund_leaves_the_trade_paid(world: World) -> None:
    reply = pay(world, "12.00")
    otn = reply["out_trade_no"]
    refund = world.client.call("refund", {"out_trade_no": otn, "amount": "12.00", "out_request_no": f"{otn}-r1"})
    assert refund["status"] == "refunded"
    closed = {"out_trade_no": otn, "status": "closed", "trade_no": reply["trade_no"], "amount": "12.00"}
    assert post(f"{world.notify_url}/alipay", world.alipay.sign(closed)) == (200, b"success")
    assert _status(world, otn) == "success"
    assert not [n for n in world.client.notifies if n["out_trade_no"] == otn]
