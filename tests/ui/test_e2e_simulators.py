"""The kiosk end to end with the simulators as real processes: the serial scanner on a pty, the acquirer on a
real Mosquitto, the virtual printer rendering PNG receipts; driven through the widgets of a real window."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from support.deploy import broker, deployment, stop, terminal_dir  # noqa: F401  (fixtures)
from sync.broker_process import MosquittoBroker
from sync.provision import Deployment
from terminal.app.bootstrap import Terminal, build_payments, build_sync_link, build_terminal
from terminal.config.settings import load_config

pytestmark = pytest.mark.ui
TEA = "8930001234505"          # Trà Ô Long 乌龙茶, 18.00
WECHAT = "134567890123456789"
STEP_S = 30.0                  # the longest any one step may take


def until(kiosk: Any, what: str, check: Callable[[], Any], seconds: float = STEP_S) -> Any:
    """Pump Kivy frames until check() is truthy; fail naming what did not happen."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out after {seconds:.0f} s waiting for {what}"
        kiosk.pump(2)
        time.sleep(0.02)


class ScannerSim:
    """`python -m simulators.scanner --hold` on a pty; `scan(code)` sends one code, as a trigger pull."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "simulators.scanner", "--hold"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        first = self.proc.stdout.readline()
        assert first.startswith("pty: "), f"the scanner simulator did not start: {first!r}"
        self.port = first[5:].strip()

    def scan(self, code: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(code + "\n")
        self.proc.stdin.flush()


class AcquirerSim:
    """`python -m simulators.acquirer` on the deployment with a script; `seen` is what it answered."""

    def __init__(self, deployment: Deployment, script: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "simulators.acquirer", "--deploy",
                                      str(deployment.directory), "--script", script], stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        first = json.loads(self.proc.stdout.readline() or "{}")
        assert first.get("ready"), "the acquirer simulator did not start"
        self.seen: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()
        time.sleep(0.5)   # its SUBSCRIBE is in flight; a request before it lands would be dropped

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.seen.append(json.loads(line))


class Shop:
    """The kiosk on a terminal linked to the broker, with the scanner simulator as its serial scanner."""

    def __init__(self, kiosk: Any, term: Terminal, scanner: ScannerSim, deployment: Deployment) -> None:
        self.kiosk, self.term, self.scanner, self.deployment = kiosk, term, scanner, deployment
        self.sims: list[subprocess.Popen[Any]] = []

    def acquirer(self, script: str) -> AcquirerSim:
        sim = AcquirerSim(self.deployment, script)
        self.sims.append(sim.proc)
        return sim

    def ring_tea_by_scanner(self) -> None:
        sale = self.kiosk.screen("sale")
        self.scanner.scan(TEA)
        until(self.kiosk, "the scanned tea in the cart",
              lambda: self.term.till.sale is not None and len(self.term.till.sale.lines) == 1)
        assert "CNY 18.00" in sale.ids.total_label.text

    def pay_code(self, code: str = WECHAT) -> Any:
        """Open the wallet panel, charge the code, wait for the result view."""
        sale = self.kiosk.screen("sale")
        self.kiosk.tap(sale.ids.pay_wallet_button)
        panel = sale.wallet_panel
        assert panel is not None and "CNY 18.00" in panel.ids.due_label.text
        self.kiosk.enter(panel.ids.code_input, code)
        until(self.kiosk, "the payment's result view", lambda: panel.has_result)
        self.kiosk.pump(4)
        return panel


@pytest.fixture
def shop(make_kiosk: Callable[..., Any], deployment: Deployment, broker: MosquittoBroker,
         tmp_path: Path) -> Iterator[Shop]:
    """Scanner simulator, terminal (sim printer, serial scanner on the pty, fast payment timings), link, kiosk."""
    from terminal.app.devices import start_code_inputs

    scanner = ScannerSim()
    data_dir = terminal_dir(deployment, tmp_path)
    config = load_config(data_dir / "edgepos.toml")
    config = replace(config, devices=replace(config.devices, scanner="serial", scanner_port=scanner.port),
                     payments=replace(config.payments, request_timeout_s=2, query_interval_s=1, query_window_s=3))
    term = build_terminal(config, data_dir)
    link = build_sync_link(term)
    term.code_payments, term.qr_payments = build_payments(term, link)
    thread = link.start_thread()
    inputs: list[Any] = []
    shop = None
    try:
        deadline = time.monotonic() + STEP_S
        while not link.rpc.connected:
            assert time.monotonic() < deadline, "the kiosk's link did not connect to the broker"
            time.sleep(0.05)
        kiosk = make_kiosk(terminal=term, cashier="Lan")
        inputs = start_code_inputs(config, kiosk.app.deliver_scan, kiosk.app.device_error)
        assert inputs, "the serial scanner did not start"
        shop = Shop(kiosk, term, scanner, deployment)
        yield shop
    finally:
        for device in inputs:
            device.stop()
        for proc in (shop.sims if shop else []) + [scanner.proc]:
            stop(proc)
        link.stop()
        thread.join(5)


def test_a_code_scanned_by_the_serial_scanner_is_in_the_cart(shop: Shop) -> None:
    shop.ring_tea_by_scanner()
    sale = shop.kiosk.screen("sale")
    assert shop.term.till.sale is not None and shop.term.till.sale.lines[0].item.sku == "TEA-001"
    assert "Added" in sale.ids.status.text and not sale.status_error


def test_paid_by_code_the_virtual_printer_renders_the_receipt(shop: Shop) -> None:
    sim = shop.acquirer("approve")
    shop.ring_tea_by_scanner()
    panel = shop.pay_code()
    result = panel.ids.result_view
    assert panel.paid and result.status == "approved" and result.ids.result_headline.text == "Payment approved"
    assert result.ids.result_action.text == "New sale" and [s["method"] for s in sim.seen] == ["pay"]
    receipts = shop.term.data_dir / "receipts"
    pngs, texts = sorted(receipts.glob("receipt-*.png")), sorted(receipts.glob("receipt-*.txt"))
    assert len(pngs) == 1 and len(texts) == 1 and pngs[0].stat().st_size > 1000
    transcript = texts[0].read_text(encoding="utf-8")
    assert "TOTAL" in transcript and "CNY 18.00" in transcript and "Payment code" in transcript
    assert WECHAT not in transcript                      # the code is printed masked
    from PIL import Image
    with Image.open(pngs[0]) as image:
        assert image.width == shop.term.config.devices.printer_paper_dots and image.height > 400
    shop.kiosk.tap(result.ids.result_action)             # "New sale"
    until(shop.kiosk, "the panel closed", lambda: panel.parent is None)
    assert shop.term.till.sale is None


def test_a_decline_shows_the_reason_on_the_result_view(shop: Shop) -> None:
    shop.acquirer("decline:card_blocked")
    shop.ring_tea_by_scanner()
    panel = shop.pay_code()
    result = panel.ids.result_view
    assert not panel.paid and result.status == "declined"
    assert result.ids.result_headline.text == "Declined" and "card_blocked" in result.ids.result_detail.text
    assert result.ids.result_action.text == "Try another payment"
    shop.kiosk.tap(result.ids.result_action)              # back to scanning: the sale is still to pay
    assert not panel.has_result and shop.term.till.sale is not None
    shop.kiosk.tap(panel.ids.cancel_button)               # "Back to cart"
    assert shop.term.till.sale is not None and not list((shop.term.data_dir / "receipts").glob("*.png"))


def test_acquirer_unreachable_accepts_offline_and_shows_the_banner(shop: Shop, broker: MosquittoBroker) -> None:
    broker.stop()
    assert shop.term.code_payments is not None
    until(shop.kiosk, "the link to notice the broker is gone",
          lambda: not shop.term.code_payments.acquirer.reachable())
    shop.ring_tea_by_scanner()
    panel = shop.pay_code()
    result = panel.ids.result_view
    assert panel.paid and result.status == "offline" and result.ids.result_headline.text == "Accepted offline"
    assert "charged when the connection returns" in result.ids.result_advice.text
    shop.kiosk.tap(result.ids.result_action)
    banner = shop.kiosk.screen("sale").ids.offline_banner
    until(shop.kiosk, "the offline banner", lambda: banner.text)
    assert banner.text.startswith("OFFLINE") and "1 payment waiting" in banner.text
    assert banner.height > 0 and banner.opacity == 1
    receipts = shop.term.data_dir / "receipts"
    assert "OFFLINE" in sorted(receipts.glob("receipt-*.txt"))[0].read_text(encoding="utf-8")
