"""End to end: terminal -> MQTT -> `edgepos cloud` (gateway.toml: the gateway) -> the Alipay / WeChat Pay sandboxes.

One deployment, broker, pair of sandboxes and backend for the module; the secrets scan runs last over what they
all left behind.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from gateway_e2e_helpers import (
    CLI,
    Observer,
    Process,
    alipay_sandbox,
    env,
    let_observer_read_replies,
    new_code,
    pem_body_lines,
    scan,
    wechat_sandbox,
)
from gateway_helpers import RpcClient, post
from support.deploy import terminal_dir
from sync.broker_process import MosquittoBroker, find_mosquitto, free_port
from sync.gateway.reconcile import BILL_TZ
from sync.provision import Deployment, init_deployment
from sync.rpc import MqttAcquirer
from sync_helpers import open_terminal, take_sales, wait_for
from terminal.app.bootstrap import Terminal, build_sync_link
from terminal.payments.code_checkout import pay_by_code, pay_by_qr
from terminal.payments.code_payment import CodeAuthorizer, PaymentTimings
from terminal.payments.offline import OfflineGate
from terminal.payments.qr_payment import QrMerchant, QrPayments
from terminal.ports import SystemClock
from terminal.store.attempts import AttemptStore

pytestmark = pytest.mark.integration
FAST = PaymentTimings(request_timeout_s=1.5, query_interval_s=0.3, query_window_s=1.5)
SCRIPTS = {"alipay": ["36.00=decline:ACQ.BUYER_BALANCE_NOT_ENOUGH", "54.00=pending:0.3", "72.00=silent",
                      "90.00=late-success:0.3"],
           "wechat": ["36.00=decline:NOTENOUGH", "54.00=pending:0.3", "72.00=silent", "90.00=late-success:0.3"]}


@dataclass
class Shop:
    term: Terminal
    link: Any = None
    thread: Any = None
    authorizer: Any = None
    codes: list[str] = field(default_factory=list)

    def connect(self) -> None:
        self.link = build_sync_link(self.term)
        self.thread = self.link.start_thread()
        wait_for("the link online", lambda: self.link.rpc.connected)
        gate = OfflineGate(self.term.db, self.term.offline_caps, SystemClock())
        self.authorizer = CodeAuthorizer(MqttAcquirer(self.link.rpc), AttemptStore(self.term.db), SystemClock(),
                                         "T-0001", FAST, offline_gate=gate)

    def disconnect(self) -> None:
        self.link.stop()
        self.thread.join(5)

    def code(self, scheme: str) -> str:
        self.codes.append(new_code(scheme))
        return self.codes[-1]


@dataclass
class World:
    tmp: Path
    dep: Deployment
    alipay: Process
    wechat: Process
    cloud: Process
    observer: Observer
    client: RpcClient
    shop: Shop
    notify_url: str
    log: Path


def _sandbox_post(base: str, path: str, body: dict[str, Any], ca: str | None = None) -> dict[str, Any]:
    import ssl
    context = ssl.create_default_context(cafile=ca) if ca else None
    request = urllib.request.Request(base.rstrip("/") + path, json.dumps(body).encode(),
                                     {"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=5, context=context) as answer:
        return dict(json.loads(answer.read()))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if find_mosquitto() is None:
        pytest.skip("mosquitto is not installed")
    tmp = tmp_path_factory.mktemp("e2e")
    dep = init_deployment(tmp / "deploy", ["T-0001", "T-0002", "T-0003"], port=free_port())
    let_observer_read_replies(dep)
    broker = MosquittoBroker(dep.conf_path, dep.port, tmp / "mosquitto.log")
    started: list[Any] = [broker.stop]          # torn down in reverse, whatever failed while starting
    try:
        yield from _world(tmp, dep, broker, started)
    finally:
        for stop in reversed(started):
            try:
                stop()
            except Exception:  # noqa: BLE001 - tear everything down whatever failed first
                pass


def _world(tmp: Path, dep: Deployment, broker: MosquittoBroker, started: list[Any]) -> Iterator[World]:
    broker.start()
    alipay = alipay_sandbox(tmp / "alipay", *[f"--by-amount={s}" for s in SCRIPTS["alipay"]], "--silent-hold", "3")
    started.append(alipay.stop)
    wechat = wechat_sandbox(tmp / "wechat", *[f"--by-amount={s}" for s in SCRIPTS["wechat"]], "--hold", "3",
                            "--notify-backoff", "0.2")
    port = free_port()
    (dep.directory / "gateway.toml").write_text(
        f'notify_port = {port}\nnotify_base_url = "http://127.0.0.1:{port}"\nqr_provider = "alipay"\n'
        'timeout_s = 0.6\nreverse_window_s = 0.8\nwatch_interval_s = 0.2\nwatch_window_s = 30\n'
        f'[alipay]\ncredentials = "{tmp / "alipay" / "alipay.json"}"\n'
        f'[wechat]\ncredentials = "{tmp / "wechat" / "wechatpay.json"}"\n', encoding="utf-8")
    started.append(wechat.stop)
    log = tmp / "cloud.log"
    cloud = Process([*CLI, "--data-dir", str(tmp / "cloud"), "cloud", "--deploy", str(dep.directory), "--db",
                     f"sqlite:///{tmp / 'cloud' / 'events.db'}"], log)
    started.append(cloud.stop)
    observer = Observer(dep)
    started.append(observer.close)
    client = RpcClient(dep.terminal_settings("T-0002"), "T-0002")
    started.append(client.close)
    shop = Shop(open_terminal(terminal_dir(dep, tmp / "shop", "T-0001")))
    take_sales(shop.term, 0)
    wait_for("the gateway answering", lambda: _answers(client), 20, logs=(log,))
    shop.connect()
    started.append(shop.disconnect)
    yield World(tmp, dep, alipay, wechat, cloud, observer, client, shop, f"http://127.0.0.1:{port}/notify", log)


def _answers(client: RpcClient) -> bool:
    try:
        return bool(client.call("query", {"out_trade_no": client.otn()}, 0.5)["status"] == "unknown")
    except TimeoutError:
        return False


@pytest.mark.parametrize("scheme", ["alipay", "wechat"])
@pytest.mark.parametrize("quantity, status", [(1, "approved"), (2, "declined"), (3, "approved"), (4, "reversed"),
                                              (5, "late")])
def test_every_fault_script_end_to_end(world: World, scheme: str, quantity: int, status: str) -> None:
    shop = world.shop
    shop.term.till.add_item("TEA-001", quantity)          # 18.00 x quantity picks the sandbox's script
    outcome, done = pay_by_code(shop.term.till, shop.authorizer, shop.code(scheme))
    assert outcome.status == ("reversed" if status == "late" else status), outcome
    if status == "approved":
        assert done is not None and done.payment.status == "approved"
        return
    shop.term.till.void()
    if status == "declined":
        assert ("BALANCE" in outcome.message) if scheme == "alipay" else ("NOTENOUGH" in outcome.message)
    if status == "late":
        attempt = wait_for("the late success refunded", lambda: [
            a for a in shop.authorizer.attempts.needing_attention() if a.out_trade_no == outcome.out_trade_no], 15,
            logs=(world.log,))
        assert attempt[0].status == "late_refunded"


@pytest.mark.parametrize("scheme", ["alipay", "wechat"])
def test_the_demo_sale_is_paid_through_the_gateway_and_the_sandbox(world: World, scheme: str) -> None:
    """`edgepos demo --pay wallet --code` (the code on stdin) as a technician runs it at a provisioned terminal."""
    data_dir = world.tmp / "demo"                      # one terminal, T-0003, for both providers
    if not data_dir.exists():
        terminal_dir(world.dep, data_dir, "T-0003")
    code = world.shop.code(scheme)
    done = subprocess.run([*CLI, "--data-dir", str(data_dir / "T-0003"), "demo", "--pay", "wallet", "--code"],
                          input=code + "\n", capture_output=True, text=True, env=env(), timeout=90)
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "approved" and result["paid"] is True
    assert _trade_status(world, result["out_trade_no"]) == "success"
    with sqlite3.connect(world.tmp / "cloud" / "events.db") as conn:
        provider, = conn.execute("SELECT provider FROM gateway_trades WHERE out_trade_no = ?",
                                 (result["out_trade_no"],)).fetchone()
    assert provider == scheme


def test_a_qr_order_is_completed_by_the_providers_notification(world: World) -> None:
    shop, shown, result = world.shop, list[str](), list[Any]()
    shop.term.till.add_item("DRK-001", 3)                  # 6.00: approve
    qr = QrPayments(shop.authorizer, QrMerchant("Shop", "Shanghai", "CN", "M-1"), window_s=20.0)
    worker = threading.Thread(target=lambda: result.append(pay_by_qr(shop.term.till, qr, shown.append)))
    worker.start()
    wait_for("the QR shown", lambda: shown, 10)
    assert shown[0].startswith("https://qr.alipay.com/"), shown[0]    # Alipay's qr_code, not our EMVCo text
    otn = _last_qr(world)
    forged = (f"notify_type=trade_status_sync&out_trade_no={otn}&trade_status=TRADE_SUCCESS&total_amount=6.00"
              "&sign_type=RSA2&sign=Zm9yZ2Vk").encode()
    assert post(f"{world.notify_url}/alipay", forged, "application/x-www-form-urlencoded")[0] == 400
    time.sleep(0.8)
    assert not result and _trade_status(world, otn) == "created"
    _sandbox_post(str(world.alipay.first["gateway"]).rsplit("/", 1)[0], "/_sandbox/scan", {"out_trade_no": otn})
    worker.join(15)
    outcome, done = result[0]
    assert outcome.status == "approved" and done is not None and done.payment.method == "qr"
    wait_for("the notification applied", lambda: _trade_status(world, otn) == "success", 10)


def _last_qr(world: World) -> str:
    with sqlite3.connect(world.tmp / "cloud" / "events.db") as conn:
        return str(conn.execute("SELECT out_trade_no FROM gateway_trades WHERE kind = 'qr' "
                                "ORDER BY created_at DESC").fetchone()[0])


def _trade_status(world: World, otn: str) -> str:
    with sqlite3.connect(world.tmp / "cloud" / "events.db") as conn:
        row = conn.execute("SELECT status FROM gateway_trades WHERE out_trade_no = ?", (otn,)).fetchone()
    return str(row[0]) if row else ""


def test_an_offline_payment_is_forwarded_and_charged_through_the_sandbox(world: World) -> None:
    shop = world.shop
    shop.disconnect()
    wait_for("the link offline", lambda: not shop.authorizer.acquirer.reachable())
    shop.term.till.add_item("TEA-001")
    outcome, done = pay_by_code(shop.term.till, shop.authorizer, shop.code("wechat"))
    assert outcome.status == "offline" and done is not None
    shop.connect()
    wait_for("charged after forwarding", lambda: shop.authorizer.attempts.get(outcome.out_trade_no).status
             == "offline_approved", 40, logs=(world.log,))
    assert _trade_status(world, outcome.out_trade_no) == "success"


def test_an_agreement_signed_at_the_sandbox_funds_face_pay(world: World) -> None:
    client = world.client
    body = {"amount": "8.00", "currency": "CNY", "scheme": "face", "member_id": "m-e2e", "funding": "agreement"}
    assert client.call("pay", {**body, "out_trade_no": client.otn()})["reason"] == "no_agreement"
    sign = client.call("agreement_sign", {"member_id": "m-e2e"})
    assert sign["status"] == "created" and sign["payload"].startswith("http")
    _sandbox_post(str(world.alipay.first["gateway"]).rsplit("/", 1)[0], "/_sandbox/sign", {"url": sign["payload"]})
    wait_for("the agreement stored", lambda: client.call("pay", {**body, "out_trade_no": client.otn()})["status"]
             == "success", 4, logs=(world.log,))


def test_face_pay_with_the_fixture_faces_is_funded_by_the_alipay_agreement(world: World) -> None:
    """The real face engine identifies the member; no balance, so the agreement signed at the sandbox pays."""
    from terminal.app.face_cli import load_rgb
    from terminal.members.agreement import agreement_sign_url
    from test_face_pay import ENGINE, FACES, blinked
    shop = world.shop
    assert shop.term.members is not None
    member = shop.term.members.add("Barack", "+12025550177", face_consent=True)
    shop.term.members.enroll_templates(member.id, [ENGINE.analyze(load_rgb(FACES / "obama.jpg")).encoding])
    page = agreement_sign_url(shop.authorizer.acquirer, member.id, 5.0)       # the terminal asks; the member signs
    _sandbox_post(str(world.alipay.first["gateway"]).rsplit("/", 1)[0], "/_sandbox/sign", {"url": page})
    wait_for("the agreement stored", lambda: _agreement_of(world, member.id), 10, logs=(world.log,))
    shop.term.till.add_item("TEA-001")                                        # 18.00: approve
    pay = blinked(shop.term, load_rgb(FACES / "obama2.jpg"))
    assert pay.digits("0177").stage == "confirmed"
    outcome, done = pay.charge(shop.authorizer)
    assert outcome.status == "approved" and done is not None and done.payment.method == "face"
    assert _trade_status(world, outcome.out_trade_no) == "success"
    with sqlite3.connect(world.tmp / "cloud" / "events.db") as conn:
        kind = conn.execute("SELECT kind, provider FROM gateway_trades WHERE out_trade_no = ?",
                            (outcome.out_trade_no,)).fetchone()
    assert tuple(kind) == ("agreement", "alipay")


def _agreement_of(world: World, member_id: str) -> bool:
    with sqlite3.connect(world.tmp / "cloud" / "events.db") as conn:
        return conn.execute("SELECT 1 FROM agreements WHERE member_id = ?", (member_id,)).fetchone() is not None


def test_reconcile_finds_the_bills_missing_and_mismatched_entries(world: World) -> None:
    paid = _paid(world, "alipay")
    dropped, changed = paid[0], paid[1]
    _sandbox_post(str(world.alipay.first["gateway"]).rsplit("/", 1)[0], "/_sandbox/bill",
                  {"drop": dropped, "amount": {changed: "0.01"}})
    day = datetime.now(UTC).astimezone(BILL_TZ).date().isoformat()
    wait_for("the shop's sales stored", lambda: _stored_sales(world) > 0, 20, logs=(world.log,))
    out = world.tmp / "reconcile.csv"
    done = subprocess.run([*CLI, "--data-dir", str(world.tmp / "cloud"), "cloud", "--deploy", str(world.dep.directory),
                           "--db", f"sqlite:///{world.tmp / 'cloud' / 'events.db'}", "reconcile", "--date", day,
                           "--json", "--csv", str(out)], capture_output=True, text=True, env=env(), timeout=60)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    odd = {(line["provider"], line["out_trade_no"], line["result"]) for line in report["lines"]
           if line["result"] != "matched"}
    assert odd == {("alipay", dropped, "missing_at_provider"), ("alipay", changed, "amount_mismatch")}, odd
    assert report["summary"]["matched"] >= 6 and out.read_text().count("\n") == len(report["lines"]) + 1
    sale_of = {line["out_trade_no"]: line["sale_id"] for line in report["lines"] if line["kind"] == "payment"}
    assert any(sale_of[otn] for otn in sale_of if otn.startswith("T-0001-"))     # the shop's sales name them
    assert not any(sale_of[otn] for otn in sale_of if otn.startswith("T-0002-"))  # raw requests: no sale


def _stored_sales(world: World) -> int:
    with sqlite3.connect(world.tmp / "cloud" / "events.db") as conn:
        return int(conn.execute("SELECT COUNT(*) FROM events WHERE schema = 'payment/1'").fetchone()[0])


def _paid(world: World, provider: str) -> list[str]:
    with sqlite3.connect(world.tmp / "cloud" / "events.db") as conn:
        return [r[0] for r in conn.execute("SELECT out_trade_no FROM gateway_trades WHERE provider = ? AND "
                                           "status = 'success' ORDER BY created_at", (provider,))]


def test_no_secret_in_logs_databases_payloads_or_argv(world: World) -> None:
    alipay_dir, wechat_dir = world.tmp / "alipay", world.tmp / "wechat"
    needles = {f"code {c}": c for c in world.shop.codes}
    for pem in (alipay_dir / "alipay_app_private_key.pem", alipay_dir / ".alipay_sandbox_private_key.pem",
                Path(json.loads((wechat_dir / "wechatpay.json").read_text())["key"])):
        needles.update({f"{pem.name} line {n}": line for n, line in enumerate(pem_body_lines(pem)[1:-1])})
    needles["wechat api_key"] = json.loads((wechat_dir / "wechatpay.json").read_text())["api_key"]
    assert len(world.shop.codes) >= 10
    term = world.shop.term
    term.db.query("PRAGMA wal_checkpoint(TRUNCATE)")
    with sqlite3.connect(world.tmp / "cloud" / "events.db") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    places: dict[str, bytes] = {"cloud log": world.log.read_bytes(), "mosquitto log": (world.tmp / "mosquitto.log")
                                .read_bytes(), "sandbox output": "".join(world.alipay.lines + world.wechat.lines)
                                .encode(), "payloads to terminals": b"\n".join(world.observer.payloads)}
    for path in (world.tmp / "cloud").rglob("*"):
        if path.is_file():
            places[str(path)] = path.read_bytes()
    for path in term.data_dir.rglob("*"):
        if path.is_file() and "keys" not in path.parts:
            places[str(path)] = path.read_bytes()
    for name, proc in (("cloud argv", world.cloud), ("alipay argv", world.alipay), ("wechat argv", world.wechat)):
        places[name] = proc.cmdline()
    assert len(world.observer.payloads) > 10
    leaks = {place: found for place, blob in places.items() if (found := scan(blob, needles))}
    assert leaks == {}


def test_the_gateway_runs_alone_and_stops_cleanly(world: World) -> None:
    """Last: `edgepos cloud gateway` takes over from the full backend (one gateway per deployment at a time)."""
    world.cloud.stop()
    log = world.tmp / "gateway-alone.log"
    alone = Process([*CLI, "--data-dir", str(world.tmp / "cloud"), "cloud", "--deploy", str(world.dep.directory),
                     "--db", f"sqlite:///{world.tmp / 'cloud' / 'events.db'}", "gateway"], log)
    try:
        assert alone.first.get("ready") is True, alone.first
        wait_for("the gateway answering", lambda: _answers(world.client), 20, logs=(log,))
        code = world.shop.code("wechat")
        reply = world.client.call("pay", {"out_trade_no": world.client.otn(), "amount": "3.00", "currency": "CNY",
                                          "scheme": "wechat", "auth_code": code})
        assert reply["status"] == "success"
    finally:
        alone.stop()
    assert alone.proc.returncode == 0
    text = log.read_text()
    assert "gateway stopped:" in text and code not in text
