"""`edgepos bench gateway`: pay requests from simulated terminals through MQTT -> gateway -> provider on loopback.

The gateway runs in its own process (as in production); the terminals are MQTT clients with their own
credentials from a `cloud init` deployment. Figures: requests/s answered, and the time the gateway adds
(message in -> reply out, less the time inside provider calls, measured by the gateway), plus the terminals'
round trip less that provider time (broker hops included). `--provider stub` answers in-process after a fixed
delay; `--provider alipay` calls `edgepos sim alipay` through the real adapter.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bench.gateway_load import SimTerminal, drive
from sync.broker_process import MosquittoBroker, free_port
from sync.gateway.config import GatewayConfig
from sync.gateway.provider import BillRow, Notification, ProviderAnswer, ProviderName
from sync.gateway.stats import percentile
from sync.mqtt import BrokerSettings
from sync.provision import init_deployment
from terminal.payments.acquirer import AcquirerStatus

CODE = "281234567890123456"


class StubProvider:
    """Answers every pay `success` after `delay_s` (the provider's time, excluded from the figures)."""

    name = ProviderName.ALIPAY

    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s

    def pay(self, out_trade_no: str, amount: str, subject: str, auth_code: str) -> ProviderAnswer:
        """Approve after the delay."""
        time.sleep(self.delay_s)
        return ProviderAnswer(AcquirerStatus.SUCCESS, trade_no=f"STUB{out_trade_no[-10:]}")

    def __getattr__(self, name: str) -> Any:   # the bench only pays
        raise NotImplementedError(name)

    def parse_notify(self, body: bytes, content_type: str) -> Notification:
        """Not used by the bench."""
        raise NotImplementedError

    def bill(self, day: date) -> list[BillRow]:
        """Not used by the bench."""
        return []


def _serve(settings: BrokerSettings, url: str, config: GatewayConfig, stub_s: float | None, conn: Connection) -> None:
    """The gateway process: serve until told to stop, then send back its per-request timings."""
    from sync.gateway.config import build_providers
    from sync.gateway.service import Gateway
    providers: Any = {ProviderName.ALIPAY: StubProvider(stub_s)} if stub_s is not None else build_providers(config)
    gateway = Gateway(settings, url, providers, config)
    gateway.start()
    gateway.subscribed.wait(10)
    conn.send("ready")
    conn.recv()                                    # the measured run starts
    cpu = time.process_time()
    conn.recv()
    conn.send((gateway.stats.summary("pay"), gateway.stats.by_key(), time.process_time() - cpu))
    gateway.stop()


def _figures(samples: list[float]) -> dict[str, float]:
    return {f"p{p}_ms": round(percentile(samples, p) * 1000, 2) for p in (50, 95, 99)}


def _sandbox(tmp: Path, say: Callable[[str], Any]) -> tuple[subprocess.Popen[str], Path]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "terminal.app.cli", "sim", "alipay", "--port", str(port),
                             "--out", str(tmp / "alipay")], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    assert proc.stdout is not None
    if not json.loads(proc.stdout.readline() or "{}").get("ready"):
        raise RuntimeError("the Alipay sandbox did not start")
    threading.Thread(target=lambda: [None for _ in proc.stdout or ()], daemon=True).start()   # its request lines
    say(f"Alipay sandbox on port {port}")
    return proc, tmp / "alipay" / "alipay.json"


def run_gateway_bench(terminals: int = 50, rate: float = 100.0, seconds: float = 20.0, provider: str = "stub",
                      stub_ms: float = 5.0, workers: int = 32, say: Callable[[str], Any] = print) -> dict[str, Any]:
    """Run the bench and return its figures."""
    with tempfile.TemporaryDirectory(prefix="edgepos-gwbench-") as name:
        tmp = Path(name)
        started = time.perf_counter()
        tids = [f"B-{n:03d}" for n in range(terminals)]
        dep = init_deployment(tmp / "deploy", tids, port=free_port())
        init_s = time.perf_counter() - started
        say(f"cloud init for {terminals} terminals: {init_s:.1f} s")
        broker = MosquittoBroker(dep.conf_path, dep.port, tmp / "mosquitto.log")
        broker.start()
        sandbox, creds = (_sandbox(tmp, say) if provider == "alipay" else (None, tmp / "none.json"))
        config = GatewayConfig(path=tmp / "gateway.toml", notify_port=free_port(), qr_provider=ProviderName.ALIPAY,
                               credentials={ProviderName.ALIPAY: creds}, workers=workers)
        parent, child = multiprocessing.get_context("spawn").Pipe()
        process = multiprocessing.get_context("spawn").Process(target=_serve, args=(
            dep.acquirer_settings(), f"sqlite:///{tmp / 'events.db'}", config,
            None if provider == "alipay" else stub_ms / 1000, child))
        process.start()
        sims: list[SimTerminal] = []
        try:
            if not parent.poll(60) or parent.recv() != "ready":
                raise RuntimeError("the gateway did not start")
            sims = [SimTerminal(dep.terminal_settings(t), t) for t in tids]
            for sim in sims:
                sim.ready.wait(20)
            drive(sims, rate / 4, 2.0, "1.00", CODE)                      # warm-up, not counted
            time.sleep(1.0)
            for sim in sims:
                sim.rtt.clear()
            say(f"{terminals} terminals, {rate:.0f} pay/s for {seconds:.0f} s ({provider} provider)")
            parent.send("mark")
            begin = time.perf_counter()
            sent = drive(sims, rate, seconds, "1.00", CODE)
            deadline = time.perf_counter() + 15
            while sum(len(s.rtt) for s in sims) < sent and time.perf_counter() < deadline:
                time.sleep(0.1)
            elapsed = time.perf_counter() - begin
            parent.send("stop")
            gateway_pay, by_key, cpu_s = parent.recv()
        finally:
            for sim in sims:
                sim.close()
            process.join(30)
            if sandbox is not None:
                sandbox.terminate()
                sandbox.wait(10)
            broker.stop()
        rtts = {otn: s for sim in sims for otn, s in sim.rtt.items()}
        own = [by_key[o][0] - by_key[o][1] for o in rtts if o in by_key]
        minus = [rtts[o] - by_key[o][1] for o in rtts if o in by_key]
        statuses = [sim.statuses.get(o) for sim in sims for o in sim.rtt]
        return {"bench": "gateway", "provider": provider, "terminals": terminals, "target_rps": rate,
                "sent": sent, "answered": len(rtts), "success": statuses.count("success"),
                "rps": round(len(rtts) / elapsed, 1), "cloud_init_s": round(init_s, 1),
                "gateway_added": _figures(own), "round_trip_less_provider": _figures(minus),
                "provider_time": _figures([by_key[o][1] for o in rtts if o in by_key]),
                "gateway_cpu_ms_per_request": round(cpu_s * 1000 / max(1, len(rtts)), 2),
                "load_average_1m": round(os.getloadavg()[0], 2), "gateway_summary_all_pays": gateway_pay}
