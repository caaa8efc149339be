"""The gateway on MQTT 5: terminals' requests and the forwarder's charges answered on a worker pool."""
from __future__ import annotations

import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import paho.mqtt.client as mqtt

from sync.broker_files import CLOUD_RPC
from sync.gateway.config import GatewayConfig
from sync.gateway.notify_http import Notifications, NotifyServer
from sync.gateway.provider import Provider, ProviderName
from sync.gateway.router import Router, Timer
from sync.gateway.stats import Stats
from sync.gateway.store import GatewayStore, Trade
from sync.gateway.watch import Watcher
from sync.mqtt import BrokerSettings, make_client, publish_properties
from sync.rpc import reply_topic
from sync.schema import ROOT, terminal_of
from terminal.payments.acquirer import AcquirerStatus

log = logging.getLogger(__name__)


class Gateway:
    """Subscribes to every terminal's rpc requests and CLOUD_RPC; provider calls never run on paho's thread."""

    def __init__(self, settings: BrokerSettings, store_url: str, providers: dict[ProviderName, Provider],
                 config: GatewayConfig) -> None:
        self.settings, self.config, self.providers = settings, config, providers
        self.store = GatewayStore(store_url)
        self.router = Router(providers, self.store, config)
        self.stats = Stats()
        self.pool = ThreadPoolExecutor(max_workers=config.workers, thread_name_prefix="gateway")
        self.subscribed = threading.Event()
        self.client = make_client(settings, settings.username)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = lambda *_: self.subscribed.set()
        self.client.on_message = self._on_message
        self.watcher = Watcher(providers, self.store, self.tell, config.watch_interval_s)
        self.notify = NotifyServer(Notifications(providers, self.store, self.tell), config.notify_host,
                                   config.notify_port)

    def start(self) -> None:
        """Create the tables, listen for notifications, connect, start the watch; returns at once."""
        self.store.create()
        self.notify.start()
        self.client.connect_async(self.settings.host, self.settings.port)
        self.client.loop_start()
        self.watcher.start()
        log.info("gateway: providers %s, QR by %s, notifications on %s (told as %s)",
                 ", ".join(self.providers), self.config.qr_provider, self.notify.where, self.config.notify_base_url)

    def stop(self) -> None:
        """Finish the requests in hand, then disconnect and stop the threads."""
        self.watcher.stop()
        self.notify.stop()
        self.pool.shutdown(wait=True)
        self.client.loop_stop()
        self.client.disconnect()
        self.store.close()
        log.info("gateway stopped: %s", json.dumps(self.stats.summary()))

    def _on_connect(self, client: mqtt.Client, *_: Any) -> None:
        client.subscribe([(f"{ROOT}/+/rpc/+", 1), (f"{CLOUD_RPC}/+", 1)])

    def _on_message(self, _c: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        received = time.perf_counter()
        cloud = message.topic.startswith(f"{CLOUD_RPC}/")
        terminal = None if cloud else terminal_of(message.topic)
        if not cloud and terminal is None:
            return
        self.pool.submit(self._serve, terminal, message, received)

    def _serve(self, terminal: str | None, message: mqtt.MQTTMessage, received: float) -> None:
        method = message.topic.rsplit("/", 1)[-1]
        timer = Timer()
        try:
            req = json.loads(message.payload)
            if not isinstance(req, dict):
                raise ValueError("not an object")
        except ValueError:
            log.warning("gateway: unreadable %s request on %s", method, message.topic)
            return
        try:
            reply = self.router.handle(terminal, method, req, timer)
        except Exception:   # a database failure: the terminal queries again, the forwarder retries
            log.exception("gateway: %s %s failed", method, str(req.get("out_trade_no", ""))[:64])
            return
        props = publish_properties(bytes(getattr(message.properties, "CorrelationData", b"") or b""))
        topic = getattr(message.properties, "ResponseTopic", "")
        if topic:
            self.client.publish(topic, json.dumps(reply, ensure_ascii=False), qos=1, properties=props)
        self.stats.add(method, reply["out_trade_no"], time.perf_counter() - received, timer.provider_s)
        log.info("%s %s %s: %s %s", terminal or "backend", method, reply["out_trade_no"], reply["status"],
                 reply["reason"][:120])

    def tell(self, trade: Trade, status: AcquirerStatus, trade_no: str, reason: str) -> None:
        """An unsolicited result to the trade's terminal (QR paid, late success); the backend's own trades aren't."""
        if not trade.terminal:
            return
        body = {"out_trade_no": trade.out_trade_no, "status": str(status), "trade_no": trade_no, "reason": reason}
        self.client.publish(reply_topic(trade.terminal, "notify"), json.dumps(body), qos=1)
        log.info("notify %s %s: %s", trade.terminal, trade.out_trade_no, status)
