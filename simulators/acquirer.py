"""`edgepos sim acquirer`: a wallet acquirer on MQTT 5 request/response, with scripted answers and faults.

Scripts (per run with --script, or per amount with --by-amount 13.00=decline:card_blocked):
  approve            pay -> success
  decline[:REASON]   pay -> declined with the reason
  pending[:S]        pay -> pending; query -> pending until S seconds after pay, then success
  silent             pay and query are never answered; reverse -> reversed
  late-success[:S]   like silent, but S seconds after the reversal a success for that trade arrives anyway
Refunds are answered `refunded` up to what was paid, `failed` beyond (the same out_request_no twice: once).
A query for a trade it never saw answers `unknown`; a reverse of one answers `reversed` (as Alipay's cancel
does) and closes the out_trade_no, so a pay arriving later for it is declined. A pay repeated for a known
trade answers its current status. A face pay with "funding": "agreement" is declined `no_agreement` unless
the member was named with --agreement MEMBER (then the script decides); agreement_sign answers created with a
sign-page URL as payload. With --ledger FILE every change is written (atomically) to FILE as
{out_trade_no: {"status", "amount", "refunded", "script"}}: tests read the charges there. It keeps running
across the terminal's restarts (one long-lived process; a restarted terminal reconnects to the broker).
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt

from sync.broker_files import CLOUD_RPC
from sync.mqtt import BrokerSettings, make_client, publish_properties
from sync.rpc import reply_topic
from sync.schema import ROOT, terminal_of


@dataclass
class Trade:
    """What the simulator remembers of one out_trade_no."""

    script: str
    arg: str
    amount: Decimal
    started: float
    status: str = "pending"
    refunded: Decimal = Decimal(0)
    refund_ids: set[str] = field(default_factory=set)


class AcquirerSim:
    """Answers pay/query/reverse/refund by script; prints one JSON line per request it saw."""

    def __init__(self, settings: BrokerSettings, script: str, by_amount: dict[str, str],
                 ledger: Path | None = None, agreements: frozenset[str] = frozenset()) -> None:
        self.settings, self.script, self.by_amount, self.ledger = settings, script, by_amount, ledger
        self.agreements = agreements   # members with a signed withholding agreement (face-pay funding)
        self.trades: dict[str, Trade] = {}
        self._ledger_lock = threading.Lock()
        self.client = make_client(settings, settings.username)
        self.client.on_connect = lambda c, *_: c.subscribe([(f"{ROOT}/+/rpc/+", 1), (f"{CLOUD_RPC}/+", 1)])
        self.client.on_message = self._on_message
        self._timers: list[threading.Timer] = []

    def run(self, stop: threading.Event) -> None:
        """Serve until `stop` is set."""
        self.client.connect(self.settings.host, self.settings.port)
        self.client.loop_start()
        print(json.dumps({"ready": True}), flush=True)
        stop.wait()
        for timer in self._timers:
            timer.cancel()
        self.client.loop_stop()
        self.client.disconnect()

    def _reply(self, message: mqtt.MQTTMessage, body: dict[str, Any]) -> None:
        props = publish_properties(getattr(message.properties, "CorrelationData", b""))
        topic = getattr(message.properties, "ResponseTopic", "")
        self.client.publish(topic, json.dumps(body), qos=1, properties=props)

    def _on_message(self, _c: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        terminal, method = terminal_of(message.topic), message.topic.rsplit("/", 1)[-1]
        try:
            req = json.loads(message.payload)
        except ValueError:
            return
        otn = str(req.get("out_trade_no", ""))
        answer = getattr(self, f"_{method}", lambda *_: None)(terminal, otn, req)
        self._write_ledger()
        print(json.dumps({"terminal": terminal, "method": method, "out_trade_no": otn,
                          "answer": answer and answer["status"]}), flush=True)
        if answer is not None:
            self._reply(message, {"out_trade_no": otn, **answer})

    def _write_ledger(self) -> None:
        """Every trade's status, amount and refunded amount, replaced atomically (a reader never sees half)."""
        if self.ledger is None:
            return
        with self._ledger_lock:
            data = {otn: {"status": t.status, "amount": str(t.amount), "refunded": str(t.refunded),
                          "script": t.script} for otn, t in list(self.trades.items())}
            tmp = self.ledger.with_name(f".{self.ledger.name}.tmp")
            tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
            os.replace(tmp, self.ledger)

    def _script_for(self, amount: str) -> tuple[str, str]:
        name = self.by_amount.get(amount, self.script)
        script, _, arg = name.partition(":")
        return script, arg

    def _pay(self, _terminal: str | None, otn: str, req: dict[str, Any]) -> dict[str, str] | None:
        script, arg = self._script_for(str(req.get("amount", "")))
        if req.get("funding") == "agreement" and str(req.get("member_id", "")) not in self.agreements:
            script, arg = "decline", "no_agreement"
        known = self.trades.get(otn)
        if known is not None and known.status != "pending":   # a repeated pay, or a pay after the reversal
            status = "declined" if known.status == "reversed" else known.status
            return {"status": status, "reason": "the trade is closed" if status == "declined" else "",
                    "trade_no": f"SIM{otn[-12:]}" if status == "success" else ""}
        trade = self.trades.setdefault(otn, Trade(script, arg, Decimal(str(req.get("amount", "0"))), time.monotonic()))
        if script == "approve":
            trade.status = "success"
            return {"status": "success", "trade_no": f"SIM{otn[-12:]}"}
        if script == "decline":
            trade.status = "declined"
            return {"status": "declined", "reason": arg or "insufficient_funds"}
        if script == "pending":
            return {"status": "pending", "reason": "waiting for the customer to confirm in the wallet"}
        return None  # silent / late-success: the request is "lost"

    def _precreate(self, terminal: str | None, otn: str, req: dict[str, Any]) -> dict[str, str] | None:
        """A merchant-presented QR order: created now; the script decides what the customer's wallet does."""
        script, arg = self._script_for(str(req.get("amount", "")))
        self.trades[otn] = Trade(script, arg, Decimal(str(req.get("amount", "0"))), time.monotonic())
        if terminal and script in ("approve", "decline", "pending"):
            delay = float(arg) if script == "pending" and arg else 0.3
            timer = threading.Timer(delay, self._customer_paid, (terminal, otn))
            self._timers.append(timer)
            timer.start()
        return {"status": "created"}

    def _agreement_sign(self, _terminal: str | None, _otn: str, req: dict[str, Any]) -> dict[str, str] | None:
        """The page a member opens to sign a withholding agreement (the sim only names it)."""
        member = str(req.get("member_id", ""))
        return {"status": "created", "payload": f"https://sim.acquirer.invalid/agreement/sign?member={member}"}

    def _customer_paid(self, terminal: str, otn: str) -> None:
        trade = self.trades[otn]
        if trade.status != "pending":
            return  # closed meanwhile
        trade.status = "declined" if trade.script == "decline" else "success"
        self._write_ledger()
        body = {"out_trade_no": otn, "status": trade.status, "trade_no": f"SIM{otn[-12:]}",
                "reason": (trade.arg or "insufficient_funds") if trade.script == "decline" else ""}
        self.client.publish(reply_topic(terminal, "notify"), json.dumps(body), qos=1)
        print(json.dumps({"terminal": terminal, "method": "notify", "out_trade_no": otn, "answer": trade.status}),
              flush=True)

    def _query(self, _terminal: str | None, otn: str, _req: dict[str, Any]) -> dict[str, str] | None:
        trade = self.trades.get(otn)
        if trade is None:
            return {"status": "unknown", "reason": "no such trade"}
        if (trade.script == "pending" and trade.status == "pending"
                and time.monotonic() - trade.started >= float(trade.arg or 5)):
            trade.status = "success"
        if trade.script in ("silent", "late-success") and trade.status == "pending":
            return None
        return {"status": trade.status, "trade_no": f"SIM{otn[-12:]}" if trade.status == "success" else ""}

    def _reverse(self, terminal: str | None, otn: str, _req: dict[str, Any]) -> dict[str, str] | None:
        trade = self.trades.get(otn)
        if trade is not None and trade.status == "success" and trade.script != "late-success":
            return {"status": "failed", "reason": "already paid: refund it instead"}
        if trade is None:   # never seen: closed now, so a pay still on its way is refused
            self.trades[otn] = Trade("reversed-unknown", "", Decimal(0), time.monotonic(), status="reversed")
        else:
            trade.status = "reversed"
            if trade.script == "late-success" and terminal:
                timer = threading.Timer(float(trade.arg or 1), self._late_success, (terminal, otn))
                self._timers.append(timer)
                timer.start()
        return {"status": "reversed"}

    def _late_success(self, terminal: str, otn: str) -> None:
        self.trades[otn].status = "success"
        self._write_ledger()
        body = {"out_trade_no": otn, "status": "success", "trade_no": f"SIM{otn[-12:]}",
                "reason": "the customer's payment arrived after the reversal"}
        self.client.publish(reply_topic(terminal, "notify"), json.dumps(body), qos=1)
        print(json.dumps({"terminal": terminal, "method": "notify", "out_trade_no": otn, "answer": "success"}),
              flush=True)

    def _refund(self, _terminal: str | None, otn: str, req: dict[str, Any]) -> dict[str, str] | None:
        trade, amount = self.trades.get(otn), Decimal(str(req.get("amount", "0")))
        request_no = str(req.get("out_request_no", ""))
        if trade is None or trade.status != "success":
            return {"status": "failed", "reason": "no paid trade to refund"}
        if request_no in trade.refund_ids:
            return {"status": "refunded", "reason": "already refunded (same out_request_no)"}
        if trade.refunded + amount > trade.amount:
            return {"status": "failed", "reason": "refund larger than what is left"}
        trade.refunded += amount
        trade.refund_ids.add(request_no)
        return {"status": "refunded"}


def main(argv: list[str] | None = None, settings: BrokerSettings | None = None) -> int:
    """Run the simulator until SIGTERM/Ctrl-C."""
    parser = argparse.ArgumentParser(prog="edgepos sim acquirer", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deploy", required=settings is None,
                        help="the deployment directory `cloud init` printed, or the --data-dir it was given")
    parser.add_argument("--script", default="approve", help="the default script")
    parser.add_argument("--by-amount", action="append", default=[], help="AMOUNT=SCRIPT, e.g. 13.00=decline")
    parser.add_argument("--agreement", action="append", default=[], metavar="MEMBER",
                        help="this member signed a withholding agreement: face-pay funded by it is charged")
    parser.add_argument("--ledger", type=Path, default=None,
                        help="write every trade's status, amount and refunded amount to this JSON file")
    args = parser.parse_args(argv)
    if settings is None:
        from sync.provision import load_deployment
        settings = load_deployment(Path(args.deploy)).acquirer_settings()
    by_amount = dict(item.split("=", 1) for item in args.by_amount)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        AcquirerSim(settings, args.script, by_amount, args.ledger, frozenset(args.agreement)).run(stop)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
